import type { ColumnInfo, Dataset } from './dataset';
import { selectFeatures } from './dataset';
import { DatasetError } from './errors';

/** The reason an excluded column carries in `dataset.columns` and the report. */
export const EXCLUDED_BY_USER = 'excluded by the user';

/**
 * The same rows without the features the user excluded (`--exclude`, the "Exclude feature from training" quick fix):
 * they leave the features and stay in the column list as excluded, with the reason "excluded by the user". A name
 * that is already no feature (an identifier, a date) is left as it is; one the table does not have, or the label, is
 * refused with a message naming the features there are.
 */
export function excludeFeatures(dataset: Dataset, names: readonly string[]): Dataset {
  const wanted = new Set(names.map((n) => n.trim()).filter((n) => n !== ''));
  if (wanted.size === 0) return dataset;
  for (const name of wanted) {
    if (dataset.names.includes(name)) continue;
    if (dataset.label?.name === name) {
      throw new DatasetError('featureNotFound', `cannot exclude "${name}": it is the label, not a feature`, { file: dataset.path, column: name, expected: 'a feature name' });
    }
    if (dataset.columnInfo.some((c) => c.name === name && c.role === 'excluded')) continue;
    throw new DatasetError('featureNotFound', `cannot exclude "${name}": there is no such feature`, {
      file: dataset.path,
      expected: `one of the features ${listNames(dataset.names)}`,
    });
  }
  const keep = dataset.names.map((_, j) => j).filter((j) => !wanted.has(dataset.names[j]));
  if (keep.length === dataset.names.length) return dataset;
  if (keep.length === 0) {
    throw new DatasetError('noNumericColumns', `every feature is excluded (${listNames([...wanted])}), leaving nothing to learn from`, {
      file: dataset.path,
      expected: 'at least one feature that is not excluded',
    });
  }
  const dropped = dataset.names.filter((n) => wanted.has(n));
  const columnInfo: ColumnInfo[] = dataset.columnInfo.map((c) => (c.role === 'feature' && dropped.includes(c.name) ? { ...c, role: 'excluded', reason: EXCLUDED_BY_USER } : c));
  const excludedColumns = [
    ...(dataset.source.excludedColumns ?? []),
    ...columnInfo.filter((c) => c.reason === EXCLUDED_BY_USER && dropped.includes(c.name)).map((c) => ({ index: c.index, name: c.name, reason: EXCLUDED_BY_USER })),
  ];
  return { ...selectFeatures(dataset, keep), columnInfo, source: { ...dataset.source, excludedColumns } };
}

/** Up to eight names, then how many in all. */
export function listNames(names: readonly string[], max = 8): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}
