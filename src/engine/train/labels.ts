import { writeFile } from 'node:fs/promises';
import { writeNpy } from '../io/npy/write';
import { TrainInputError } from './errors';
import type { Prediction } from './predict';

/**
 * Write predicted labels: for a regression, the values (`.npy` float64, `.csv` one `prediction` column); for classes,
 * `.npy` as int64 (the class values when every class is an integer, as in the published
 * label files; else class indices), `.csv` as one `label` column holding the class values as text.
 */
export async function writeLabels(out: string, prediction: Prediction): Promise<void> {
  const { classIndex, classes, values } = prediction;
  if (values) {
    // A regression's predictions: float64 .npy, or a CSV column of numbers written to full precision.
    if (/\.npy$/i.test(out)) return writeNpy(out, { shape: [values.length], dtype: '<f8', data: values });
    if (/\.csv$/i.test(out)) return writeFile(out, ['prediction', ...Array.from(values, (v) => String(v))].join('\n') + '\n');
    throw new TrainInputError('badOutput', `--out must end in .npy or .csv, got "${out}"`);
  }
  if (/\.npy$/i.test(out)) {
    const integer = classes.every((c) => /^-?\d+$/.test(c));
    const data = BigInt64Array.from(classIndex, (k) => (integer ? BigInt(classes[k]) : BigInt(k)));
    await writeNpy(out, { shape: [classIndex.length], dtype: '<i8', data });
    return;
  }
  if (/\.csv$/i.test(out)) {
    const lines = ['label'];
    for (const k of classIndex) lines.push(csvCell(classes[k]));
    await writeFile(out, lines.join('\n') + '\n');
    return;
  }
  throw new TrainInputError('badOutput', `--out must end in .npy or .csv, got "${out}"`);
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
