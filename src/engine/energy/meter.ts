/**
 * Measure the energy of an interval of work, CodeCarbon's way: the RAPL package counters when they can be read, else
 * an estimate from this process's CPU time (process.cpuUsage(): user + system of every thread of the process — the
 * worker, a thread pool, TensorFlow's native threads; in VS Code also the rest of the extension host, which shares the
 * process). Start a meter where the work starts and stop it where it ends: only that interval counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuTimeEnergy, raplEnergy, resolveIntensity, unmeasuredEnergy } from './energy';
import type { EnergyReport } from './energy';
import { findPackageDomains, RaplCounters } from './rapl';
import type { SysFs } from './rapl';

/** Where a meter reads from; tests pass a fake one. */
export interface EnergySystem {
  /** The powercap file system; null where there is none to read (not Linux). */
  readonly fs: SysFs | null;
  /** CPU time of the process in microseconds (process.cpuUsage); null where the runtime has none. */
  readonly cpuUsage: (() => { readonly user: number; readonly system: number }) | null;
  /** A monotonic clock in milliseconds. */
  readonly now: () => number;
}

export interface EnergyOptions {
  /** Grid carbon intensity, gCO2eq/kWh (absent: the world average). */
  readonly intensity?: number;
  /** Absent: this process and /sys. */
  readonly system?: EnergySystem;
}

export interface EnergyMeter {
  /** Read the RAPL counters now (long work should call this every few minutes: a counter wraps). Never throws. */
  sample(): void;
  /** The energy from the start to now. */
  stop(): EnergyReport;
}

/** This process and the machine's /sys/class/powercap. */
export function nodeEnergySystem(): EnergySystem {
  return {
    fs: process.platform === 'linux' ? { readText: (p) => readFileSync(p, 'utf8'), list: (d) => readdirSync(d) } : null,
    cpuUsage: typeof process.cpuUsage === 'function' ? () => process.cpuUsage() : null,
    now: () => performance.now(),
  };
}

/**
 * Between two readings a counter may wrap once, not twice: at this much package power a counter's range lasts
 * max_energy_range_uj / 250 W (17 min for the common 262 143 J); readings further apart are flagged.
 */
const RAPL_WRAP_WATTS = 250;

export function startEnergyMeter(options: EnergyOptions = {}): EnergyMeter {
  const { intensity, source } = resolveIntensity(options.intensity);
  const sys = options.system ?? nodeEnergySystem();
  const t0 = sys.now();
  let cpu0: { readonly user: number; readonly system: number } | null = null;
  let cpuReason = 'this runtime reports no process CPU time';
  try {
    cpu0 = sys.cpuUsage ? sys.cpuUsage() : null;
  } catch (error) {
    cpuReason = `process CPU time could not be read (${message(error)})`;
  }
  let rapl: RaplCounters | null = null;
  let raplReason = 'no RAPL interface on this platform (it is read through Linux powercap)';
  if (sys.fs) {
    const probe = findPackageDomains(sys.fs);
    if (probe.ok) {
      try {
        rapl = new RaplCounters(sys.fs, probe.domains);
      } catch (error) {
        raplReason = `RAPL counters not readable (${message(error)})`;
      }
    } else raplReason = probe.reason;
  }
  let lastSample = t0;
  let longestGapMs = 0;
  const sample = (): void => {
    if (!rapl) return;
    try {
      rapl.sample();
      const t = sys.now();
      longestGapMs = Math.max(longestGapMs, t - lastSample);
      lastSample = t;
    } catch (error) {
      // A counter that can no longer be read makes the whole RAPL figure unknown: the CPU-time estimate stands in.
      raplReason = `RAPL counters stopped being readable during the run (${message(error)})`;
      rapl = null;
    }
  };
  return {
    sample,
    stop(): EnergyReport {
      sample();
      const seconds = (sys.now() - t0) / 1000;
      if (rapl) {
        const wrapSeconds = Math.min(...rapl.domains.map((d) => d.maxUj / 1e6 / RAPL_WRAP_WATTS));
        const note =
          longestGapMs / 1000 > wrapSeconds
            ? `the counters were read ${(longestGapMs / 1000).toFixed(0)} s apart, longer than a counter lasts at ${RAPL_WRAP_WATTS} W (${wrapSeconds.toFixed(0)} s): a second wrap would go unseen`
            : undefined;
        return raplEnergy(rapl.joules, seconds, rapl.domains.map((d) => d.name), intensity, source, note);
      }
      if (cpu0 && sys.cpuUsage) {
        try {
          const cpu1 = sys.cpuUsage();
          const cpuSeconds = Math.max(0, cpu1.user - cpu0.user + (cpu1.system - cpu0.system)) / 1e6;
          return cpuTimeEnergy(cpuSeconds, seconds, intensity, source, `RAPL not used: ${raplReason}`);
        } catch (error) {
          cpuReason = `process CPU time could not be read (${message(error)})`;
        }
      }
      return unmeasuredEnergy(`${raplReason}; ${cpuReason}`, seconds, intensity, source);
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
