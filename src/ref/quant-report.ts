/**
 * Quantization report: how far the integer model is from the float model, per layer (SQNR of each
 * layer's output, integer dequantized vs float interpretation of the same graph on the same input)
 * and for the logits against the DSL float model (cosine similarity, max abs error, top-1 agreement).
 */
import { formatName, quantize } from '../ir/fixed.js';
import type { Graph, Node } from '../ir/graph.js';
import type { Network } from '../dsl/network.js';
import { imageOf, type Tensor } from '../tensor.js';
import { Rng } from '../util/rng.js';
import type { WeightSet } from '../weights/types.js';
import { runFloat } from './float/index.js';
import { interpret } from './interp.js';

/** One layer's row. */
export interface LayerSqnr {
  readonly layer: string;
  /** IR node whose output represents the layer. */
  readonly node: string;
  readonly format: string;
  /** Signal-to-quantization-noise ratio over all images, dB (Infinity when exact), end to end. */
  readonly sqnrDb: number;
  /**
   * The layer's own SQNR: the integer layer fed the float model's values of its inputs, quantized
   * to their formats. Binary networks amplify small errors (one flipped sign changes a whole
   * accumulator), so end-to-end figures fall with depth even when every layer is accurate.
   */
  readonly localSqnrDb: number;
}

/** The whole report. */
export interface QuantReport {
  readonly network: string;
  readonly images: number;
  readonly layers: readonly LayerSqnr[];
  readonly logits: {
    /** Per image: cosine similarity of integer vs float logits. */
    readonly cosine: readonly number[];
    readonly minCosine: number;
    readonly maxAbsError: number;
    /** Images whose top-1 class agrees. */
    readonly top1Agree: number;
  };
  /**
   * The network's own sensitivity: the float model on each image plus Gaussian noise as strong as
   * the input quantization error, against the clean float model. Binary networks can amplify tiny
   * input changes (a flipped sign changes a whole accumulator); when this baseline already
   * disagrees, no choice of formats can make the integer model agree better.
   */
  readonly noiseBaseline: { readonly sigma: number; readonly minCosine: number; readonly top1Agree: number };
}

const argmax = (v: ArrayLike<number>): number => {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i;
  return b;
};

/** The node that represents each DSL layer: its last non-fork node. */
function layerOutputs(g: Graph): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const n of g.nodes) if (n.kind !== 'fork' && n.kind !== 'output' && n.elem.kind === 'fix') m.set(n.layer, n);
  return m;
}

/** Computes the report for a quantized graph on a batch [N, 3, H, W]. */
export function quantReport(net: Network, ws: WeightSet, g: Graph, batch: Tensor): QuantReport {
  const reps = layerOutputs(g);
  const watch = new Set([...reps.values()].map((n) => n.id));
  const sig = new Map<string, number>();
  const err = new Map<string, number>();
  const lerr = new Map<string, number>();
  const accumulate = (errs: Map<string, number>, node: Node, v: Float64Array, f: Float64Array, withSignal: boolean): void => {
    if (node.elem.kind !== 'fix') return;
    const sc = 2 ** -node.elem.fmt.frac;
    let s = 0;
    let e = 0;
    for (let k = 0; k < f.length; k++) {
      s += f[k]! * f[k]!;
      const d = f[k]! - v[k]! * sc;
      e += d * d;
    }
    if (withSignal) sig.set(node.id, (sig.get(node.id) ?? 0) + s);
    errs.set(node.id, (errs.get(node.id) ?? 0) + e);
  };
  const cosine: number[] = [];
  let maxAbs = 0;
  let agree = 0;
  let noiseMinCos = 1;
  let noiseAgree = 0;
  let sigma = 0;
  const rng = new Rng(0x5eed);
  const inFmt = g.nodes.find((x) => x.kind === 'input')!.elem;
  const cosOf = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let d = 0;
    let x = 0;
    let y = 0;
    for (let k = 0; k < a.length; k++) {
      d += a[k]! * b[k]!;
      x += a[k]! * a[k]!;
      y += b[k]! * b[k]!;
    }
    return d / Math.sqrt(x * y || 1);
  };
  const n = batch.shape[0]!;
  for (let i = 0; i < n; i++) {
    const img = imageOf(batch, i);
    const fv = new Map<string, Float64Array>();
    interpret(g, img, 'float', { onNode: (node, v) => fv.set(node.id, v), release: false });
    const qi = interpret(g, img, 'int', { onNode: (node, v) => watch.has(node.id) && accumulate(err, node, v, fv.get(node.id)!, true) });
    interpret(g, img, 'int', {
      onNode: (node, v) => watch.has(node.id) && accumulate(lerr, node, v, fv.get(node.id)!, false),
      boundary: (p) => {
        const f = fv.get(p.id)!;
        // Binary: hardware tie rule (+1) for thresholds; a window's padding taps stay 0.
        if (p.elem.kind === 'bin') return p.kind === 'window' ? f.map((x) => Math.sign(x)) : f.map((x) => (x >= 0 ? 1 : -1));
        if (p.elem.kind !== 'fix') return undefined;
        const fmt = p.elem.fmt;
        return f.map((x) => quantize(x, fmt));
      },
    });
    const ref = runFloat(net, ws, img).data;
    const q = qi.logits;
    for (let k = 0; k < q.length; k++) maxAbs = Math.max(maxAbs, Math.abs(q[k]! - ref[k]!));
    cosine.push(cosOf(q, ref));
    if (argmax(q) === argmax(ref)) agree++;
    // Noise baseline at the input quantization's RMS error.
    if (inFmt.kind === 'fix') {
      let e2 = 0;
      for (let k = 0; k < img.data.length; k++) {
        const d = img.data[k]! - quantize(img.data[k]!, inFmt.fmt) * 2 ** -inFmt.fmt.frac;
        e2 += d * d;
      }
      sigma = Math.sqrt(e2 / img.data.length);
      const noisy = { shape: img.shape, data: Float32Array.from(img.data, (v) => v + sigma * rng.normal()) };
      const nref = runFloat(net, ws, noisy).data;
      noiseMinCos = Math.min(noiseMinCos, cosOf(nref, ref));
      if (argmax(nref) === argmax(ref)) noiseAgree++;
    }
  }
  const layers = [...reps.entries()].map(([layer, node]) => ({
    layer,
    node: node.id,
    format: node.elem.kind === 'fix' ? formatName(node.elem.fmt) : node.elem.kind,
    sqnrDb: 10 * Math.log10((sig.get(node.id) ?? 0) / (err.get(node.id) || Number.MIN_VALUE)),
    localSqnrDb: 10 * Math.log10((sig.get(node.id) ?? 0) / (lerr.get(node.id) || Number.MIN_VALUE)),
  }));
  return {
    network: g.name,
    images: n,
    layers,
    logits: { cosine, minCosine: Math.min(...cosine), maxAbsError: maxAbs, top1Agree: agree },
    noiseBaseline: { sigma, minCosine: noiseMinCos, top1Agree: noiseAgree },
  };
}
