/**
 * A compared feature's numbers as table cells, the same in the terminal (`kryptonite compare`) and in the panel:
 * the test, its statistic, p and BH q, PSI, the mean shift in A's sd, the sd ratio and the shapes.
 */
import type { ComparedFeature } from './compare';

export const FEATURE_CELL_TITLES = ['test', 'stat', 'p', 'q (BH)', 'PSI', 'mean shift', 'sd ratio', 'shape A → B'] as const;

export function featureCells(f: ComparedFeature): string[] {
  return [
    f.test === 'ks' ? 'KS' : 'χ²',
    f.statistic.toPrecision(3),
    pValueText(f.p),
    pValueText(f.q),
    f.psi.toFixed(3),
    f.meanShift === null ? '—' : `${f.meanShift >= 0 ? '+' : ''}${f.meanShift.toFixed(2)} sd`,
    f.sdRatio === null ? '—' : f.sdRatio.toFixed(2),
    f.a.shape === f.b.shape ? f.a.shape : `${f.a.shape} → ${f.b.shape}`,
  ];
}

/** Two significant digits, scientific below 1e-4; "n/a" when no test was possible (NaN or null after JSON). */
export function pValueText(x: number | null): string {
  if (x === null || Number.isNaN(x)) return 'n/a';
  return x < 1e-4 ? x.toExponential(1) : x.toPrecision(2);
}
