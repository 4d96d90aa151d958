import type { NodeOf } from '../../ir/graph.js';
import type { RefOp } from './types.js';
import type { OpInputs } from './types.js';

function maxp(n: NodeOf<'maxpool'>, ins: OpInputs): Float64Array {
  const [c, ho, wo] = n.shape;
  const [, h, w] = ins.nodes[0]!.shape;
  const x = ins.values[0]!;
  const out = new Float64Array(c * ho * wo);
  for (let ch = 0; ch < c; ch++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < n.kernel; ky++) {
          const iy = oy * n.stride - n.pad + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < n.kernel; kx++) {
            const ix = ox * n.stride - n.pad + kx;
            if (ix < 0 || ix >= w) continue;
            m = Math.max(m, x[(ch * h + iy) * w + ix]!);
          }
        }
        out[(ch * ho + oy) * wo + ox] = m;
      }
  return out;
}

/** Max over the window; padding never wins. Same in both interpretations (codes keep order). */
export const maxpool: RefOp<'maxpool'> = { float: maxp, int: maxp };
