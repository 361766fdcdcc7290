/**
 * One line under each chart saying exactly what is drawn — and what is left out and why — built from the same report
 * fields the specs use, so a caption cannot claim more than its chart shows (e.g. the correlation matrix leaves out
 * text categories; `correlation.excludedNote` names them). Pure: report → text by chart id.
 */
import type { Report } from '../report';
import { categoriesChartId } from './categories';
import { shortModelName } from './learnability';

export function chartCaptions(report: Report): Record<string, string> {
  const out: Record<string, string> = {};
  const label = report.dataset.label;
  const numeric = report.features.filter((f) => !f.categories);
  const categorical = report.features.filter((f) => f.categories);
  if (numeric.length > 0) {
    out.histograms = `Probability mass of each of the ${numeric.length} numeric feature(s); colour = shape class.${categorical.length > 0 ? ` The ${categorical.length} categorical feature(s) are drawn level by level under Categories.` : ''}`;
  }
  for (const f of categorical) {
    const c = f.categories;
    if (!c) continue;
    const marks = [c.rare.length > 0 ? `${c.rare.length} rare` : '', c.variants.length > 0 ? `${c.variants.length} likely misspelt` : ''].filter(Boolean).join(', ');
    out[categoriesChartId(f)] = `${f.name}: all ${c.cardinality} level(s) with their row counts (${f.type}; entropy ${c.entropy.toFixed(2)} bits${marks ? `; ${marks}` : ''}).`;
  }
  const rel = report.relevance;
  if (report.features.some((f) => f.relevance !== undefined)) {
    const counts = rel ? (Object.entries(rel.counts) as [string, number][]).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') : '';
    out.relevance = `Every feature's verdict (colour${counts ? `: ${counts}` : ''}) and the evidence behind it: −log10 of the smallest adjusted p-value of its marginal test, its test given the others (drop-column or conditional permutation) and, where the L1 interaction model decides, that model's drop-one test. Dashed line: the discovery threshold (α/2 = ${((rel?.errorRate ?? 0.05) / 2).toString()} per family).`;
  }
  const b = report.baselines ?? [];
  if (b.length > 0) {
    const metric = b[0].metric === 'accuracy' ? 'Accuracy' : 'R²';
    out.baselines = `${metric} of ${b.length} model(s) by ${b[0].validation}, each with its 95 % interval; dashed line: ${shortModelName(b[0].model)} (${b[0].value.toFixed(3)}).${report.baselineReading ? ` ${report.baselineReading}` : ''}`;
  }
  const corr = report.correlation;
  if (corr.names.length >= 2) {
    const features = corr.names.filter((n) => n !== corr.label);
    const notes = [corr.excludedNote, corr.label ? null : corr.labelNote].filter((x): x is string => !!x);
    out.correlation = `Pearson r between ${features.length} feature(s)${corr.label ? ` and the label "${corr.label}" (last row and column)` : ''}, pairwise-complete rows.${notes.length > 0 ? ` Not drawn: ${notes.join('; ')}.` : ''}`;
  }
  if (report.pca && report.pca.sample.length > 0) {
    const colouredBy = label && label.task !== 'regression' ? `coloured by the label "${label.name}"` : label ? `not coloured (the label "${label.name}" is a number)` : 'not coloured (no label)';
    out.pca = `First two principal components of the ${report.pca.explainedVarianceRatio.length > 0 ? 'standardised ' : ''}features with an order (${corr.names.filter((n) => n !== corr.label).length}), ${report.pca.sample.length.toLocaleString('en')} sampled rows, ${colouredBy}.`;
  }
  const s = report.sparsity;
  if (s?.top.length) {
    out.terms =
      s.task === 'regression'
        ? 'Non-zero coefficients of the lasso (L1 least squares) over interaction terms, standardised terms and target, strongest first.'
        : s.task === 'multiclass'
          ? `Non-zero coefficients of the ${s.classes?.length ?? 0} one-vs-rest L1 logistic models over interaction terms (standardised), each class against the rest, strongest first; colour = class.`
          : 'Non-zero coefficients of the L1 logistic regression over interaction terms (standardised), strongest first.';
  }
  if (report.hypotheses?.length) out.hypotheses = 'Accuracy of the claimed rule with its 95 % interval, and without each of its features.';
  return out;
}
