import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayOfYear, guessDateFormat, parseDate, utcYear } from '../../src/engine/io/datetime';

const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d);

test('ISO dates, with times and offsets, read as UTC milliseconds', () => {
  assert.equal(parseDate('2021-03-04', 'iso'), day(2021, 3, 4));
  assert.equal(parseDate(' 2021-3-4 ', 'iso'), day(2021, 3, 4), 'trimmed, one-digit month and day');
  assert.equal(parseDate('2021-03-04T10:20:30Z', 'iso'), Date.UTC(2021, 2, 4, 10, 20, 30));
  assert.equal(parseDate('2021-03-04 10:20', 'iso'), Date.UTC(2021, 2, 4, 10, 20));
  assert.equal(parseDate('2021-03-04T10:20:30.250Z', 'iso'), Date.UTC(2021, 2, 4, 10, 20, 30, 250));
  // 10:20 at +02:00 is 08:20 UTC; at -0530 it is 15:50 UTC.
  assert.equal(parseDate('2021-03-04T10:20:00+02:00', 'iso'), Date.UTC(2021, 2, 4, 8, 20));
  assert.equal(parseDate('2021-03-04T10:20:00-0530', 'iso'), Date.UTC(2021, 2, 4, 15, 50));
  assert.equal(parseDate('9999-12-31', 'iso'), day(9999, 12, 31));
});

test('impossible dates and times are not dates (no roll-over into the next month)', () => {
  for (const text of ['2021-02-29', '2021-02-30', '2021-13-01', '2021-00-10', '2021-04-31', '2021-03-04T25:00', '2021-03-04T10:60', 'x2021-03-04', '']) {
    assert.equal(parseDate(text, 'iso'), null, text);
  }
  assert.equal(parseDate('2020-02-29', 'iso'), day(2020, 2, 29), 'a leap day is a day');
});

test('day/month and month/day read the same text differently; two-digit years pivot at 68/69', () => {
  assert.equal(parseDate('13/02/2021', 'dmy'), day(2021, 2, 13));
  assert.equal(parseDate('13/02/2021', 'mdy'), null);
  assert.equal(parseDate('02/13/2021', 'mdy'), day(2021, 2, 13));
  assert.equal(parseDate('3.4.2021', 'dmy'), day(2021, 4, 3));
  assert.equal(parseDate('3-4-2021', 'mdy'), day(2021, 3, 4));
  assert.equal(parseDate('1/2/68', 'dmy'), day(2068, 2, 1));
  assert.equal(parseDate('1/2/69', 'dmy'), day(1969, 2, 1));
  assert.equal(parseDate('2021/07/04', 'ymd-slash'), day(2021, 7, 4));
  assert.equal(parseDate('2021-07', 'year-month'), day(2021, 7, 1));
  assert.equal(parseDate('2021-7-4', 'year-month'), null);
});

test('month names: first or second, abbreviated or not, case-insensitive', () => {
  for (const text of ['Jan 5, 2020', 'January 5 2020', 'jan. 5th, 2020', '5 Jan 2020', '05-Jan-2020', '5-january-20']) {
    assert.equal(parseDate(text, 'month-name'), day(2020, 1, 5), text);
  }
  assert.equal(parseDate('Sept 30, 2021', 'month-name'), day(2021, 9, 30));
  assert.equal(parseDate('Foo 5, 2020', 'month-name'), null);
  assert.equal(parseDate('Feb 30, 2020', 'month-name'), null);
});

test('the format is guessed from the distinct texts, with the day-first / month-first choice explained', () => {
  assert.equal(guessDateFormat([]), null);
  assert.deepEqual(guessDateFormat(['2021-01-02', '2022-12-31']), { format: 'iso', share: 1, note: null });
  const dmy = guessDateFormat(['13/1/2021', '1/2/2021', '28/12/2022']);
  assert.equal(dmy?.format, 'dmy');
  assert.equal(dmy?.note, 'read as day/month: some values have a first number above 12');
  const mdy = guessDateFormat(['1/13/2021', '2/1/2021']);
  assert.equal(mdy?.format, 'mdy');
  assert.equal(mdy?.note, 'read as month/day: some values have a second number above 12');
  const either = guessDateFormat(['1/2/2021', '3/4/2021', '12/11/2022']);
  assert.equal(either?.format, 'mdy');
  assert.match(either?.note ?? '', /no day above 12\); read as month\/day$/);
  // 19 of 20 distinct texts read: 95 %, enough by default; 18 of 20 is not, unless the caller asks for less.
  const dates = Array.from({ length: 20 }, (_, i) => `2021-01-${String(i + 1).padStart(2, '0')}`);
  assert.equal(guessDateFormat([...dates.slice(0, 19), 'soon'])?.share, 0.95);
  assert.equal(guessDateFormat([...dates.slice(0, 18), 'soon', 'later']), null);
  assert.equal(guessDateFormat([...dates.slice(0, 18), 'soon', 'later'], 0.5)?.format, 'iso');
  assert.equal(guessDateFormat(['red', 'green', '12', '3.5']), null, 'categories and numbers are no dates');
});

test('day of the year and year of a UTC time, leap years included', () => {
  assert.equal(dayOfYear(day(2021, 1, 1)), 1);
  assert.equal(dayOfYear(day(2021, 12, 31)), 365);
  assert.equal(dayOfYear(day(2020, 12, 31)), 366);
  assert.equal(dayOfYear(day(2020, 3, 1)), 61);
  assert.equal(dayOfYear(Date.UTC(2021, 0, 1, 23, 59, 59)), 1, 'the time of day does not move the day');
  assert.equal(utcYear(day(1969, 12, 31)), 1969);
  assert.equal(utcYear(Date.UTC(2021, 11, 31, 23, 59)), 2021);
  assert.ok(Number.isNaN(dayOfYear(NaN)));
});
