/**
 * One timed training run for the bench (a child process, so start-up counts): the preset on X.npy, printing the
 * wall-clock time at which test accuracy first reached the target. usage: trainChild.ts X.npy PRESET SEED TARGET
 * [STOP_AT_TARGET] [BACKEND]
 */
import { loadDataset } from '../../src/engine/io/load';
import { isPresetName, resolveConfig } from '../../src/engine/train/presets';
import { trainDataset } from '../../src/engine/train/train';
import type { BackendChoice } from '../../src/engine/train/types';

async function main(): Promise<void> {
  const [x, preset, seedText, targetText, stopText, backendText] = process.argv.slice(2);
  if (!isPresetName(preset)) throw new Error(`unknown preset ${preset}`);
  const target = Number(targetText);
  const stop = stopText === '1';
  const dataset = await loadDataset(x);
  const { config } = resolveConfig(dataset, { preset, overrides: { seed: Number(seedText), backend: (backendText ?? 'auto') as BackendChoice } });
  let targetAt: number | null = null;
  let targetEpoch: number | null = null;
  const stopper = { aborted: false, throwIfAborted(): void {
    if (this.aborted) throw new Error('target reached');
  } };
  let epochs = 0;
  let ms = 0;
  const t0 = performance.now();
  let testAccuracy = NaN;
  let kernel = '';
  try {
    const { report } = await trainDataset(dataset, config, {
      signal: stopper,
      log: (line) => {
        if (line.startsWith('kernel: ')) kernel = line.slice('kernel: '.length);
      },
      onEpochProbe: (p, testAcc) => {
        epochs = p.epoch;
        ms = p.elapsedMs;
        if (targetAt === null && testAcc() >= target) {
          targetAt = Date.now();
          targetEpoch = p.epoch;
          if (stop) stopper.aborted = true;
        }
      },
    });
    testAccuracy = report.test.accuracy;
    kernel = report.kernel;
    ms = report.msPerEpoch * report.epochsRun;
    epochs = report.epochsRun;
  } catch (error) {
    if (!stopper.aborted) throw error;
  }
  void t0;
  process.stdout.write(JSON.stringify({ msPerEpoch: ms / Math.max(1, epochs), targetAt, targetEpoch, epochs, testAccuracy, kernel: kernel || config.backend }) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
