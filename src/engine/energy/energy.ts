/**
 * Energy and carbon of a piece of work (a training, an analysis): the report section, its arithmetic and its one-line
 * description. Pure: the measurement itself (RAPL counters, process CPU time) is in meter.ts and rapl.ts.
 *
 *   energy  E [J]      = RAPL package-counter delta, or CPU seconds × watts per core
 *   energy  E [kWh]    = E [J] / 3.6e6
 *   carbon  C [gCO2eq] = E [kWh] × grid intensity [gCO2eq/kWh]
 *
 * The method is always stated: `rapl` is a measurement of the whole CPU package (every process on it, not only this
 * work); `cpuTime` is an estimate from this process's CPU time. When neither can be taken the section says so, with
 * the reason, and carries no number.
 */

/** Joules in a kilowatt-hour. */
export const JOULES_PER_KWH = 3.6e6;

/**
 * Grid carbon intensity when none is set: 475 gCO2eq/kWh, the world average CodeCarbon applies when it knows neither
 * the country's intensity nor its energy mix — the IEA's Global Energy & CO2 Status Report 2019
 * (https://www.iea.org/reports/global-energy-co2-status-report-2019/emissions), cited in CodeCarbon's methodology
 * (https://github.com/mlco2/codecarbon/blob/master/docs/explanation/methodology.md, "Carbon Intensity").
 */
export const WORLD_AVERAGE_INTENSITY = 475;

/**
 * Watts per busy core (per hardware thread) for the CPU-time estimate: 4 W, CodeCarbon's DEFAULT_POWER_PER_CORE
 * (codecarbon/core/cpu.py), its TDP for a CPU missing from its table being threads × 4 W. In CodeCarbon's process
 * tracking mode the CPU power is TDP × (process CPU seconds / wall seconds) / threads (codecarbon/external/hardware.py),
 * so the energy over an interval is exactly CPU seconds × 4 W — what this estimate computes. (When it cannot even
 * read the CPU's model name CodeCarbon falls back to an 85 W package, POWER_CONSTANT in hardware.py; a per-core figure
 * needs no model name, so this one is used throughout.)
 */
export const WATTS_PER_CORE = 4;

export type EnergyMethod = 'rapl' | 'cpuTime';

/** Where the grid intensity came from: the world average, or the user (kryptonite.carbonIntensity, --carbon-intensity). */
export type IntensitySource = 'worldAverage' | 'user';

/** A measured (rapl) or estimated (cpuTime) energy, with every input that produced it. */
export interface EnergyMeasured {
  readonly method: EnergyMethod;
  readonly kWh: number;
  readonly gCO2eq: number;
  /** Wall-clock seconds of the measured interval. */
  readonly seconds: number;
  /** Joules: the RAPL counters' delta (rapl), or CPU seconds × watts per core (cpuTime). */
  readonly joules: number;
  /** rapl: the package domains read (their sysfs names, e.g. package-0). */
  readonly domains?: readonly string[];
  /** cpuTime: user + system CPU seconds of the whole process over the interval (every thread: workers, pools). */
  readonly cpuSeconds?: number;
  /** cpuTime: the power of one busy core (WATTS_PER_CORE). */
  readonly wattsPerCore?: number;
  /** Grid carbon intensity, gCO2eq/kWh. */
  readonly intensity: number;
  readonly intensitySource: IntensitySource;
  /** cpuTime: why RAPL was not used (e.g. the counters are root-only); rapl: a caveat on the reading. */
  readonly note?: string;
  /** The method and its inputs in one line. */
  readonly description: string;
}

/** Nothing could be measured: no number, and why. */
export interface EnergyUnmeasured {
  readonly method: null;
  readonly kWh: null;
  readonly gCO2eq: null;
  readonly seconds: number;
  readonly intensity: number;
  readonly intensitySource: IntensitySource;
  readonly reason: string;
  readonly description: string;
}

/** The `energy` section of a training (TrainingReport.energy) or an analysis (Report.energy). */
export type EnergyReport = EnergyMeasured | EnergyUnmeasured;

/** The grid intensity to use: the user's (finite, ≥ 0) or the world average. */
export function resolveIntensity(value: number | undefined): { readonly intensity: number; readonly source: IntensitySource } {
  if (value === undefined) return { intensity: WORLD_AVERAGE_INTENSITY, source: 'worldAverage' };
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`a carbon intensity is a number of gCO2eq/kWh ≥ 0, got ${value}`);
  return { intensity: value, source: 'user' };
}

export function joulesToKWh(joules: number): number {
  return joules / JOULES_PER_KWH;
}

/** Energy of `cpuSeconds` of busy cores at `wattsPerCore` each, in joules. */
export function cpuTimeJoules(cpuSeconds: number, wattsPerCore = WATTS_PER_CORE): number {
  return cpuSeconds * wattsPerCore;
}

export function carbonGrams(kWh: number, intensity: number): number {
  return kWh * intensity;
}

/** The report of a RAPL measurement: `joules` read from the package counters `domains` over `seconds`. */
export function raplEnergy(joules: number, seconds: number, domains: readonly string[], intensity: number, source: IntensitySource, note?: string): EnergyMeasured {
  const kWh = joulesToKWh(joules);
  const base = { method: 'rapl' as const, kWh, gCO2eq: carbonGrams(kWh, intensity), seconds, joules, domains: [...domains], intensity, intensitySource: source, ...(note ? { note } : {}) };
  return { ...base, description: describeEnergy(base) };
}

/** The report of a CPU-time estimate: `cpuSeconds` of this process over `seconds` of wall clock. */
export function cpuTimeEnergy(cpuSeconds: number, seconds: number, intensity: number, source: IntensitySource, note?: string, wattsPerCore = WATTS_PER_CORE): EnergyMeasured {
  const joules = cpuTimeJoules(cpuSeconds, wattsPerCore);
  const kWh = joulesToKWh(joules);
  const base = {
    method: 'cpuTime' as const,
    kWh,
    gCO2eq: carbonGrams(kWh, intensity),
    seconds,
    joules,
    cpuSeconds,
    wattsPerCore,
    intensity,
    intensitySource: source,
    ...(note ? { note } : {}),
  };
  return { ...base, description: describeEnergy(base) };
}

export function unmeasuredEnergy(reason: string, seconds: number, intensity: number, source: IntensitySource): EnergyUnmeasured {
  return { method: null, kWh: null, gCO2eq: null, seconds, intensity, intensitySource: source, reason, description: `energy not measured: ${reason}` };
}

/** How the figure was obtained, in one line (the report's `description`). */
function describeEnergy(e: Omit<EnergyMeasured, 'description'>): string {
  const grid = `grid ${formatNumber(e.intensity)} gCO2eq/kWh (${e.intensitySource === 'user' ? 'set by the user' : 'world average, IEA 2019 as in CodeCarbon'})`;
  if (e.method === 'rapl') {
    return `RAPL package counters (${(e.domains ?? []).join(', ')}): ${formatNumber(e.joules)} J over ${formatNumber(e.seconds)} s — the whole CPU package, every process on it, not only this work; ${grid}${e.note ? `; ${e.note}` : ''}`;
  }
  return (
    `estimate from process CPU time: ${formatNumber(e.cpuSeconds ?? 0)} CPU s (user + system, every thread) × ${formatNumber(e.wattsPerCore ?? WATTS_PER_CORE)} W per core ` +
    `(CodeCarbon's default for an unknown CPU) over ${formatNumber(e.seconds)} s; ${grid}${e.note ? `; ${e.note}` : ''}`
  );
}

/**
 * The summary line of the CLI and the runs tree: `Energy: 2.35e-5 kWh (84.6 J), 0.0112 gCO2eq — CPU-time estimate (…)`.
 * kWh of a short run are tiny: three significant digits, in exponent form below 0.001.
 */
export function energyLine(e: EnergyReport): string {
  if (e.kWh === null) return `Energy: not measured — ${e.reason}`;
  const how = e.method === 'rapl' ? 'RAPL, whole CPU package' : `CPU-time estimate, ${formatNumber(e.cpuSeconds ?? 0)} CPU s × ${formatNumber(e.wattsPerCore ?? WATTS_PER_CORE)} W/core`;
  return `Energy: ${formatKWh(e.kWh)} kWh (${formatNumber(e.joules)} J), ${formatGrams(e.gCO2eq)} gCO2eq at ${formatNumber(e.intensity)} g/kWh — ${how}`;
}

/** kWh with three significant digits (exponent form below 0.001 kWh). */
export function formatKWh(kWh: number): string {
  if (!Number.isFinite(kWh)) return '—';
  if (kWh === 0) return '0';
  return Math.abs(kWh) < 1e-3 ? kWh.toExponential(2) : kWh.toPrecision(3);
}

/** Grams with three significant digits (exponent form below 0.001 g). */
export function formatGrams(g: number): string {
  return formatKWh(g);
}

/** Three significant digits, whole numbers from 100 up, an exponent below 0.001. */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (Number.isInteger(v) || Math.abs(v) >= 100) return String(Math.round(v));
  return Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toPrecision(3);
}

/**
 * A stored report's energy section as written by this module (saved runs are read back from disk: a hand-edited or
 * foreign file must not break a tooltip). Checks the fields the readers use.
 */
export function isEnergyReport(v: unknown): v is EnergyReport {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  if (!finite(e.seconds) || !finite(e.intensity) || typeof e.description !== 'string') return false;
  if (e.method === null) return e.kWh === null && e.gCO2eq === null && typeof e.reason === 'string';
  if (e.method !== 'rapl' && e.method !== 'cpuTime') return false;
  return finite(e.kWh) && finite(e.gCO2eq) && finite(e.joules) && (e.method === 'rapl' || (finite(e.cpuSeconds) && finite(e.wattsPerCore)));
}
