import type { NodeOf } from '../../ir/graph.js';
import type { RefOp } from './types.js';

/** im2col in (ky, kx, c) order; taps outside the map are 0. Same in both interpretations. */
function im2col(n: NodeOf<'window'>, x: Float64Array, cin: number, h: number, w: number): Float64Array {
  const [, ho, wo] = n.shape;
  const k = n.kernel;
  const rows = k * k * cin;
  const out = new Float64Array(rows * ho * wo);
  for (let ky = 0; ky < k; ky++)
    for (let kx = 0; kx < k; kx++)
      for (let c = 0; c < cin; c++) {
        const r = (ky * k + kx) * cin + c;
        for (let oy = 0; oy < ho; oy++) {
          const iy = oy * n.stride - n.pad + ky;
          if (iy < 0 || iy >= h) continue;
          for (let ox = 0; ox < wo; ox++) {
            const ix = ox * n.stride - n.pad + kx;
            if (ix < 0 || ix >= w) continue;
            out[(r * ho + oy) * wo + ox] = x[(c * h + iy) * w + ix]!;
          }
        }
      }
  return out;
}

/** Sliding window. */
export const window: RefOp<'window'> = {
  float: (n, ins) => {
    const [c, h, w] = ins.nodes[0]!.shape;
    return im2col(n, ins.values[0]!, c, h, w);
  },
  int: (n, ins) => {
    const [c, h, w] = ins.nodes[0]!.shape;
    return im2col(n, ins.values[0]!, c, h, w);
  },
};
