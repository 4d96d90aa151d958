/** Registry of reference semantics (float and integer) for every op kind. */
import type { OpKind } from '../../ir/graph.js';
import { add } from './add.js';
import { affine } from './affine.js';
import { avgpool } from './avgpool.js';
import { batchnorm } from './batchnorm.js';
import { bias } from './bias.js';
import { concat } from './concat.js';
import { conv } from './conv.js';
import { fc } from './fc.js';
import { dwc } from './dwc.js';
import { fifo } from './fifo.js';
import { fork } from './fork.js';
import { gap } from './gap.js';
import { gate } from './gate.js';
import { input } from './input.js';
import { maxpool } from './maxpool.js';
import { mix } from './mix.js';
import { mul } from './mul.js';
import { mvau } from './mvau.js';
import { output } from './output.js';
import { prelu } from './prelu.js';
import { sigmoid } from './sigmoid.js';
import { sign } from './sign.js';
import { threshold } from './threshold.js';
import type { RefOp } from './types.js';
import { window } from './window.js';

/** Registry; the mapped type makes a missing kind a compile error. */
export const REF_OPS: { readonly [K in OpKind]: RefOp<K> } = {
  input,
  output,
  conv,
  bias,
  sign,
  batchnorm,
  prelu,
  threshold,
  affine,
  window,
  mvau,
  avgpool,
  maxpool,
  gap,
  mix,
  fc,
  sigmoid,
  gate,
  mul,
  add,
  concat,
  fork,
  dwc,
  fifo,
};
