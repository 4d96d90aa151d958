/** affine -> templates/cores/affine.v */
import { fmt, flag, memStem, q } from './common.js';
import { hexWords, signedWidthOf } from '../mem.js';
import type { OpBinding } from '../types.js';

/** Binds the `affine` op to the affine core. */
export const affine: OpBinding<'affine'> = (n, ins) => {
  const qa = q(n);
  const fi = fmt(ins[0]!);
  const fo = fmt(n);
  const stem = memStem(n);
  const mulW = signedWidthOf(qa.mul);
  const addW = signedWidthOf(qa.add);
  const slopeW = qa.slope ? signedWidthOf(qa.slope) : 2;
  return {
    module: 'affine',
    params: {
      Par: n.par,
      Channels: n.shape[0],
      InW: fi.width,
      InSigned: flag(fi.signed),
      MulW: mulW,
      AddW: addW,
      ZFrac: qa.zFrac,
      HasSlope: flag(!!qa.slope),
      SlopeW: slopeW,
      SlopeFrac: qa.slopeFrac,
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
    mems: [
      { param: 'MulFile', file: `${stem}_mul.mem`, words: hexWords(qa.mul, mulW) },
      { param: 'AddFile', file: `${stem}_add.mem`, words: hexWords(qa.add, addW) },
      ...(qa.slope ? [{ param: 'SlopeFile', file: `${stem}_slope.mem`, words: hexWords(qa.slope, slopeW) }] : []),
    ],
    inputs: ['in'],
    output: 'out',
    uses: ['requant', 'skid_buffer'],
  };
};
