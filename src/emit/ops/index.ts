/**
 * Op bindings: for every IR op kind, the core that implements it and how its parameters, memory
 * files and ports are filled from the node. A Record over OpKind, so a new op does not compile
 * until it has a binding.
 */
import type { OpKind } from '../../ir/graph.js';
import type { OpBinding } from '../types.js';
import { notEmittable } from './common.js';
import { affine } from './affine.js';
import { add, mul } from './eltwise.js';
import { concat } from './concat.js';
import { dwc } from './dwc.js';
import { fifo, fork } from './plumbing.js';
import { sigmoid } from './sigmoid.js';
import { mvau } from './mvau.js';
import { threshold } from './threshold.js';
import { window } from './window.js';
import { avgpool, maxpool } from './pool.js';
import { fc, gap, gate, mix } from './vector.js';


/** Every op kind's binding. */
export const BINDINGS: { readonly [K in OpKind]: OpBinding<K> } = {
  input: () => notEmittable('input (a top-level port)'),
  output: () => notEmittable('output (a top-level port)'),
  conv: () => notEmittable('conv'),
  bias: () => notEmittable('bias'),
  sign: () => notEmittable('sign'),
  batchnorm: () => notEmittable('batchnorm'),
  prelu: () => notEmittable('prelu'),
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
