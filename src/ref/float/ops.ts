/**
 * Real-valued primitives of the float reference model, PyTorch eval-mode semantics. Maps are
 * [C, H, W] tensors; vectors are [C]. Arithmetic inside each op is float64 (JS numbers); every
 * result is stored as float32, as PyTorch stores each op's output. Each op returns a new tensor.
 */
import { fail } from '../../diag.js';
import type { Tensor } from '../../tensor.js';

/** BatchNorm epsilon (PyTorch default). */
export const BN_EPS = 1e-5;

type Vec = ArrayLike<number>;

function dims3(x: Tensor, op: string): [number, number, number] {
  if (x.shape.length !== 3) fail('E_SHAPE', `${op}: expected a [C, H, W] map, got [${x.shape.join(', ')}]`);
  return x.shape as [number, number, number];
}

function checkLen(v: Vec, n: number, op: string, what: string): void {
  if (v.length !== n && v.length !== 1) fail('E_SHAPE', `${op}: ${what} has ${v.length} entries, expected ${n}`);
}

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Stride in both directions (default 1). */
  readonly stride?: number;
  /** Zero padding on each side (default 0). */
  readonly padding?: number;
  /** Per-output-channel bias (default none). */
  readonly bias?: Vec;
}

/**
 * Real-valued 2-D convolution (cross-correlation, as nn.Conv2d): x [Cin, H, W], w [Cout, Cin, kh, kw],
 * zero padding. Output [Cout, Ho, Wo] with Ho = floor((H + 2p - kh) / s) + 1. Float64 accumulation.
 */
export function conv2d(x: Tensor, w: Tensor, opts: Conv2dOptions = {}): Tensor {
  const [cin, h, wd] = dims3(x, 'conv2d');
  if (w.shape.length !== 4 || w.shape[1] !== cin)
    fail('E_SHAPE', `conv2d: weight [${w.shape.join(', ')}] does not fit an input with ${cin} channels`);
  const [cout, , kh, kw] = w.shape as [number, number, number, number];
  const s = opts.stride ?? 1;
  const p = opts.padding ?? 0;
  const ho = Math.floor((h + 2 * p - kh) / s) + 1;
  const wo = Math.floor((wd + 2 * p - kw) / s) + 1;
  if (opts.bias) checkLen(opts.bias, cout, 'conv2d', 'bias');
  const out = new Float32Array(cout * ho * wo);
  const acc = new Float64Array(ho * wo);
  const xd = x.data;
  const wdat = w.data;
  for (let co = 0; co < cout; co++) {
    acc.fill(opts.bias ? opts.bias[opts.bias.length === 1 ? 0 : co]! : 0);
    for (let ci = 0; ci < cin; ci++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++) {
          const wv = wdat[((co * cin + ci) * kh + ky) * kw + kx]!;
          if (wv === 0) continue;
          // output columns whose input column ox*s + kx - p lies inside [0, wd)
          const ox0 = Math.max(0, Math.ceil((p - kx) / s));
          const ox1 = Math.min(wo - 1, Math.floor((wd - 1 + p - kx) / s));
          for (let oy = 0; oy < ho; oy++) {
            const iy = oy * s + ky - p;
            if (iy < 0 || iy >= h) continue;
            const rowIn = (ci * h + iy) * wd + kx - p;
            const rowOut = oy * wo;
            for (let ox = ox0; ox <= ox1; ox++) acc[rowOut + ox] += wv * xd[rowIn + ox * s]!;
          }
        }
    out.set(acc, co * ho * wo);
  }
  return { shape: [cout, ho, wo], data: out };
}

/** Eval-mode BatchNorm parameters of one layer (per channel). */
export interface BatchNormParams {
  /** gamma (`.weight`). */
  readonly weight: Vec;
  /** beta (`.bias`). */
  readonly bias: Vec;
  /** `.running_mean`. */
  readonly mean: Vec;
  /** `.running_var`. */
  readonly variance: Vec;
}

/** Per-channel affine form of a BatchNorm: y = x * scale + shift (float64). */
export function batchNormAffine(p: BatchNormParams, eps = BN_EPS): { scale: Float64Array; shift: Float64Array } {
  const c = p.weight.length;
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    scale[i] = p.weight[i]! / Math.sqrt(p.variance[i]! + eps);
    shift[i] = p.bias[i]! - p.mean[i]! * scale[i]!;
  }
  return { scale, shift };
}

/** Eval-mode BatchNorm2d: gamma * (x - mean) / sqrt(var + eps) + beta, per channel of a map. */
export function batchNorm(x: Tensor, p: BatchNormParams, eps = BN_EPS): Tensor {
  const [c, h, w] = dims3(x, 'batchNorm');
  for (const [k, v] of [['weight', p.weight], ['bias', p.bias], ['running_mean', p.mean], ['running_var', p.variance]] as const)
    if (v.length !== c) fail('E_SHAPE', `batchNorm: ${k} has ${v.length} entries, expected ${c}`);
  const hw = h * w;
  const out = new Float32Array(c * hw);
  for (let ch = 0; ch < c; ch++) {
    const inv = 1 / Math.sqrt(p.variance[ch]! + eps);
    const g = p.weight[ch]!;
    const b = p.bias[ch]!;
    const m = p.mean[ch]!;
    for (let i = ch * hw; i < (ch + 1) * hw; i++) out[i] = (x.data[i]! - m) * inv * g + b;
  }
  return { shape: [c, h, w], data: out };
}

/** PReLU with per-channel slopes (or one shared slope): x >= 0 ? x : alpha * x. Map or vector. */
export function prelu(x: Tensor, alpha: Vec): Tensor {
  const c = x.shape[0]!;
  checkLen(alpha, c, 'prelu', 'slope');
  const per = x.data.length / c;
  const out = new Float32Array(x.data.length);
  for (let ch = 0; ch < c; ch++) {
    const a = alpha[alpha.length === 1 ? 0 : ch]!;
    for (let i = ch * per; i < (ch + 1) * per; i++) {
      const v = x.data[i]!;
      out[i] = v >= 0 ? v : a * v;
    }
  }
  return { shape: [...x.shape], data: out };
}

/** ReLU, elementwise. */
export function relu(x: Tensor): Tensor {
  return { shape: [...x.shape], data: Float32Array.from(x.data, (v) => (v > 0 ? v : 0)) };
}

/** Logistic sigmoid 1 / (1 + exp(-v)) of one number. */
export function sigmoid1(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Logistic sigmoid, elementwise (a true sigmoid, not the hard one). */
export function sigmoid(x: Tensor): Tensor {
  return { shape: [...x.shape], data: Float32Array.from(x.data, sigmoid1) };
}

/** 2x2 average pooling, stride 2, floor (odd trailing rows/columns dropped, as nn.AvgPool2d(2, 2)). */
export function avgPool2(x: Tensor): Tensor {
  const [c, h, w] = dims3(x, 'avgPool2');
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const out = new Float32Array(c * ho * wo);
  const d = x.data;
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < ho; y++) {
      const r0 = (ch * h + 2 * y) * w;
      const r1 = r0 + w;
      const o = (ch * ho + y) * wo;
      for (let xx = 0; xx < wo; xx++) out[o + xx] = (d[r0 + 2 * xx]! + d[r0 + 2 * xx + 1]! + d[r1 + 2 * xx]! + d[r1 + 2 * xx + 1]!) / 4;
    }
  return { shape: [c, ho, wo], data: out };
}

/** Max pooling k x k, stride s, padding p (padding acts as -infinity, as nn.MaxPool2d). */
export function maxPool(x: Tensor, k: number, s: number, p: number): Tensor {
  const [c, h, w] = dims3(x, 'maxPool');
  const ho = Math.floor((h + 2 * p - k) / s) + 1;
  const wo = Math.floor((w + 2 * p - k) / s) + 1;
  const out = new Float32Array(c * ho * wo);
  const d = x.data;
  for (let ch = 0; ch < c; ch++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s + ky - p;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s + kx - p;
            if (ix < 0 || ix >= w) continue;
            const v = d[(ch * h + iy) * w + ix]!;
            if (v > m || Number.isNaN(v)) m = v;
          }
        }
        out[(ch * ho + oy) * wo + ox] = m;
      }
  return { shape: [c, ho, wo], data: out };
}

/** Global average pooling: [C, H, W] -> [C] (float64 sums). */
export function gap(x: Tensor): Tensor {
  const [c, h, w] = dims3(x, 'gap');
  const hw = h * w;
  const out = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = ch * hw; i < (ch + 1) * hw; i++) s += x.data[i]!;
    out[ch] = s / hw;
  }
  return { shape: [c], data: out };
}

/**
 * Fully connected layer (nn.Linear, or a 1x1 conv on a 1x1 map): y = W v + b. W is [out, in] or
 * [out, in, 1, 1]; v has `in` entries; bias optional. Returns [out].
 */
export function linear(v: Tensor, w: Tensor, bias?: Vec): Tensor {
  const [no, ni] = w.shape as [number, number];
  if (w.shape.length < 2 || w.shape.slice(2).some((d) => d !== 1) || ni !== v.data.length)
    fail('E_SHAPE', `linear: weight [${w.shape.join(', ')}] does not fit an input of ${v.data.length} values`);
  if (bias) checkLen(bias, no, 'linear', 'bias');
  const out = new Float32Array(no);
  for (let o = 0; o < no; o++) {
    let s = bias ? bias[bias.length === 1 ? 0 : o]! : 0;
    for (let i = 0; i < ni; i++) s += w.data[o * ni + i]! * v.data[i]!;
    out[o] = s;
  }
  return { shape: [no], data: out };
}

/** Elementwise a + b of equal shapes. */
export function add(a: Tensor, b: Tensor): Tensor {
  sameShape(a, b, 'add');
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! + b.data[i]!;
  return { shape: [...a.shape], data: out };
}

/** Elementwise a * b of equal shapes. */
export function mul(a: Tensor, b: Tensor): Tensor {
  sameShape(a, b, 'mul');
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! * b.data[i]!;
  return { shape: [...a.shape], data: out };
}

/** Per-channel scaling of a map: out[c] = x[c] * g[c] (the SE gate). */
export function scaleChannels(x: Tensor, g: Vec): Tensor {
  const [c, h, w] = dims3(x, 'scaleChannels');
  checkLen(g, c, 'scaleChannels', 'gate');
  const hw = h * w;
  const out = new Float32Array(c * hw);
  for (let ch = 0; ch < c; ch++) {
    const gv = g[g.length === 1 ? 0 : ch]!;
    for (let i = ch * hw; i < (ch + 1) * hw; i++) out[i] = x.data[i]! * gv;
  }
  return { shape: [c, h, w], data: out };
}

/** The Info-Recoupling mix, per channel: lambda * a + (1 - lambda) * b. */
export function mixChannels(a: Tensor, b: Tensor, lambda: Vec): Tensor {
  const [c, h, w] = dims3(a, 'mix');
  sameShape(a, b, 'mix');
  checkLen(lambda, c, 'mix', 'lambda');
  const hw = h * w;
  const out = new Float32Array(c * hw);
  for (let ch = 0; ch < c; ch++) {
    const l = lambda[lambda.length === 1 ? 0 : ch]!;
    for (let i = ch * hw; i < (ch + 1) * hw; i++) out[i] = l * a.data[i]! + (1 - l) * b.data[i]!;
  }
  return { shape: [c, h, w], data: out };
}

/** Channel concatenation of maps with equal height and width, in the given order. */
export function concatChannels(ts: readonly Tensor[]): Tensor {
  const [, h, w] = dims3(ts[0]!, 'concat');
  let c = 0;
  for (const t of ts) {
    const [tc, th, tw] = dims3(t, 'concat');
    if (th !== h || tw !== w) fail('E_SHAPE', `concat: map ${th}x${tw} does not match ${h}x${w}`);
    c += tc;
  }
  const out = new Float32Array(c * h * w);
  let off = 0;
  for (const t of ts) {
    out.set(t.data, off);
    off += t.data.length;
  }
  return { shape: [c, h, w], data: out };
}

function sameShape(a: Tensor, b: Tensor, op: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]))
    fail('E_SHAPE', `${op}: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ`);
}
