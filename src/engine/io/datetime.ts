/**
 * Dates and times in text cells: ISO 8601 and the common spreadsheet forms. A column is a date column when one
 * format reads (nearly) all its distinct values; that format then reads every cell, so a column never mixes
 * day-first and month-first readings.
 *
 * Everything is parsed to UTC milliseconds with Date.UTC from numbers we extract ourselves: `Date.parse` accepts
 * implementation-defined forms and reads "01/02/2020" as month-first without saying so.
 */

export type DateFormat = 'iso' | 'ymd-slash' | 'dmy' | 'mdy' | 'month-name' | 'year-month';

export interface DateFormatGuess {
  readonly format: DateFormat;
  /** Share of the distinct texts it reads. */
  readonly share: number;
  /** How the format was chosen, when there was a choice (day-first vs month-first). */
  readonly note: string | null;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

const TIME = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}$`);
const YMD_SLASH = new RegExp(String.raw`^(\d{4})[/.](\d{1,2})[/.](\d{1,2})${TIME}$`);
const NUMERIC_DMY = new RegExp(String.raw`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})${TIME}$`);
const YEAR_MONTH = /^(\d{4})-(\d{1,2})$/;
// "Jan 5, 2020", "January 5 2020", "5 Jan 2020", "05-Jan-2020", "5-January-20"
const MONTH_FIRST = new RegExp(String.raw`^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}$`);
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})[\s-]([A-Za-z]{3,9})\.?[\s-](\d{4}|\d{2})${TIME}$`);

/** Milliseconds since the epoch (UTC) of `text` read with `format`, or null when it does not read as a valid date. */
export function parseDate(text: string, format: DateFormat): number | null {
  const t = text.trim();
  let m: RegExpExecArray | null;
  switch (format) {
    case 'iso':
      m = ISO.exec(t);
      return m ? build(+m[1], +m[2], +m[3], m, 4) : null;
    case 'ymd-slash':
      m = YMD_SLASH.exec(t);
      return m ? build(+m[1], +m[2], +m[3], m, 4) : null;
    case 'dmy':
      m = NUMERIC_DMY.exec(t);
      return m ? build(year(m[3]), +m[2], +m[1], m, 4) : null;
    case 'mdy':
      m = NUMERIC_DMY.exec(t);
      return m ? build(year(m[3]), +m[1], +m[2], m, 4) : null;
    case 'year-month':
      m = YEAR_MONTH.exec(t);
      return m ? build(+m[1], +m[2], 1, null, 0) : null;
    case 'month-name': {
      m = MONTH_FIRST.exec(t);
      if (m) {
        const month = MONTHS[m[1].toLowerCase()];
        return month ? build(+m[3], month, +m[2], m, 4) : null;
      }
      m = DAY_FIRST.exec(t);
      if (m) {
        const month = MONTHS[m[2].toLowerCase()];
        return month ? build(year(m[3]), month, +m[1], m, 4) : null;
      }
      return null;
    }
  }
}

/** Two-digit years as spreadsheets read them: 00–68 → 2000s, 69–99 → 1900s (the POSIX strptime pivot). */
function year(text: string): number {
  if (text.length === 4) return +text;
  const y = +text;
  return y <= 68 ? 2000 + y : 1900 + y;
}

function build(y: number, month: number, day: number, m: RegExpExecArray | null, at: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  let ms = 0;
  let offset = 0;
  if (m && m[at] !== undefined) {
    hours = +m[at];
    minutes = +m[at + 1];
    seconds = m[at + 2] !== undefined ? +m[at + 2] : 0;
    ms = m[at + 3] !== undefined ? Math.floor(+`0.${m[at + 3]}` * 1000) : 0;
    if (hours > 24 || minutes > 59 || seconds > 60) return null;
    const zone = m[at + 4];
    if (zone && zone !== 'Z') {
      const digits = zone.replace(':', '');
      const sign = digits[0] === '-' ? -1 : 1;
      offset = sign * (+digits.slice(1, 3) * 60 + +digits.slice(3, 5)) * 60_000;
    }
  }
  const time = Date.UTC(y, month - 1, day, hours, minutes, seconds, ms);
  // Date.UTC rolls 31 February over into March; a real date reads back the same day.
  const check = new Date(Date.UTC(y, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  return time - offset;
}

/** Which single format reads the most distinct texts; null when none reads at least `minShare` of them. */
export function guessDateFormat(texts: readonly string[], minShare = 0.95): DateFormatGuess | null {
  if (texts.length === 0) return null;
  const formats: DateFormat[] = ['iso', 'ymd-slash', 'year-month', 'month-name', 'dmy', 'mdy'];
  const reads = new Map<DateFormat, number>();
  // A cheap look at the first characters first: a text that starts with neither a digit nor a letter is no date.
  for (const f of formats) {
    let n = 0;
    for (const t of texts) if (parseDate(t, f) !== null) n++;
    reads.set(f, n);
  }
  const dmy = reads.get('dmy') ?? 0;
  const mdy = reads.get('mdy') ?? 0;
  let best: DateFormat | null = null;
  let bestCount = 0;
  for (const f of formats) {
    const n = reads.get(f) ?? 0;
    if (n > bestCount) {
      best = f;
      bestCount = n;
    }
  }
  if (best === null || bestCount < minShare * texts.length) return null;
  let note: string | null = null;
  if (best === 'dmy' || best === 'mdy') {
    if (dmy === mdy) {
      // Every value reads both ways (no day above 12): month-first, as spreadsheets in the US locale write it.
      best = 'mdy';
      note = 'every value reads as day/month and as month/day (no day above 12); read as month/day';
    } else {
      note = best === 'dmy' ? 'read as day/month: some values have a first number above 12' : 'read as month/day: some values have a second number above 12';
    }
  }
  return { format: best, share: bestCount / texts.length, note };
}

/** Day of the year, 1–366, of a UTC time. */
export function dayOfYear(ms: number): number {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.floor((ms - start) / 86_400_000) + 1;
}

export function utcYear(ms: number): number {
  return new Date(ms).getUTCFullYear();
}
