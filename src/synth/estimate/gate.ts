/** gate -> gate: SE channel gate fused with BN2: x * (g * scale) + shift, requantized. */
import { signedWidthOf } from '../../emit/mem.js';
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, dspBlocks, flag, fmtOf, p, qOf } from './common.js';

/** The core and parameters of a gate node (as src/emit/ops/vector.ts instantiates it). */
export const gate: OpEstimator<'gate'> = (n, ins) => {
  const fx = fmtOf(ins[0]!);
  const fg = fmtOf(ins[1]!);
  const fo = fmtOf(n);
  const qg = qOf(n);
  return {
    module: 'gate',
    params: {
      Par: n.par,
      GPar: ins[1]!.par,
      Channels: n.shape[0],
      Pixels: n.shape[1] * n.shape[2],
      InW: fx.width,
      InSigned: flag(fx.signed),
      XFrac: fx.frac,
      GW: fg.width,
      GSigned: flag(fg.signed),
      GFrac: fg.frac,
      ScaleW: signedWidthOf(qg.scale),
      ScaleFrac: qg.scaleFrac,
      ShiftW: signedWidthOf(qg.shift),
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
  };
};

/** Widths of the gate core (see templates/cores/gate.v). */
function widths(x: Readonly<Record<string, number>>) {
  const xx = p(x, 'InW') + (p(x, 'InSigned') ? 0 : 1);
  const xg = p(x, 'GW') + (p(x, 'GSigned') ? 0 : 1);
  const kw = xg + p(x, 'ScaleW');
  return { xx, xg, kw, lw: kw + p(x, 'ShiftW'), zw: Math.max(xx + kw, p(x, 'ShiftW')) + 1 };
}

/** Cost model of the gate core. */
export const gateCores: Readonly<Record<string, CoreModel>> = {
  gate: {
    doc: 'x*k multipliers per lane and the g*scale multipliers per gate lane (bit-products, DSP blocks), sum/requant bits per lane, counters; the scale/shift tables are read on every gate lane',
    features: (x) => {
      const w = widths(x);
      return {
        mulBits: p(x, 'Par') * w.xx * w.kw + p(x, 'GPar') * w.xg * p(x, 'ScaleW'),
        dspMul: p(x, 'Par') * dspBlocks(w.xx, w.kw) + p(x, 'GPar') * dspBlocks(w.xg, p(x, 'ScaleW')),
        laneBits: p(x, 'Par') * (w.zw + p(x, 'OutW')),
        ctl: clog2(p(x, 'Channels')) + clog2(p(x, 'Pixels')),
        one: 1,
      };
    },
    // the gate vector, stored per map beat as {shift, k} per lane
    memories: (x) => [
      { depth: p(x, 'Channels') / Math.max(1, p(x, 'Par')), width: p(x, 'Par') * widths(x).lw, style: 'auto' },
      { depth: p(x, 'Channels'), width: p(x, 'ScaleW') + p(x, 'ShiftW'), style: 'auto', rom: true, ports: p(x, 'GPar') },
    ],
  },
};
