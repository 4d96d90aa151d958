/**
 * Named pass pipelines: explicit, ordered lists (FINN's build steps). Each pass is
 * (graph, context) => graph and never mutates its input; `runPipeline` verifies the graph after
 * every pass so a broken invariant names the pass that broke it.
 */
import type { Network } from '../dsl/network.js';
import type { Graph } from '../ir/graph.js';
import { verify } from '../ir/verify.js';
import { fail } from '../diag.js';
import type { Tensor } from '../tensor.js';
import type { WeightSet } from '../weights/types.js';
import type { QuantSettings } from './quant-settings.js';
import { quantize, type QuantizeOptions } from './quantize.js';
import { autoFold, fold, type FoldConfig } from './fold.js';
import { insertDwc } from './insert-dwc.js';
import { sizeFifos } from './size-fifos.js';
import { foldBnPrelu } from './fold-bn-prelu.js';
import { foldSignThreshold } from './fold-sign-threshold.js';
import { insertForks } from './insert-forks.js';
import { lower } from './lower.js';
import { splitConv } from './split-conv.js';

/** What passes may need besides the graph. */
export interface PassContext {
  /** Calibration images for `quantize`, or `nominal` ranges (see {@link QuantizeOptions}). */
  readonly calibration?: readonly Tensor[] | 'nominal';
  /** Quantization settings for `quantize` (defaults when absent). */
  readonly quant?: QuantSettings;
  /** Folding for `fold`: a configuration, or a cycle budget per frame for automatic folding. */
  readonly fold?: FoldConfig | { readonly targetCycles: number };
  /** Shape-level compilation: binary weights are zero placeholders (see LowerOptions in lower.ts). */
  readonly shapesOnly?: boolean;
  /** Called after each pass (for dumps and tests). */
  readonly onPass?: (name: string, g: Graph) => void;
}

/** A graph-to-graph pass. */
export type Pass = (g: Graph, ctx: PassContext) => Graph;

/** Every pass by name. */
export const PASSES: Readonly<Record<string, Pass>> = {
  'fold-sign-threshold': foldSignThreshold,
  'fold-bn-prelu': foldBnPrelu,
  'split-conv': (g, ctx) => splitConv(g, ctx.shapesOnly),
  'insert-forks': insertForks,
  fold: (g, ctx) => {
    const f = ctx.fold ?? { layers: {} };
    // Folding changes lane counts; the converters it makes necessary belong to the same step.
    return insertDwc(fold(g, 'targetCycles' in f ? autoFold(g, f.targetCycles) : f));
  },
  'size-fifos': sizeFifos,
  quantize: (g, ctx) =>
    quantize(g, {
      calibration: ctx.calibration ?? fail('E_QUANT', 'the quantize pass needs calibration images'),
      ...(ctx.quant ? { settings: ctx.quant } : {}),
    }),
};

/** Named pipelines. `float-hw`: the hardware op set, still in float. */
export const PIPELINES: Readonly<Record<string, readonly string[]>> = {
  'float-hw': ['fold-sign-threshold', 'fold-bn-prelu', 'split-conv', 'insert-forks'],
  /** The integer hardware graph: what the RTL computes. */
  hw: ['fold-sign-threshold', 'fold-bn-prelu', 'split-conv', 'quantize', 'insert-forks'],
  /** The hardware graph, folded and buffered: what `generate` emits. */
  rtl: ['fold-sign-threshold', 'fold-bn-prelu', 'split-conv', 'quantize', 'insert-forks', 'fold', 'size-fifos'],
};

/** Runs passes in order, verifying after each. */
export function runPasses(g: Graph, names: readonly string[], ctx: PassContext = {}): Graph {
  let cur = verify(g);
  for (const name of names) {
    const p = PASSES[name];
    if (!p) throw new Error(`internal: unknown pass ${name}`);
    cur = verify(p(cur, ctx));
    ctx.onPass?.(name, cur);
  }
  return cur;
}

/** Lowers a network and runs a named pipeline. */
export function compile(net: Network, ws: WeightSet, pipeline = 'float-hw', ctx: PassContext = {}): Graph {
  const steps = PIPELINES[pipeline];
  if (!steps) throw new Error(`internal: unknown pipeline ${pipeline}`);
  const g = lower(net, ws, { shapesOnly: ctx.shapesOnly ?? false });
  ctx.onPass?.('lower', g);
  return runPasses(g, steps, ctx);
}
