import { convOut } from '../../dsl/builder.js';
import type { NodeOf } from '../../ir/graph.js';
import type { RefOp } from './types.js';
import { notInHardware } from './types.js';

/** Direct convolution with zero padding (binary convs see -1/0/+1 inputs and weights). */
export function convolve(n: NodeOf<'conv'>, x: Float64Array, cin: number, h: number, w: number): Float64Array {
  const k = n.kernel;
  const ho = convOut(h, k, n.stride, n.pad);
  const wo = convOut(w, k, n.stride, n.pad);
  const cout = n.shape[0];
  const out = new Float64Array(cout * ho * wo);
  const wt = n.weight;
  for (let co = 0; co < cout; co++)
    for (let ci = 0; ci < cin; ci++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++) {
          const wv = wt[((co * cin + ci) * k + ky) * k + kx]!;
          if (wv === 0) continue;
          for (let oy = 0; oy < ho; oy++) {
            const iy = oy * n.stride - n.pad + ky;
            if (iy < 0 || iy >= h) continue;
            const orow = (co * ho + oy) * wo;
            const irow = (ci * h + iy) * w;
            for (let ox = 0; ox < wo; ox++) {
              const ix = ox * n.stride - n.pad + kx;
              if (ix < 0 || ix >= w) continue;
              out[orow + ox]! += wv * x[irow + ix]!;
            }
          }
        }
  return out;
}

/** Convolution before split-conv. */
export const conv: RefOp<'conv'> = {
  float: (n, ins) => {
    const [cin, h, w] = ins.nodes[0]!.shape;
    return convolve(n, ins.values[0]!, cin, h, w);
  },
  int: () => notInHardware('conv'),
};
