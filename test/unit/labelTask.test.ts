/**
 * The label's task (io/label.ts) as a researcher meets it: inferred from the CSV text of generated tables, set with
 * `task` (--task), refused when impossible. The unit cases of labelFromNumbers/labelFromStrings are in label.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Dataset, Label, LabelTask } from '../../src/engine/dataset';
import { DatasetError } from '../../src/engine/errors';
import { labelFromNumbers, MAX_INTEGER_CLASSES, MAX_LABEL_CLASSES } from '../../src/engine/io/label';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import { cleanTable } from '../../src/engine/synth/alertTables';
import { withSuspiciousClass } from '../../src/engine/synth/modifiers';
import { tableToCsv } from '../../src/engine/synth/tableOutput';
import { linearTable, multiclassTable, regressionTable } from '../../src/engine/synth/tables';
import type { SynthTable } from '../../src/engine/synth/tables';
import { readBothPaths, rejectBothPaths, tempFiles } from './support/tableFiles';
import type { TempFiles } from './support/tableFiles';

let files: TempFiles;
before(async () => {
  files = await tempFiles('label');
});
after(async () => {
  await files.remove();
});

let counter = 0;
async function write(table: SynthTable, options: Parameters<typeof tableToCsv>[1] = {}): Promise<string> {
  return files.write(`l${counter++}.csv`, tableToCsv(table, options));
}

async function labelOf(table: SynthTable, task?: LabelTask, write_: Parameters<typeof tableToCsv>[1] = {}): Promise<{ label: Label; dataset: Dataset }> {
  const dataset = await readBothPaths(await write(table, write_), task ? { task } : {});
  assert.ok(dataset.label, 'a label');
  return { label: dataset.label, dataset };
}

/** The table with its class label written as other texts (same rows, same codes). */
function renamed(table: SynthTable, classes: string[]): SynthTable {
  return { ...table, label: { ...table.label, classes } };
}

/** A table whose label is the given numbers (as a regression target, written as is). */
function numericLabel(values: number[], name = 'y'): SynthTable {
  const t = linearTable({ rows: values.length, seed: 1, noiseColumns: 0, coefficients: [1] });
  return { ...t, label: { name, task: 'regression', codes: null, classes: [], target: Float64Array.from(values) } };
}

test('binary: two integer values, or two texts; classes in numeric order or order of appearance', async () => {
  const { label, dataset } = await labelOf(linearTable({ rows: 200, seed: 1 }));
  assert.equal(label.task, 'binary');
  assert.equal(label.kind, 'integer');
  assert.deepEqual(label.classes, ['0', '1']);
  assert.equal(label.taskEvidence, 'two distinct values (0, 1)');
  assert.equal(label.taskOverridden, false);
  assert.match(dataset.columnInfo.find((c) => c.role === 'label')?.evidence ?? '', /^the label: binary \(two distinct values \(0, 1\)\)$/);
  const text = await labelOf(cleanTable({ rows: 200, seed: 2 }));
  assert.equal(text.label.task, 'binary');
  assert.equal(text.label.kind, 'string');
  assert.equal(text.label.taskEvidence, 'text with 2 distinct values');
  assert.equal(text.label.counts.reduce((a, b) => a + b, 0), 200);
});

test('multi-class: text classes, or a few integers each repeated', async () => {
  const t = multiclassTable({ rows: 300, seed: 3 });
  const { label } = await labelOf(t);
  assert.equal(label.task, 'multiclass');
  assert.equal(label.kind, 'string');
  assert.deepEqual([...label.classes].sort(), ['alpha', 'beta', 'delta', 'gamma']);
  assert.equal(label.taskEvidence, 'text with 4 distinct values');
  // Each row keeps its class.
  for (let i = 0; i < t.rows; i++) assert.equal(label.classes[label.values[i]], t.label.classes[t.label.codes?.[i] ?? -1]);
  const integers = await labelOf(renamed(t, ['7', '3', '11', '5']));
  assert.equal(integers.label.task, 'multiclass');
  assert.deepEqual(integers.label.classes, ['3', '5', '7', '11'], 'numeric order');
  assert.equal(integers.label.taskEvidence, `integers with 4 distinct values (at most ${MAX_INTEGER_CLASSES} read as classes)`);
});

test('regression: non-integer numbers, many distinct integers, or integers too sparse to be classes', async () => {
  const t = regressionTable({ rows: 200, seed: 4 });
  const { label } = await labelOf(t);
  assert.equal(label.task, 'regression');
  assert.equal(label.kind, 'number');
  assert.deepEqual(label.classes, []);
  assert.deepEqual(Array.from(label.target ?? []), Array.from(t.label.target ?? []));
  assert.match(label.taskEvidence, /^numbers with 200 distinct values, not all integers \(e\.g\. -?\d+\.\d+\)$/);
  const counts = await labelOf(numericLabel(Array.from({ length: 100 }, (_, i) => (i * 7) % 30)));
  assert.equal(counts.label.task, 'regression');
  assert.equal(counts.label.taskEvidence, `integers with 30 distinct values (more than ${MAX_INTEGER_CLASSES} reads as a quantity, not classes)`);
  const sparse = await labelOf(numericLabel([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 6, 7]));
  assert.equal(sparse.label.task, 'regression');
  assert.match(sparse.label.taskEvidence, /classes would have fewer than three rows each on average/);
});

test('the task option wins where the values allow it, and says so', async () => {
  const binary = await labelOf(linearTable({ rows: 100, seed: 5 }), 'regression');
  assert.equal(binary.label.task, 'regression');
  assert.equal(binary.label.taskOverridden, true);
  assert.equal(binary.label.taskEvidence, 'set by the user (numbers with 2 distinct values)');
  assert.deepEqual([...new Set(binary.label.target)].sort(), [0, 1]);
  const sparse = await labelOf(numericLabel([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 6, 7]), 'multiclass');
  assert.equal(sparse.label.task, 'multiclass');
  assert.deepEqual(sparse.label.classes, ['1', '2', '3', '4', '5', '6', '7']);
  const text = await labelOf(cleanTable({ rows: 100, seed: 6 }), 'multiclass');
  assert.equal(text.label.task, 'multiclass');
  assert.equal(text.label.taskEvidence, 'set by the user (text with 2 classes)');
  const integers = await labelOf(renamed(multiclassTable({ rows: 100, seed: 7 }), ['0', '1', '2', '3']), 'regression');
  assert.equal(integers.label.task, 'regression');
  // Through the use case: the report's label section carries the task and who chose it.
  const report = await analyseFile(await write(linearTable({ rows: 60, seed: 8 })), { task: 'regression', relevance: false, sparsity: false });
  assert.equal(report.dataset.label?.task, 'regression');
  assert.equal(report.dataset.label?.taskOverridden, true);
  assert.deepEqual(report.dataset.label?.classes, []);
});

test('impossible tasks are DatasetErrors (taskInvalid) naming the label column', async () => {
  const isTaskInvalid = (message: RegExp) => (e: unknown) => e instanceof DatasetError && e.code === 'taskInvalid' && e.column !== undefined && message.test(e.message);
  await rejectBothPaths(await write(multiclassTable({ rows: 100, seed: 9 })), { task: 'binary' }, isTaskInvalid(/cannot be a binary label: it has 4 distinct values/));
  await rejectBothPaths(await write(cleanTable({ rows: 100, seed: 9 })), { task: 'regression' }, isTaskInvalid(/cannot be a regression target: it holds text such as "(no|yes)"/));
  await rejectBothPaths(await write(regressionTable({ rows: 100, seed: 9 })), { task: 'binary' }, isTaskInvalid(/cannot be a binary label: it has 100 distinct values/));
  await rejectBothPaths(
    await write(regressionTable({ rows: MAX_LABEL_CLASSES + 50, seed: 9 })),
    { task: 'multiclass' },
    isTaskInvalid(/cannot be a class label: it has more than 1,000 distinct values/),
  );
  assert.throws(() => labelFromNumbers('y', 0, [1, 2, 3], 'f.csv', 'binary'), isTaskInvalid(/f\.csv: column "y": cannot be a binary label/));
});

test('missing labels: markers and empty cells are unlabelled rows; "." too when the label is numeric, a class when it is text', async () => {
  const t = linearTable({ rows: 100, seed: 10 });
  const lines = tableToCsv(t).split('\n');
  const marks = ['NA', '', '?', 'null', '.'];
  marks.forEach((m, k) => {
    const row = 1 + 10 * k;
    lines[row] = lines[row].replace(/,[01]$/, `,${m}`);
  });
  const numeric = await readBothPaths(await files.write('missing-numeric.csv', lines.join('\n')));
  assert.equal(numeric.label?.task, 'binary');
  assert.equal(numeric.label?.missing, 5);
  assert.deepEqual(marks.map((_, k) => numeric.label?.values[10 * k]), [-1, -1, -1, -1, -1]);
  assert.deepEqual(numeric.warnings.map((w) => [w.code, w.count]), [['labelMissing', 5]]);
  // Text classes: "." is kept as a class (the alerts flag it), the markers are still missing.
  const dotted = withSuspiciousClass(cleanTable({ rows: 100, seed: 11 }), 3);
  const text = await labelOf(dotted);
  assert.equal(text.label.task, 'multiclass');
  assert.ok(text.label.classes.includes('.'));
  assert.equal(text.label.counts[text.label.classes.indexOf('.')], 1);
});

test('a single class warns; an empty label column is no label', async () => {
  const one = linearTable({ rows: 30, seed: 12 });
  const single = await readBothPaths(await write({ ...one, label: { ...one.label, codes: new Int32Array(30) } }));
  assert.equal(single.label?.classes.length, 1);
  assert.ok(single.warnings.some((w) => w.code === 'labelSingleClass'));
  const none = await readBothPaths(await write({ ...one, label: { ...one.label, codes: new Int32Array(30).fill(-1) } }));
  assert.equal(none.label, null);
  assert.ok(none.warnings.some((w) => w.code === 'labelMissing' && /entirely empty/.test(w.message)));
});

test(
  'a regression target written with a decimal comma in a ";" file is a number, like the features',
  async () => {
    const t = regressionTable({ rows: 200, seed: 2 });
    const { label } = await labelOf(t, undefined, { delimiter: ';', decimalComma: true });
    assert.equal(label.task, 'regression');
    assert.deepEqual(Array.from(label.target ?? []), Array.from(t.label.target ?? []));
  },
);
