/**
 * Pass `fold`: parallelism. Each layer gets a map parallelism `par` (lanes per beat of its
 * element-wise ops) and each MVAU a PE x SIMD folding; a sliding window and the threshold feeding
 * it run at the MVAU's SIMD. SE vectors run at the layer's par (the hidden layer at the largest
 * divisor of its width not above it), the head classifier outputs one class per beat.
 * Mismatches between a producer's and a consumer's lanes are fixed by `insert-dwc`.
 *
 * The folding comes from a user file ({@link FoldConfig}) or from {@link autoFold}, which picks
 * the least parallelism that meets a cycle budget per frame; every value is checked to divide
 * what it folds, with errors naming the layer, the field and the rule.
 */
import { z } from 'zod';
import { fail } from '../diag.js';
import type { Graph, Node } from '../ir/graph.js';
import { withNodes } from './util.js';

/** Folding of one layer. */
export interface LayerFold {
  /** Lanes per beat of the layer's maps and vectors. */
  readonly par: number;
  /** MVAU output channels per cycle. */
  readonly pe: number;
  /** MVAU inputs per cycle (divides the layer's input channels). */
  readonly simd: number;
  /** Lanes of the layer's vectors: global average pools, the SE branch, the head classifier's input. */
  readonly vpar: number;
}

/** Folding of a whole network: per DSL layer, with a default. */
export interface FoldConfig {
  readonly default?: Partial<LayerFold>;
  readonly layers: Readonly<Record<string, Partial<LayerFold>>>;
}

/** zod schema of a fold.json file. */
export const FoldFileSchema = z
  .object({
    default: z.object({ par: z.number().int().min(1), pe: z.number().int().min(1), simd: z.number().int().min(1), vpar: z.number().int().min(1) }).partial().strict().optional(),
    layers: z.record(
      z.string(),
      z.object({ par: z.number().int().min(1), pe: z.number().int().min(1), simd: z.number().int().min(1), vpar: z.number().int().min(1) }).partial().strict(),
    ),
  })
  .strict();

/** An element-wise op on a map (not a vector), whose lanes are the layer's `par`. */
function isMapOp(n: Node): boolean {
  return n.shape[1] * n.shape[2] > 1 && n.kind !== 'input' && n.kind !== 'window' && n.kind !== 'threshold' && n.kind !== 'mvau';
}

/** Fraction of the cycle budget the SE branch's FCs may take (they delay each module's gate). */
export const SE_FRACTION = 0.1;

/** Fraction of the cycle budget element-wise ops may use in automatic folding. */
export const ELEMENTWISE_HEADROOM = 0.5;

/** Largest divisor of n that is <= cap. */
export function divisorAtMost(n: number, cap: number): number {
  for (let d = Math.min(n, Math.max(1, Math.floor(cap))); d >= 1; d--) if (n % d === 0) return d;
  return 1;
}

/** Divisors of n, ascending. */
export function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

function layerFold(cfg: FoldConfig, layer: string): LayerFold {
  const l = cfg.layers[layer] ?? {};
  const par = l.par ?? cfg.default?.par ?? 1;
  return { par, pe: l.pe ?? cfg.default?.pe ?? 1, simd: l.simd ?? cfg.default?.simd ?? 1, vpar: l.vpar ?? cfg.default?.vpar ?? par };
}

/** Checks a user's folding against the graph; one error naming the layer, field and rule. */
export function checkFold(g: Graph, cfg: FoldConfig, file?: string): void {
  const layers = new Set(g.nodes.map((n) => n.layer));
  for (const name of Object.keys(cfg.layers))
    if (!layers.has(name)) fail('E_FOLD', `no layer named '${name}' in ${g.name}`, { ...(file ? { file } : {}), field: `layers.${name}` });
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  for (const n of g.nodes) {
    const f = layerFold(cfg, n.layer);
    const at = (field: string) => ({ ...(file ? { file } : {}), field: `layers.${n.layer}.${field}` });
    if (n.kind === 'mvau') {
      const src = byId.get(n.inputs[0]!)!;
      const inC = src.kind === 'window' ? src.shape[0] / src.kernel ** 2 : src.shape[0];
      if (inC % f.simd !== 0) fail('E_FOLD', `simd ${f.simd} must divide the ${inC} input channels of ${n.id}`, at('simd'));
      if (n.rows % f.pe !== 0) fail('E_FOLD', `pe ${f.pe} must divide the ${n.rows} output channels of ${n.id}`, at('pe'));
    } else if (isMapOp(n) && n.shape[0] % f.par !== 0)
      fail('E_FOLD', `par ${f.par} must divide the ${n.shape[0]} channels of ${n.id}`, at('par'));
  }
}

/** Applies a folding: sets `par` on every node and PE/SIMD on every MVAU. */
export function fold(g: Graph, cfg: FoldConfig): Graph {
  checkFold(g, cfg);
  const done = new Map<string, Node>();
  const consumersOf = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) consumersOf.set(i, [...(consumersOf.get(i) ?? []), n]);
  // SIMD each threshold/window must deliver: that of the MVAU it feeds.
  const simdOf = (n: Node): number | undefined => {
    for (const c of consumersOf.get(n.id) ?? []) {
      if (c.kind === 'mvau') return layerFold(cfg, c.layer).simd;
      if (c.kind === 'window' || c.kind === 'fork') {
        const s = simdOf(c);
        if (s) return s;
      }
    }
    return undefined;
  };
  for (const n of g.nodes) {
    const f = layerFold(cfg, n.layer);
    const [c, h, w] = n.shape;
    const vector = h === 1 && w === 1;
    let par: number;
    switch (n.kind) {
      case 'input':
        par = divisorAtMost(c, f.par);
        break;
      case 'mvau':
        done.set(n.id, { ...n, pe: f.pe, simd: f.simd, par: f.pe });
        continue;
      case 'window':
      case 'threshold':
        par = simdOf(n) ?? divisorAtMost(c, f.par);
        break;
      case 'fork':
      case 'fifo':
      case 'output':
        par = done.get(n.inputs[0]!)!.par;
        break;
      case 'fc':
        par = n.layer === 'head' ? 1 : divisorAtMost(c, f.vpar);
        break;
      case 'gap':
      case 'mix':
      case 'sigmoid':
        par = divisorAtMost(c, f.vpar);
        break;
      default:
        par = vector ? divisorAtMost(c, f.vpar) : f.par;
    }
    done.set(n.id, { ...n, par } as Node);
  }
  return withNodes(g, g.nodes.map((n) => done.get(n.id)!), 'fold');
}

/** Cycles per frame of an MVAU at a folding. */
function mvauCycles(n: Node & { kind: 'mvau' }, pe: number, simd: number): number {
  return n.shape[1] * n.shape[2] * (n.rows / pe) * (n.cols / simd);
}

/**
 * The least parallelism per layer that keeps every MVAU and every element-wise op at or under
 * `targetCycles` per frame (or the most the layer allows, when the target is out of reach).
 */
export function autoFold(g: Graph, targetCycles: number): FoldConfig {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const layers: Record<string, LayerFold> = {};
  for (const n of g.nodes) {
    const cur = layers[n.layer] ?? { par: 1, pe: 1, simd: 1, vpar: 1 };
    if (n.kind === 'mvau') {
      const src = byId.get(n.inputs[0]!)!;
      const cin = src.kind === 'window' ? src.shape[0] / src.kernel ** 2 : src.shape[0];
      let best: { pe: number; simd: number } | undefined;
      for (const simd of divisors(cin))
        for (const pe of divisors(n.rows)) {
          const cyc = mvauCycles(n, pe, simd);
          if (cyc > targetCycles) continue;
          // least PE*SIMD; ties: the squarer shape (shorter adder trees, fewer ROM ports)
          if (!best || pe * simd < best.pe * best.simd || (pe * simd === best.pe * best.simd && Math.abs(pe - simd) < Math.abs(best.pe - best.simd)))
            best = { pe, simd };
        }
      layers[n.layer] = { ...cur, ...(best ?? { pe: n.rows, simd: cin }) };
    } else if (n.kind === 'gap') {
      // Vector lanes: the pool must keep up with its map, and the SE branch (two small FCs that
      // run between the end of a frame and the first gated output) must take well under a frame
      // so the barrier FIFO's spare quarter frame covers it; the head classifier likewise.
      const src = byId.get(n.inputs[0]!)!;
      const c = n.shape[0];
      const fcs = g.nodes.filter((x) => x.kind === 'fc' && x.layer === n.layer) as (Node & { kind: 'fc' })[];
      const fcCycles = (p: number) => fcs.reduce((a, f) => a + (f.outFeatures * f.inFeatures) / ((f.layer === 'head' ? 1 : divisorAtMost(f.outFeatures, p)) * divisorAtMost(f.inFeatures, p)), 0);
      const vpar =
        divisors(c).find(
          (p) => (c / p) * src.shape[1] * src.shape[2] <= ELEMENTWISE_HEADROOM * targetCycles && fcCycles(p) <= (n.layer === 'head' ? ELEMENTWISE_HEADROOM : SE_FRACTION) * targetCycles,
        ) ?? c;
      layers[n.layer] = { ...cur, vpar: Math.max(cur.vpar, vpar) };
    } else if (isMapOp(n)) {
      const c = n.shape[0];
      // Element-wise ops get 25 % headroom so that the MVAUs alone set the rate: a chain of cores
      // all running exactly at the bottleneck rate loses cycles to every small bubble.
      const need = divisors(c).find((p) => (c / p) * n.shape[1] * n.shape[2] <= ELEMENTWISE_HEADROOM * targetCycles) ?? c;
      // the layer's par must divide every map channel count in the layer
      const par = Math.max(cur.par, need);
      layers[n.layer] = { ...cur, par };
    } else layers[n.layer] = cur;
  }
  // make each layer's par divide all its channel counts
  for (const n of g.nodes) {
    const l = layers[n.layer]!;
    if (isMapOp(n) && n.shape[0] % l.par !== 0)
      layers[n.layer] = { ...l, par: divisorAtMost(n.shape[0], l.par) };
  }
  return { layers };
}
