import { checkFits } from '../../ir/fixed.js';
import { popcount32 as popcount } from '../float/binconv.js';
import type { NodeOf } from '../../ir/graph.js';
import type { RefOp } from './types.js';
import { qOf } from './types.js';

/** Packs +-1/0 values into sign bits (1 = positive) and non-zero mask bits, 32 per word. */
function pack(get: (j: number) => number, n: number, bits: Int32Array, mask: Int32Array, off: number): void {
  for (let j = 0; j < n; j++) {
    const v = get(j);
    if (v !== 0) {
      mask[off + (j >>> 5)]! |= 1 << (j & 31);
      if (v > 0) bits[off + (j >>> 5)]! |= 1 << (j & 31);
    }
  }
}

interface PackedRows {
  readonly bits: Int32Array;
  readonly mask: Int32Array;
  readonly words: number;
}
const packedCache = new WeakMap<object, PackedRows>();

/** Weight rows packed once per node; `zeroIsPlus` maps a zero latent sign to +1 (integer model). */
function packedWeights(n: NodeOf<'mvau'>, zeroIsPlus: boolean): PackedRows {
  const key = zeroIsPlus ? (n.q ?? n) : n.weight;
  const hit = packedCache.get(key as object);
  if (hit) return hit;
  const words = (n.cols + 31) >>> 5;
  const bits = new Int32Array(n.rows * words);
  const mask = new Int32Array(n.rows * words);
  const w = n.weight;
  for (let r = 0; r < n.rows; r++)
    pack((j) => {
      const v = w[r * n.cols + j]!;
      return zeroIsPlus && v === 0 ? 1 : v;
    }, n.cols, bits, mask, r * words);
  const p = { bits, mask, words };
  packedCache.set(key as object, p);
  return p;
}

/** Bit-packed XNOR-popcount over +-1/0 vectors: sum over taps where both are non-zero of w*x. */
function xnorMatvec(n: NodeOf<'mvau'>, x: Float64Array, zeroIsPlus: boolean): Float64Array {
  const [, h, w] = n.shape;
  const hw = h * w;
  const W = packedWeights(n, zeroIsPlus);
  const words = W.words;
  const out = new Float64Array(n.rows * hw);
  const ab = new Int32Array(words);
  const am = new Int32Array(words);
  for (let p = 0; p < hw; p++) {
    ab.fill(0);
    am.fill(0);
    pack((j) => x[j * hw + p]!, n.cols, ab, am, 0);
    for (let r = 0; r < n.rows; r++) {
      let agree = 0;
      let valid = 0;
      const o = r * words;
      for (let k = 0; k < words; k++) {
        const m = am[k]! & W.mask[o + k]!;
        agree += popcount(~(ab[k]! ^ W.bits[o + k]!) & m);
        valid += popcount(m);
      }
      out[r * hw + p] = 2 * agree - valid;
    }
  }
  return out;
}

/** Dense real/integer matrix-vector product per pixel. */
function matvec(n: NodeOf<'mvau'>, wt: Float64Array, x: Float64Array): Float64Array {
  const [, h, w] = n.shape;
  const hw = h * w;
  const out = new Float64Array(n.rows * hw);
  const col = new Float64Array(n.cols);
  for (let p = 0; p < hw; p++) {
    for (let j = 0; j < n.cols; j++) col[j] = x[j * hw + p]!;
    for (let r = 0; r < n.rows; r++) {
      let acc = 0;
      const base = r * n.cols;
      for (let j = 0; j < n.cols; j++) acc += wt[base + j]! * col[j]!;
      out[r * hw + p] = acc;
    }
  }
  return out;
}

/**
 * Float: W x (binary: W, x in {-1, 0, +1}, PyTorch sign semantics).
 * Integer, xnor mode: weight bits are 1 for W >= 0 (a zero latent weight counts as +1), x in
 * {-1, +1, 0 = padding}: acc = sum over non-padding taps of W*x = 2*popcount(xnor) - taps.
 * Integer, int mode: acc = sum w_code * x_code (fraction bits add).
 */
export const mvau: RefOp<'mvau'> = {
  float: (n, ins) => (n.mode === 'xnor' ? xnorMatvec(n, ins.values[0]!, false) : matvec(n, Float64Array.from(n.weight as ArrayLike<number>), ins.values[0]!)),
  int: (n, ins) => {
    const acc = n.mode === 'xnor' ? xnorMatvec(n, ins.values[0]!, true) : matvec(n, Float64Array.from(qOf(n).w as ArrayLike<number>), ins.values[0]!);
    const width = n.elem.kind === 'fix' ? n.elem.fmt.width : 53;
    return acc.map((v) => checkFits(v, width, n.id));
  },
};
