/** gap -> gap: per-channel exact sums in a memory, then times a reciprocal and requantized. */
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, dspBlocks, flag, fmtOf, p, qOf } from './common.js';

/** The core and parameters of a gap node (as src/emit/ops/vector.ts instantiates it). */
export const gap: OpEstimator<'gap'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  const fi = fmtOf(ins[0]!);
  const fo = fmtOf(n);
  const qg = qOf(n);
  return { module: 'gap', params: { Par: n.par, Channels: c, Pixels: h * w, InW: fi.width, InSigned: flag(fi.signed), Recip: qg.recip, Shift: qg.shift, OutW: fo.width, OutSigned: flag(fo.signed) } };
};

/** Widths of the gap core: the exact sum and the reciprocal. */
function widths(x: Readonly<Record<string, number>>): { sumW: number; rcW: number } {
  const xw = p(x, 'InW') + (p(x, 'InSigned') ? 0 : 1);
  return { sumW: xw + (p(x, 'Pixels') > 1 ? clog2(p(x, 'Pixels')) : 0), rcW: clog2(p(x, 'Recip') + 1) };
}

/** Cost model of the gap core. */
export const gapCores: Readonly<Record<string, CoreModel>> = {
  gap: {
    doc: 'sum bits per lane (adder, forward mux, registers), multiplier bit-products and DSP blocks per lane, counters',
    features: (x) => {
      const { sumW, rcW } = widths(x);
      return {
        sumBits: p(x, 'Par') * sumW,
        mulBits: p(x, 'Par') * sumW * rcW,
        dspMul: p(x, 'Par') * dspBlocks(sumW, rcW + 1),
        outBits: p(x, 'Par') * p(x, 'OutW'),
        ctl: clog2(p(x, 'Channels') / Math.max(1, p(x, 'Par'))) + clog2(p(x, 'Pixels')),
        one: 1,
      };
    },
    memories: (x) => [{ depth: p(x, 'Channels') / Math.max(1, p(x, 'Par')), width: p(x, 'Par') * widths(x).sumW, style: 'auto' }],
  },
};
