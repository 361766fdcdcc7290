import type { ShapeClass } from '../stats/types';
import type { Relevance, ShapeRelevanceCheck } from './types';

/** The shape ↔ relevance relation the data show, with counts: the paper's "burst-like features are the irrelevant ones". */
export function shapeRelevanceCheck(shapes: readonly ShapeClass[], relevance: readonly Relevance[]): ShapeRelevanceCheck {
  const counts: Partial<Record<ShapeClass, Record<Relevance, number>>> = {};
  shapes.forEach((shape, j) => {
    const c = (counts[shape] ??= { relevant: 0, redundant: 0, irrelevant: 0, unknown: 0 });
    c[relevance[j]]++;
  });
  const total = (r: Relevance): number => relevance.filter((x) => x === r).length;
  const irrelevant = total('irrelevant');
  const relevant = total('relevant');
  const redundant = total('redundant');
  const unknown = total('unknown');
  const entries = Object.entries(counts) as [ShapeClass, Record<Relevance, number>][];
  let irrelevantShape: ShapeClass | null = null;
  for (const [shape, c] of entries) {
    if (irrelevant > 0 && c.irrelevant === irrelevant && c.relevant === 0 && c.redundant === 0 && c.unknown === 0) irrelevantShape = shape;
  }
  const relevantShapes = entries.filter(([, c]) => c.relevant > 0).map(([s]) => s);
  let statement: string;
  if (irrelevant === 0) {
    statement =
      relevant + redundant === 0
        ? `Relevance is unknown for all ${relevance.length} features, so no shape ↔ relevance relation can be stated.`
        : `No feature is shown irrelevant, so no shape class can be said to mark irrelevance (${relevant} relevant, ${redundant} redundant, ${unknown} unknown).`;
  } else if (irrelevantShape) {
    const n = counts[irrelevantShape]!.irrelevant;
    statement =
      `All ${n} ${irrelevantShape}-like feature${n === 1 ? ' is' : 's are'} irrelevant and all ${irrelevant} irrelevant feature${irrelevant === 1 ? ' is' : 's are'} ${irrelevantShape}-like` +
      (relevant > 0 ? `; the ${relevant} relevant feature${relevant === 1 ? ' is' : 's are'} ${relevantShapes.map((s) => `${counts[s]!.relevant} ${s}`).join(', ')}-like` : '') +
      (redundant > 0 ? `; ${redundant} redundant` : '') +
      (unknown > 0 ? `; ${unknown} unknown` : '') +
      '.';
  } else {
    const parts = entries.map(
      ([s, c]) => `${s}: ${c.relevant} relevant, ${c.irrelevant} irrelevant${c.redundant ? `, ${c.redundant} redundant` : ''}${c.unknown ? `, ${c.unknown} unknown` : ''}`,
    );
    statement = `No shape class coincides with the irrelevant features (${parts.join('; ')}).`;
  }
  return { counts, statement, irrelevantShape, relevantShapes };
}
