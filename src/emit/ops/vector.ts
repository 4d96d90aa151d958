/** gap, mix, fc, gate -> templates/cores/gap.v, mix.v, fc.v, gate.v (the SE branch and the head) */
import { hexWords, signedWidthOf } from '../mem.js';
import type { OpBinding } from '../types.js';
import { flag, fmt, memStem, q } from './common.js';
import { twos, weightWords } from './mvau.js';

/** Binds the `gap` op to the gap core. */
export const gap: OpBinding<'gap'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  const fi = fmt(ins[0]!);
  const fo = fmt(n);
  const qg = q(n);
  if (ins[0]!.par !== n.par) throw new Error(`internal: ${n.id}: the gap core keeps the lane count (in ${ins[0]!.par}, out ${n.par})`);
  return {
    module: 'gap',
    params: { Par: n.par, Channels: c, Pixels: h * w, InW: fi.width, InSigned: flag(fi.signed), Recip: qg.recip, Shift: qg.shift, OutW: fo.width, OutSigned: flag(fo.signed) },
    inputs: ['in'],
    output: 'out',
    uses: ['requant', 'skid_buffer'],
  };
};

/** Binds the `mix` op to the mix core. */
export const mix: OpBinding<'mix'> = (n, ins) => {
  const [a, b] = [fmt(ins[0]!), fmt(ins[1]!)];
  const fo = fmt(n);
  const qm = q(n);
  const lw = signedWidthOf(qm.lambda);
  return {
    module: 'mix',
    params: {
      Par: n.par,
      Channels: n.shape[0],
      AW: a.width,
      ASigned: flag(a.signed),
      AFrac: a.frac,
      BW: b.width,
      BSigned: flag(b.signed),
      BFrac: b.frac,
      LambdaW: Math.max(lw, signedWidthOf([2 ** qm.lambdaFrac])),
      LambdaFrac: qm.lambdaFrac,
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
    mems: [{ param: 'LambdaFile', file: `${memStem(n)}_lambda.mem`, words: hexWords(qm.lambda, Math.max(lw, signedWidthOf([2 ** qm.lambdaFrac]))) }],
    inputs: ['a', 'b'],
    output: 'out',
    uses: ['requant', 'skid_buffer'],
  };
};

/** Binds the `fc` op to the fc core. */
export const fc: OpBinding<'fc'> = (n, ins) => {
  const fi = fmt(ins[0]!);
  const fo = fmt(n);
  const qf = q(n);
  const ww = qf.wFmt.width;
  const bw = signedWidthOf(qf.b);
  const inPar = ins[0]!.par;
  const words = weightWords(n.outFeatures, n.inFeatures, n.par, inPar, ww, (r, c) => twos(qf.w[r * n.inFeatures + c]!, ww));
  return {
    module: 'fc',
    params: {
      InPar: inPar,
      OutPar: n.par,
      InF: n.inFeatures,
      OutF: n.outFeatures,
      InW: fi.width,
      InSigned: flag(fi.signed),
      InFrac: fi.frac,
      WW: ww,
      WFrac: qf.wFmt.frac,
      BiasW: bw,
      Relu: flag(n.relu),
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
    mems: [
      { param: 'WeightFile', file: `${memStem(n)}_w.mem`, words },
      { param: 'BiasFile', file: `${memStem(n)}_b.mem`, words: hexWords(qf.b, bw) },
    ],
    inputs: ['in'],
    output: 'out',
    uses: ['requant', 'skid_buffer'],
  };
};

/** Binds the `gate` op to the gate core. */
export const gate: OpBinding<'gate'> = (n, ins) => {
  const fx = fmt(ins[0]!);
  const fg = fmt(ins[1]!);
  const fo = fmt(n);
  const qg = q(n);
  const sw = signedWidthOf(qg.scale);
  const hw = signedWidthOf(qg.shift);
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
      ScaleW: sw,
      ScaleFrac: qg.scaleFrac,
      ShiftW: hw,
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
    mems: [
      { param: 'ScaleFile', file: `${memStem(n)}_scale.mem`, words: hexWords(qg.scale, sw) },
      { param: 'ShiftFile', file: `${memStem(n)}_shift.mem`, words: hexWords(qg.shift, hw) },
    ],
    inputs: ['x', 'g'],
    output: 'out',
    uses: ['requant', 'skid_buffer'],
  };
};
