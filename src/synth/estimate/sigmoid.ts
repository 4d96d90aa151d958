/** sigmoid -> sigmoid_lut: a table of 2^InW entries, read by every lane. */
import type { CoreModel, OpEstimator } from './types.js';
import { flag, fmtOf, p } from './common.js';

/** The core and parameters of a sigmoid node (as src/emit/ops/sigmoid.ts instantiates it). */
export const sigmoid: OpEstimator<'sigmoid'> = (n, ins) => {
  const fi = fmtOf(ins[0]!);
  return { module: 'sigmoid_lut', params: { Par: n.par, InW: fi.width, InSigned: flag(fi.signed), OutW: fmtOf(n).width } };
};

/** Cost model of the sigmoid_lut core. */
export const sigmoidCores: Readonly<Record<string, CoreModel>> = {
  sigmoid_lut: {
    doc: 'input and output register bits per lane; the table (2^InW entries) is read on every lane',
    features: (x) => ({
      laneBits: p(x, 'Par') * (p(x, 'InW') + p(x, 'OutW')),
      one: 1,
    }),
    memories: (x) => [{ depth: 2 ** Math.min(20, p(x, 'InW')), width: p(x, 'OutW'), style: 'auto', rom: true, ports: p(x, 'Par') }],
  },
};
