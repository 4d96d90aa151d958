/**
 * Fitting the resource model to calibration runs: for each core, family and metric, non-negative
 * coefficients over the core's features that minimise the squared relative error (so small and
 * large instances count alike). The feature subset is chosen exhaustively (subsets of at most five
 * of a core's features; every coefficient of a kept subset must be positive) with a penalty of 2 per coefficient on
 * n*log(mean squared error), so a feature stays only when the data asks for it.
 */
import type { ResourceClass } from '../stat.js';
import type { CalibrationResult } from './calibrate.js';
import { coreFeatures } from './index.js';
import type { CoreCoefficients, EstimateTarget } from './types.js';

/** Metrics the model fits, and the resource class each is read from. */
export const FITTED_METRICS = { luts: 'lut', ffs: 'ff', carry: 'carry', dsp: 'dsp' } as const satisfies Record<string, ResourceClass>;

/** A fitted metric's metric name. */
export type FittedMetric = keyof typeof FITTED_METRICS;

/** Fit quality of one core, family and metric. */
export interface FitQuality {
  /** Core module. */
  readonly module: string;
  /** Family. */
  readonly target: EstimateTarget;
  /** Metric (LUTs, FFs, carry cells, DSPs). */
  readonly metric: FittedMetric;
  /** Samples. */
  readonly n: number;
  /** Mean |estimate - synthesized| / synthesized (samples with synthesized 0 count their estimate as the error). */
  readonly meanAbsError: number;
  /** Largest such error. */
  readonly maxAbsError: number;
}

/** Solves the (small, symmetric) system A x = b by Gaussian elimination with pivoting; null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-12) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((r, i) => r[n]! / r[i]!);
}

/** Most features one fitted metric may use. */
const MAX_FEATURES = 5;

/** Relative-error weight of a target value (a floor keeps tiny counts from dominating). */
const weight = (y: number): number => 1 / Math.max(y, 4);

/**
 * Non-negative weighted least squares over the best feature subset (see the module comment).
 * Rows are feature vectors (by name), ys the synthesized counts.
 */
export function fitLinear(rows: readonly Readonly<Record<string, number>>[], ys: readonly number[], allowed?: readonly string[]): Record<string, number> {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => (allowed ? allowed.includes(k) : true) && rows.some((r) => (r[k] ?? 0) !== 0)).sort();
  if (ys.every((y) => y === 0) || names.length === 0) return {};
  const n = rows.length;
  let best: { coef: Record<string, number>; score: number } | undefined;
  const maxK = Math.min(MAX_FEATURES, Math.max(1, n - 1));
  for (let mask = 1; mask < 1 << names.length; mask++) {
    const sel = names.filter((_, i) => mask & (1 << i));
    if (sel.length > maxK) continue;
    const a = sel.map(() => sel.map(() => 0));
    const b = sel.map(() => 0);
    rows.forEach((r, s) => {
      const w2 = weight(ys[s]!) ** 2;
      sel.forEach((fi, i) => {
        b[i]! += w2 * (r[fi] ?? 0) * ys[s]!;
        sel.forEach((fj, j) => (a[i]![j]! += w2 * (r[fi] ?? 0) * (r[fj] ?? 0)));
      });
    });
    const x = solve(a, b);
    if (!x || x.some((v) => !(v > 0))) continue;
    let sse = 0;
    rows.forEach((r, s) => {
      const pred = sel.reduce((acc, f, i) => acc + x[i]! * (r[f] ?? 0), 0);
      sse += ((pred - ys[s]!) * weight(ys[s]!)) ** 2;
    });
    const score = n * Math.log(sse / n + 1e-12) + 2 * sel.length;
    if (!best || score < best.score - 1e-9) best = { coef: Object.fromEntries(sel.map((f, i) => [f, x[i]!])), score };
  }
  return best?.coef ?? {};
}

/** Fits every core and metric of one family from its calibration results. */
export function fitCoefficients(results: readonly CalibrationResult[], target: EstimateTarget): Record<string, CoreCoefficients> {
  const byModule = new Map<string, CalibrationResult[]>();
  for (const r of results) if (r.target === target) byModule.set(r.sample.module, [...(byModule.get(r.sample.module) ?? []), r]);
  const out: Record<string, CoreCoefficients> = {};
  for (const [module, list] of [...byModule].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rows = list.map((r) => coreFeatures(shapeOf(r), target));
    const c: Partial<Record<FittedMetric, Record<string, number>>> = {};
    for (const [metric, cls] of Object.entries(FITTED_METRICS) as [FittedMetric, ResourceClass][]) {
      const ys = list.map((r) => r.byClass[cls]);
      const coef = fitLinear(rows, ys, metric === 'dsp' ? ['dspMul'] : undefined);
      if (Object.keys(coef).length) c[metric] = coef;
    }
    out[module] = c;
  }
  return out;
}

/** The core shape of a calibration sample (numeric parameters, HasRom for MVAUs). */
export function shapeOf(r: CalibrationResult): { module: string; params: Record<string, number> } {
  const params: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.sample.params)) if (typeof v === 'number') params[k] = v;
  if (r.sample.module.startsWith('mvau_')) params['HasRom'] = r.sample.params['WeightFile'] ? 1 : 0;
  return { module: r.sample.module, params };
}

/** Fit quality per core and metric, given coefficients and the results they were fitted to. */
export function fitQuality(results: readonly CalibrationResult[], target: EstimateTarget, coef: Readonly<Record<string, CoreCoefficients>>): FitQuality[] {
  const out: FitQuality[] = [];
  const modules = [...new Set(results.filter((r) => r.target === target).map((r) => r.sample.module))].sort();
  for (const module of modules) {
    const list = results.filter((r) => r.target === target && r.sample.module === module);
    for (const [metric, cls] of Object.entries(FITTED_METRICS) as [FittedMetric, ResourceClass][]) {
      const errs = list.map((r) => {
        const f = coreFeatures(shapeOf(r), target);
        const pred = Math.round(Object.entries(coef[module]?.[metric] ?? {}).reduce((a, [k, v]) => a + v * (f[k] ?? 0), 0));
        const y = r.byClass[cls];
        return y === 0 ? (pred === 0 ? 0 : 1) : Math.abs(pred - y) / y;
      });
      if (list.every((r) => r.byClass[cls] === 0) && !coef[module]?.[metric]) continue;
      out.push({ module, target, metric, n: list.length, meanAbsError: errs.reduce((a, b) => a + b, 0) / errs.length, maxAbsError: Math.max(...errs) });
    }
  }
  return out;
}

/** The text of src/synth/estimate/coefficients.ts for fitted coefficients (deterministic). */
export function renderCoefficients(coef: Readonly<Record<EstimateTarget, Readonly<Record<string, CoreCoefficients>>>>, quality: readonly FitQuality[], yosys: string): string {
  const num = (v: number): string => String(Number(v.toPrecision(5)));
  const lines = [
    '/**',
    ' * Fitted coefficients of the resource model (src/synth/estimate/index.ts): per family, per core,',
    ' * per metric, the coefficient of each feature (the features are defined in the per-op files).',
    ` * Fitted to ${yosys} by src/synth/estimate/fit.ts on the samples of calibrate.ts.`,
    ' * GENERATED: do not edit. Regenerate with',
    ' *     BNEXT_WRITE_COEFFICIENTS=1 npm run bench -- estimate-calibration',
    ' *',
    ' * Fit quality on the calibration samples (mean / max |estimate - synthesis| / synthesis):',
    ...quality.filter((q) => q.metric === 'luts').map((q) => ` *   ${q.target.padEnd(6)} ${q.module.padEnd(16)} LUTs  n=${String(q.n).padStart(2)}  mean ${(100 * q.meanAbsError).toFixed(1).padStart(5)} %  max ${(100 * q.maxAbsError).toFixed(1).padStart(5)} %`),
    ' */',
    "import type { CoreCoefficients, EstimateTarget } from './types.js';",
    '',
    '/** Coefficients per family and core. */',
    'export const COEFFICIENTS: Readonly<Record<EstimateTarget, Readonly<Record<string, CoreCoefficients>>>> = {',
  ];
  for (const t of Object.keys(coef).sort() as EstimateTarget[]) {
    lines.push(`  ${t}: {`);
    for (const m of Object.keys(coef[t]).sort()) {
      const c = coef[t][m]!;
      const metrics = (Object.keys(c).sort() as FittedMetric[]).map((k) => `${k}: { ${Object.keys(c[k]!).sort().map((f) => `${f}: ${num(c[k]![f]!)}`).join(', ')} }`);
      lines.push(`    ${m}: { ${metrics.join(', ')} },`);
    }
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}
