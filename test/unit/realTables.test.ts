import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkReport } from '../bench/battery/check';
import type { Json, ManifestTable, ReferenceTable } from '../bench/battery/check';
import { reportToJson } from '../../src/engine/report';
import { analyseFile } from '../../src/engine/tasks/analyseFile';

// Real public tables (test/fixtures/real/README.md) against the battery's criteria 2–7 and its scikit-learn
// reference numbers, computed on these very files.
const REAL = join(__dirname, '..', 'fixtures', 'real');
const BATTERY = join(__dirname, '..', 'bench', 'battery');
const manifest = JSON.parse(readFileSync(join(BATTERY, 'manifest.json'), 'utf8')) as { tables: ManifestTable[] };
const reference = JSON.parse(readFileSync(join(BATTERY, 'reference.json'), 'utf8')) as { tables: ReferenceTable[] };
const CRITERIA = ['columns', 'task', 'signal', 'copies', 'strong', 'baseline'];

for (const name of ['breast_cancer_wisconsin', 'house_votes_84', 'glass', 'penguins', 'sklearn_wine', 'airquality', 'chickweight']) {
  test(`real table ${name}: every column accounted for, the task, honest relevance, a baseline as good as scikit-learn's`, async () => {
    const table = manifest.tables.find((t) => t.name === name);
    const ref = reference.tables.find((t) => t.name === name);
    assert.ok(table && ref, `${name} in the battery's manifest and reference`);
    const report = await analyseFile(join(REAL, table.file), { label: table.label });
    // Through JSON, as the battery reads the CLI's --json output.
    const json = JSON.parse(reportToJson(report)) as Json;
    const outcomes = checkReport(table, ref, json);
    const failed = outcomes.flatMap((o, i) => (o.ok ? [] : [`${CRITERIA[i]}: ${o.reason}`]));
    assert.deepEqual(failed, []);
  });
}
