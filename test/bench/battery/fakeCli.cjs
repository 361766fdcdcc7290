// A stand-in for `kryptonite analyse` that proves check.ts can both pass and fail (a checker that cannot fail, or
// cannot pass, is a defect). It answers from manifest.json and reference.json:
//
//   node --import tsx test/bench/battery/check.ts --cli test/bench/battery/fakeCli.cjs            → every table passes
//   KRYPTONITE_FAKE_FLAW=copy|exclude|baseline|task|crash node --import tsx test/bench/battery/check.ts \
//       --cli test/bench/battery/fakeCli.cjs --only glass                                         → criterion 5/2/7/3/1 fails
//
// Only `analyse FILE --label NAME --json OUT` is understood.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, 'manifest.json'), 'utf8'));
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference.json'), 'utf8'));
const args = process.argv.slice(2);
const file = args[1];
const out = args[args.indexOf('--json') + 1];
const flaw = process.env.KRYPTONITE_FAKE_FLAW ?? '';
if (flaw === 'crash') {
  console.error('fakeCli: crashing on purpose');
  process.exit(3);
}
const table = manifest.tables.find((t) => t.file === path.basename(file));
const ref = reference.tables.find((t) => t.name === table.name);

// Significant features relevant, permuted copies irrelevant, the rest undecided; dates replaced by a derived year.
const features = ref.features.map((f) => ({
  name: f.name,
  relevance: f.permutedCopy ? 'irrelevant' : f.significant ? 'relevant' : 'uncertain',
}));
for (const d of table.dateColumns) features.push({ name: `${d}_year`, derivedFrom: d, relevance: 'uncertain' });
const dropped = new Set([...table.idColumns, ...table.textColumns]);
const excludedColumns = table.columnNames
  .map((name, index) => ({ index, name, reason: 'identifier or free text' }))
  .filter((c) => dropped.has(c.name));

if (flaw === 'copy' && table.permutedCopies.length) {
  features.find((f) => f.name === table.permutedCopies[0]).relevance = 'relevant';
}
if (flaw === 'exclude') excludedColumns.push({ index: 0, name: features[0].name, reason: 'non-numeric' });
const metric = table.task === 'regression' ? 'r2' : 'accuracy';
const value = ref.cv.best - (flaw === 'baseline' ? 0.07 : 0.01);

const report = {
  dataset: {
    label: { name: table.label, task: flaw === 'task' ? 'binary' : table.task },
    excludedColumns,
  },
  features,
  baselines: [{ model: 'fake', metric, value, ci95: [value - 0.02, value + 0.02], validation: '5-fold CV' }],
};
fs.writeFileSync(out, JSON.stringify(report));
