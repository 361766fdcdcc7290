/**
 * A/B of training settings on one preset (bench tool, not part of `npm run bench`): full preset runs for seeds
 * 1..K with each variant, printing per seed the first epoch whose test accuracy reached the target, the epochs run,
 * the final test accuracy (best weights restored) and ms/epoch. usage: trainAB.ts X.npy PRESET SEEDS VARIANT[,VARIANT]
 * where a variant is `init=torch|glorot`.
 */
import { loadDataset } from '../../src/engine/io/load';
import { isPresetName, PRESET_TARGETS, resolveConfig } from '../../src/engine/train/presets';
import { trainDataset } from '../../src/engine/train/train';
import type { WeightInit } from '../../src/engine/train/types';

async function main(): Promise<void> {
  const [x, preset, seedsText, variantsText] = process.argv.slice(2);
  if (!isPresetName(preset)) throw new Error(`unknown preset ${preset}`);
  const dataset = await loadDataset(x);
  const target = PRESET_TARGETS[preset];
  for (const variant of (variantsText ?? 'init=torch').split(',')) {
    const init = variant.replace('init=', '') as WeightInit;
    for (let seed = 1; seed <= Number(seedsText ?? 3); seed++) {
      const { config } = resolveConfig(dataset, { preset, overrides: { seed, init } });
      let targetEpoch: number | null = null;
      const { report } = await trainDataset(dataset, config, {
        onEpochProbe: (p, acc) => {
          if (targetEpoch === null && acc() >= target) targetEpoch = p.epoch;
        },
      });
      console.log(JSON.stringify({ preset, init, seed, targetEpoch, epochs: report.epochsRun, best: report.bestEpoch, acc: report.test.accuracy, ms: +report.msPerEpoch.toFixed(1) }));
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
