import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { compareSpecs, OVERVIEW_CHART_ID, pmfChartId } from '../../src/engine/charts/compare';
import { compareFiles } from '../../src/engine/tasks/compareFiles';
import { vegaWarnings } from './support/vegaView.mjs';

test('Compare Datasets charts: an overview and one overlaid PMF per feature, each drawn by Vega without a warning', async () => {
  // A numeric table against its own first half, and a categorical one against itself: steps and grouped bars.
  const reports = [
    await compareFiles('test/fixtures/workspace/data/small.csv', 'test/fixtures/sample/kryptonite-9-sample.csv', { seed: 1, classifier: false }),
    await compareFiles('test/fixtures/workspace/data/pets.csv', 'test/fixtures/workspace/data/pets.csv', { seed: 1, classifier: false }),
  ];
  for (const r of reports) {
    const specs = compareSpecs(r);
    assert.ok(specs[OVERVIEW_CHART_ID], 'the overview is there');
    r.features.forEach((f, j) => assert.ok(specs[pmfChartId(j)], `${f.name} has its PMF chart`));
    for (const [id, spec] of Object.entries(specs)) assert.deepEqual(await vegaWarnings(spec as TopLevelSpec), [], `${r.a.path} ${id}`);
  }
  // The same file twice: every share equal on both sides, nothing flagged.
  const same = reports[1];
  assert.ok(same.features.length > 0);
  for (const f of same.features) {
    assert.equal(f.flagged, false, f.name);
    for (const b of f.pmf) assert.equal(b.a, b.b);
  }
});
