import type { NodeOf, Vec } from '../../ir/graph.js';
import type { RefOp } from './types.js';
import { qOf } from './types.js';

function matvec(n: NodeOf<'mvau'>, wt: Vec, x: Float64Array): Float64Array {
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
 * Float: W x. Integer, xnor mode: W in +-1 (a zero latent sign counts as +1, the weight bit is 1),
 * x in {-1, +1, 0 = padding}: acc = sum W*x, i.e. 2*popcount(xnor) - taps over non-padding taps.
 * Integer, int mode: acc = sum w_code * x_code (fraction bits add).
 */
export const mvau: RefOp<'mvau'> = {
  float: (n, ins) => matvec(n, n.weight, ins.values[0]!),
  int: (n, ins) => {
    if (n.mode === 'xnor') {
      const wb = Int8Array.from(n.weight as ArrayLike<number>, (v) => (v < 0 ? -1 : 1));
      return matvec(n, wb, ins.values[0]!);
    }
    return matvec(n, qOf(n).w, ins.values[0]!);
  },
};
