/**
 * Which dataset is the obvious partner of another: a training set and its hidden or test set are named alike, with a
 * word like `hidden`, `test` or `train` added or swapped (`kryptonite-9-X.npy` ↔ `hidden-kryptonite-9-X.npy`,
 * `train.csv` ↔ `test.csv`, `adult.data.csv` ↔ `adult.test.csv`). Pure: names in, names out.
 */

/** Words that mark the role of a split rather than what the data is. */
const ROLE_WORDS = new Set(['hidden', 'test', 'testing', 'train', 'training', 'val', 'valid', 'validation', 'holdout', 'new', 'eval', 'data', 'dev', 'x']);

/** The file name without folder, extension and role words: `hidden-kryptonite-9-X.npy` → `kryptonite 9`. */
export function datasetStem(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.(csv|tsv|txt|npy)$/i, '');
  return base
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '' && !ROLE_WORDS.has(w.toLowerCase()))
    .join(' ')
    .toLowerCase();
}

/**
 * The candidates that pair with `name`, best first: same folder and same stem before another folder and same stem.
 * `folderOf` gives each name's folder. Names whose stem is empty (`test.csv` alone) pair only within their folder.
 */
export function obviousPartners(name: string, candidates: readonly string[], folderOf: (n: string) => string): string[] {
  const stem = datasetStem(name);
  const folder = folderOf(name);
  return candidates
    .filter((c) => c !== name && datasetStem(c) === stem && (stem !== '' || folderOf(c) === folder))
    .sort((a, b) => Number(folderOf(b) === folder) - Number(folderOf(a) === folder) || a.localeCompare(b));
}
