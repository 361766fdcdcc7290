/**
 * Intel/AMD RAPL energy counters through Linux powercap, as CodeCarbon reads them (codecarbon/core/cpu.py, IntelRAPL):
 * the package domains `/sys/class/powercap/intel-rapl:N` (name `package-N`), each a cumulative `energy_uj` counter in
 * microjoules that wraps to 0 after `max_energy_range_uj`. Sub-domains (`intel-rapl:N:M`: core, uncore, dram) are
 * parts of their package and would count it twice; `intel-rapl-mmio:N` mirrors the same package through MMIO and is
 * skipped for the same reason; `psys` is the platform, not the CPU.
 *
 * A package counter measures the whole CPU package — every process on the machine — so a RAPL figure is an upper
 * bound for one job on a busy machine, and is reported as such. The file system is passed in: tests use a fake one.
 */

/** The reads RAPL needs; both throw Node's errors (with `code`: ENOENT, EACCES, …) as node:fs does. */
export interface SysFs {
  readText(path: string): string;
  list(dir: string): string[];
}

export const POWERCAP_ROOT = '/sys/class/powercap';

export interface RaplDomain {
  /** The zone's name file, e.g. `package-0`. */
  readonly name: string;
  /** Path of its energy_uj counter. */
  readonly counter: string;
  /** The counter's range in microjoules (it wraps to 0 past this). */
  readonly maxUj: number;
}

export type RaplProbe = { readonly ok: true; readonly domains: readonly RaplDomain[] } | { readonly ok: false; readonly reason: string };

const PACKAGE_ZONE = /^intel-rapl:\d+$/;

/** The readable package domains, or why there are none (no powercap, no package zone, counters not readable). */
export function findPackageDomains(fs: SysFs, root = POWERCAP_ROOT): RaplProbe {
  let entries: string[];
  try {
    entries = fs.list(root);
  } catch (error) {
    return { ok: false, reason: `no RAPL interface (${describeError(error, root)})` };
  }
  const zones = entries.filter((e) => PACKAGE_ZONE.test(e)).sort();
  const domains: RaplDomain[] = [];
  let refused: string | null = null;
  for (const zone of zones) {
    const dir = `${root}/${zone}`;
    let name: string;
    try {
      name = fs.readText(`${dir}/name`).trim();
    } catch {
      continue;
    }
    if (!/^package/i.test(name)) continue;
    const counter = `${dir}/energy_uj`;
    try {
      const now = parseCounter(fs.readText(counter), counter);
      const maxUj = parseCounter(fs.readText(`${dir}/max_energy_range_uj`), `${dir}/max_energy_range_uj`);
      if (maxUj <= 0 || now > maxUj) throw new Error(`${counter}: ${now} µJ outside its range 0..${maxUj}`);
      domains.push({ name, counter, maxUj });
    } catch (error) {
      refused ??= describeError(error, counter);
    }
  }
  if (domains.length > 0) return { ok: true, domains };
  if (refused) return { ok: false, reason: `RAPL counters not readable (${refused})` };
  return { ok: false, reason: `no RAPL package domain under ${root}` };
}

/**
 * Microjoules consumed between two readings of a counter that wraps past `maxUj`. One wrap between readings is
 * visible, a second is not: a typical range of 262 143 J lasts ~44 min at 100 W, so the meter reads the counters at
 * every sample and says so when two readings were further apart than a wrap could take (see meter.ts).
 */
export function counterDelta(startUj: number, endUj: number, maxUj: number): number {
  return endUj >= startUj ? endUj - startUj : maxUj - startUj + endUj;
}

/** The running energy of a set of package domains: read at start, then at every sample, deltas summed. */
export class RaplCounters {
  private readonly last: number[];
  private microjoules = 0;

  constructor(
    private readonly fs: SysFs,
    readonly domains: readonly RaplDomain[],
  ) {
    this.last = domains.map((d) => this.read(d));
  }

  /** Read every counter and add what was used since the last reading. Throws when a counter can no longer be read. */
  sample(): void {
    this.domains.forEach((d, i) => {
      const now = this.read(d);
      this.microjoules += counterDelta(this.last[i], now, d.maxUj);
      this.last[i] = now;
    });
  }

  /** Joules since the start, as of the last sample. */
  get joules(): number {
    return this.microjoules / 1e6;
  }

  private read(d: RaplDomain): number {
    return parseCounter(this.fs.readText(d.counter), d.counter);
  }
}

function parseCounter(text: string, path: string): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(v) || v < 0) throw new Error(`${path}: not a counter ("${text.trim().slice(0, 40)}")`);
  return v;
}

/** ENOENT / EACCES in words a researcher can act on. */
function describeError(error: unknown, path: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `${path} does not exist: not Linux, or a VM or container without powercap`;
  // Linux made energy_uj root-only in November 2020 (CVE-2020-8694, "Platypus"); CodeCarbon suggests
  // `sudo chmod -R a+r /sys/class/powercap/*` for the same error.
  if (code === 'EACCES' || code === 'EPERM') return `${path} is readable by root only (Linux restricts RAPL since CVE-2020-8694)`;
  return `${path}: ${error instanceof Error ? error.message : String(error)}`;
}
