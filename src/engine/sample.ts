import type { Dataset } from './dataset';
import { makeWarning } from './errors';
import { createRng } from './random';
import { sampleIndices } from './stats/sampling';

/**
 * A seeded sample of a dataset's rows, for a quick look at files too large to analyse whole. Rows keep their order;
 * the report says what was sampled, so no figure is mistaken for one over the whole file.
 */
export function sampleDataset(dataset: Dataset, maxRows: number, seed: number): Dataset {
  if (!(maxRows > 0) || dataset.rows <= maxRows) return dataset;
  const rows = sampleIndices(dataset.rows, Math.floor(maxRows), createRng(seed ^ 0x5a5a5a5a));
  const gather = (col: Float32Array): Float32Array => {
    const out = new Float32Array(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = col[rows[k]];
    return out;
  };
  const columns = dataset.columns.map(gather);
  const missing = columns.map((c) => {
    let m = 0;
    for (let k = 0; k < c.length; k++) if (!Number.isFinite(c[k])) m++;
    return m;
  });
  let label = dataset.label;
  if (label) {
    const values = new Int32Array(rows.length);
    const counts = label.classes.map(() => 0);
    let labelMissing = 0;
    for (let k = 0; k < rows.length; k++) {
      const v = label.values[rows[k]];
      values[k] = v;
      if (v >= 0) counts[v]++;
      else labelMissing++;
    }
    label = { ...label, values, counts, missing: labelMissing };
  }
  const warning = makeWarning(
    'sampledRows',
    `analysed a seeded sample of ${rows.length.toLocaleString('en-US')} of ${dataset.rows.toLocaleString('en-US')} rows (seed ${seed}); every figure in this report describes the sample`,
    { file: dataset.path, count: rows.length },
  );
  return { ...dataset, rows: rows.length, columns, missing, label, warnings: [...dataset.warnings, warning] };
}
