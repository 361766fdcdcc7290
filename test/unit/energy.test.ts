import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  carbonGrams,
  cpuTimeEnergy,
  cpuTimeJoules,
  energyLine,
  formatKWh,
  isEnergyReport,
  joulesToKWh,
  raplEnergy,
  resolveIntensity,
  unmeasuredEnergy,
  WATTS_PER_CORE,
  WORLD_AVERAGE_INTENSITY,
} from '../../src/engine/energy/energy';
import { startEnergyMeter } from '../../src/engine/energy/meter';
import type { EnergySystem } from '../../src/engine/energy/meter';
import { counterDelta, findPackageDomains, RaplCounters } from '../../src/engine/energy/rapl';
import type { SysFs } from '../../src/engine/energy/rapl';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { DEFAULT_CONFIG } from '../../src/engine/train/presets';
import { trainDataset } from '../../src/engine/train/train';

/** A node-style error with a code, as readFileSync throws it. */
function fsError(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${path}`), { code });
}

/**
 * A fake /sys/class/powercap: `files` maps a path to its text, or to a list of texts read one after the other (the
 * last repeats), or to an error code. Directories are listed from the paths under them.
 */
function fakeFs(files: Record<string, string | string[] | { error: string }>): SysFs & { reads: Map<string, number> } {
  const reads = new Map<string, number>();
  return {
    reads,
    readText(path: string): string {
      const f = files[path];
      if (f === undefined) throw fsError('ENOENT', path);
      if (typeof f === 'object' && !Array.isArray(f)) throw fsError(f.error, path);
      if (typeof f === 'string') return f;
      const n = reads.get(path) ?? 0;
      reads.set(path, n + 1);
      const v = f[Math.min(n, f.length - 1)];
      if (v.startsWith('!')) throw fsError(v.slice(1), path);
      return v;
    },
    list(dir: string): string[] {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = new Set(Object.keys(files).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('/')[0]));
      if (names.size === 0) throw fsError('ENOENT', dir);
      return [...names];
    },
  };
}

/** A clock that moves on by `stepMs` at every reading, and a CPU-time source read from a list. */
function fakeSystem(fs: SysFs | null, cpu: { user: number; system: number }[] | null, stepMs = 1000): EnergySystem {
  let t = 0;
  let i = 0;
  return {
    fs,
    cpuUsage: cpu ? () => cpu[Math.min(i++, cpu.length - 1)] : null,
    now: () => (t += stepMs),
  };
}

const R = '/sys/class/powercap';
const MAX = 262_143_328_850; // a common max_energy_range_uj

test('the arithmetic: joules → kWh, CPU seconds × W → J, kWh × intensity → gCO2eq', () => {
  assert.equal(joulesToKWh(3.6e6), 1);
  assert.equal(cpuTimeJoules(10), 10 * WATTS_PER_CORE);
  assert.equal(cpuTimeJoules(10, 12.5), 125);
  assert.equal(carbonGrams(2, 475), 950);
  assert.equal(WATTS_PER_CORE, 4, "CodeCarbon's DEFAULT_POWER_PER_CORE");
  assert.equal(WORLD_AVERAGE_INTENSITY, 475, "CodeCarbon's world average (IEA 2019)");
  // 900 CPU s at 4 W = 3600 J = 0.001 kWh; at 475 g/kWh: 0.475 g.
  const cpu = cpuTimeEnergy(900, 300, 475, 'worldAverage');
  assert.equal(cpu.method, 'cpuTime');
  assert.equal(cpu.joules, 3600);
  assert.ok(Math.abs(cpu.kWh - 0.001) < 1e-15);
  assert.ok(Math.abs(cpu.gCO2eq - 0.475) < 1e-12);
  assert.deepEqual([cpu.cpuSeconds, cpu.wattsPerCore, cpu.seconds, cpu.intensity, cpu.intensitySource], [900, 4, 300, 475, 'worldAverage']);
  assert.match(cpu.description, /900 CPU s .* × 4 W per core .* 475 gCO2eq\/kWh \(world average/);
  // 7.2 MJ read from RAPL = 2 kWh; at a user's 100 g/kWh: 200 g.
  const rapl = raplEnergy(7.2e6, 3600, ['package-0'], 100, 'user');
  assert.deepEqual([rapl.method, rapl.kWh, rapl.gCO2eq, rapl.joules], ['rapl', 2, 200, 7.2e6]);
  assert.match(rapl.description, /whole CPU package/);
  assert.match(rapl.description, /set by the user/);
  assert.equal(cpuTimeEnergy(0, 0.01, 475, 'worldAverage').kWh, 0, 'no CPU time is a measured zero');
});

test('the intensity: the world average unless the user sets one ≥ 0', () => {
  assert.deepEqual(resolveIntensity(undefined), { intensity: 475, source: 'worldAverage' });
  assert.deepEqual(resolveIntensity(0), { intensity: 0, source: 'user' });
  assert.deepEqual(resolveIntensity(56), { intensity: 56, source: 'user' });
  for (const bad of [-1, NaN, Infinity]) assert.throws(() => resolveIntensity(bad), RangeError, String(bad));
});

test('RAPL wrap-around: a counter that passed its range counts up to the range and on from 0', () => {
  assert.equal(counterDelta(1000, 5000, MAX), 4000);
  assert.equal(counterDelta(MAX - 1000, 500, MAX), 1500);
  assert.equal(counterDelta(7, 7, MAX), 0);
});

test('RAPL: package domains only (no sub-domains, MMIO mirror or psys), deltas summed across a wrap', () => {
  const fs = fakeFs({
    [`${R}/intel-rapl:0/name`]: 'package-0\n',
    [`${R}/intel-rapl:0/energy_uj`]: [`${MAX - 2_000_000}\n`, '3000000\n', '5000000\n'],
    [`${R}/intel-rapl:0/max_energy_range_uj`]: `${MAX}\n`,
    [`${R}/intel-rapl:0:0/name`]: 'core',
    [`${R}/intel-rapl:0:0/energy_uj`]: '1',
    [`${R}/intel-rapl:0:0/max_energy_range_uj`]: `${MAX}`,
    [`${R}/intel-rapl:1/name`]: 'psys',
    [`${R}/intel-rapl:1/energy_uj`]: '1',
    [`${R}/intel-rapl:1/max_energy_range_uj`]: `${MAX}`,
    [`${R}/intel-rapl:2/name`]: 'package-1',
    [`${R}/intel-rapl:2/energy_uj`]: ['10000000', '11000000', '12000000'],
    [`${R}/intel-rapl:2/max_energy_range_uj`]: `${MAX}`,
    [`${R}/intel-rapl-mmio:0/name`]: 'package-0',
    [`${R}/intel-rapl-mmio:0/energy_uj`]: '1',
    [`${R}/intel-rapl-mmio:0/max_energy_range_uj`]: `${MAX}`,
  });
  const probe = findPackageDomains(fs);
  assert.ok(probe.ok);
  assert.deepEqual(
    probe.domains.map((d) => d.name),
    ['package-0', 'package-1'],
  );
  // The probe read each counter once; the meter's readings follow.
  fs.reads.clear();
  const counters = new RaplCounters(fs, probe.domains);
  counters.sample();
  // package-0: (MAX − (MAX − 2 J)) + 3 J = 5 J across the wrap; package-1: 1 J.
  assert.equal(counters.joules, 6);
  counters.sample();
  assert.equal(counters.joules, 6 + 2 + 1);
});

test('the meter reads RAPL when it can: joules of every package domain, the whole package said', () => {
  const fs = fakeFs({
    [`${R}/intel-rapl:0/name`]: 'package-0',
    // probe, start, stop
    [`${R}/intel-rapl:0/energy_uj`]: ['100000000', '100000000', '136100000'],
    [`${R}/intel-rapl:0/max_energy_range_uj`]: `${MAX}`,
  });
  const e = startEnergyMeter({ system: fakeSystem(fs, [{ user: 0, system: 0 }]) }).stop();
  assert.equal(e.method, 'rapl');
  assert.ok(e.kWh !== null && Math.abs(e.joules - 36.1) < 1e-9);
  assert.ok(Math.abs(e.kWh - 36.1 / 3.6e6) < 1e-18);
  assert.deepEqual(e.domains, ['package-0']);
  assert.equal(e.note, undefined);
  assert.match(energyLine(e), /^Energy: 1\.00e-5 kWh \(36\.1 J\), 0\.00476 gCO2eq at 475 g\/kWh — RAPL, whole CPU package$/);
});

test('RAPL unreadable (EACCES, ENOENT) → the CPU-time estimate, which says why RAPL was not used', () => {
  const cpu = [
    { user: 1_000_000, system: 0 },
    { user: 3_500_000, system: 500_000 },
  ];
  const denied = fakeFs({
    [`${R}/intel-rapl:0/name`]: 'package-0',
    [`${R}/intel-rapl:0/energy_uj`]: { error: 'EACCES' },
    [`${R}/intel-rapl:0/max_energy_range_uj`]: `${MAX}`,
  });
  const a = startEnergyMeter({ intensity: 100, system: fakeSystem(denied, cpu) }).stop();
  assert.equal(a.method, 'cpuTime');
  assert.ok(a.kWh !== null);
  // 3 CPU s (user + system) × 4 W = 12 J.
  assert.equal(a.cpuSeconds, 3);
  assert.equal(a.joules, 12);
  assert.ok(Math.abs(a.gCO2eq - (12 / 3.6e6) * 100) < 1e-15);
  assert.equal(a.intensitySource, 'user');
  assert.match(a.note ?? '', /RAPL not used: RAPL counters not readable .*energy_uj is readable by root only/);
  assert.match(energyLine(a), /CPU-time estimate, 3 CPU s × 4 W\/core/);

  const missing = fakeFs({});
  const b = startEnergyMeter({ system: fakeSystem(missing, cpu) }).stop();
  assert.equal(b.method, 'cpuTime');
  assert.match(b.kWh !== null ? (b.note ?? '') : '', /no RAPL interface .*powercap does not exist/);

  const notLinux = startEnergyMeter({ system: fakeSystem(null, cpu) }).stop();
  assert.equal(notLinux.method, 'cpuTime');
  assert.match(notLinux.kWh !== null ? (notLinux.note ?? '') : '', /no RAPL interface on this platform/);
});

test('a RAPL counter that stops being readable mid-run falls back to CPU time for the whole interval', () => {
  const fs = fakeFs({
    [`${R}/intel-rapl:0/name`]: 'package-0',
    [`${R}/intel-rapl:0/energy_uj`]: ['100', '100', '!EIO'],
    [`${R}/intel-rapl:0/max_energy_range_uj`]: `${MAX}`,
  });
  const e = startEnergyMeter({ system: fakeSystem(fs, [{ user: 0, system: 0 }, { user: 2_000_000, system: 0 }]) }).stop();
  assert.equal(e.method, 'cpuTime');
  assert.match(e.kWh !== null ? (e.note ?? '') : '', /stopped being readable/);
  assert.equal(e.kWh !== null && e.joules, 8);
});

test('RAPL readings further apart than a counter lasts are flagged: a second wrap would go unseen', () => {
  const fs = fakeFs({
    [`${R}/intel-rapl:0/name`]: 'package-0',
    [`${R}/intel-rapl:0/energy_uj`]: ['0', '0', '5000000'],
    // A small range: 1000 J lasts 4 s at 250 W; the fake clock moves 10 s per reading.
    [`${R}/intel-rapl:0/max_energy_range_uj`]: '1000000000',
  });
  const e = startEnergyMeter({ system: fakeSystem(fs, null, 10_000) }).stop();
  assert.equal(e.method, 'rapl');
  assert.match(e.kWh !== null ? (e.note ?? '') : '', /read 10 s apart, longer than a counter lasts at 250 W \(4 s\)/);
});

test('neither RAPL nor CPU time: no number, the reason instead', () => {
  const e = startEnergyMeter({ system: fakeSystem(null, null) }).stop();
  assert.equal(e.method, null);
  assert.equal(e.kWh, null);
  assert.equal(e.gCO2eq, null);
  assert.match(e.kWh === null ? e.reason : '', /no RAPL interface on this platform.*no process CPU time/);
  assert.match(energyLine(e), /^Energy: not measured — /);
  const throwing: EnergySystem = {
    fs: null,
    cpuUsage: () => {
      throw new Error('unsupported');
    },
    now: () => 0,
  };
  const t = startEnergyMeter({ system: throwing }).stop();
  assert.equal(t.kWh, null);
  assert.match(t.kWh === null ? t.reason : '', /process CPU time could not be read \(unsupported\)/);
});

test('a real interval of this process: a positive CPU-time figure', () => {
  const meter = startEnergyMeter({ system: { fs: null, cpuUsage: () => process.cpuUsage(), now: () => performance.now() } });
  let x = 0;
  const until = performance.now() + 60;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const e = meter.stop();
  assert.ok(x > 0);
  assert.equal(e.method, 'cpuTime');
  assert.ok(e.kWh !== null && e.kWh > 0 && e.cpuSeconds! > 0.01, JSON.stringify(e));
  assert.ok(e.gCO2eq !== null && Math.abs(e.gCO2eq - e.kWh * 475) < 1e-15);
});

test('a real training reports its energy, and repeated runs each seed’s', async () => {
  const g = generateKryptonite({ n: 6, rows: 400, seed: 3 });
  const data = inMemoryDataset({ path: '(test)', format: 'npy', names: g.names, columns: g.columns, label: classLabel('label', g.labels, ['0', '1']) });
  const system: EnergySystem = { fs: null, cpuUsage: () => process.cpuUsage(), now: () => performance.now() };
  const { report } = await trainDataset(data, { ...DEFAULT_CONFIG, model: 'logreg', hidden: [], dropout: [], epochs: 3, runs: 2, seed: 1 }, { energy: { intensity: 200, system } });
  const e = report.energy;
  assert.ok(e && e.kWh !== null, JSON.stringify(e));
  assert.equal(e.method, 'cpuTime');
  assert.ok(e.kWh > 0 && e.cpuSeconds! > 0);
  assert.equal(e.intensity, 200);
  assert.ok(Math.abs(e.gCO2eq - e.kWh * 200) < 1e-15);
  assert.equal(report.runs?.kWh?.length, 2);
  for (const k of report.runs!.kWh!) assert.ok(k !== null && k > 0 && k <= e.kWh, String(k));
  // The default system (this process, /sys) always yields a figure or says why not.
  const plain = await trainDataset(data, { ...DEFAULT_CONFIG, model: 'logreg', hidden: [], dropout: [], epochs: 2, runs: 1, seed: 1 });
  assert.ok(plain.report.energy && isEnergyReport(plain.report.energy));
  assert.equal(plain.report.runs, undefined);
});

test('formatting and the stored-report check', () => {
  assert.equal(formatKWh(0), '0');
  assert.equal(formatKWh(1.234e-5), '1.23e-5');
  assert.equal(formatKWh(0.0123), '0.0123');
  assert.equal(formatKWh(2), '2.00');
  assert.ok(isEnergyReport(cpuTimeEnergy(1, 1, 475, 'worldAverage')));
  assert.ok(isEnergyReport(raplEnergy(1, 1, ['package-0'], 475, 'worldAverage')));
  assert.ok(isEnergyReport(unmeasuredEnergy('why', 1, 475, 'worldAverage')));
  assert.ok(isEnergyReport(JSON.parse(JSON.stringify(cpuTimeEnergy(1, 1, 475, 'user')))), 'survives JSON, as in metrics.json');
  for (const bad of [null, 1, {}, { ...cpuTimeEnergy(1, 1, 475, 'user'), kWh: '1' }, { ...cpuTimeEnergy(1, 1, 475, 'user'), method: 'guess' }, { ...unmeasuredEnergy('x', 1, 475, 'user'), kWh: 0 }]) {
    assert.equal(isEnergyReport(bad), false, JSON.stringify(bad));
  }
});
