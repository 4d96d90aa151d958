/** fork -> stream_fork: broadcast of one stream to N consumers (no storage). */
import { dataWidth } from '../../emit/stream.js';
import type { CoreModel, OpEstimator } from './types.js';
import { p } from './common.js';

/** The core and parameters of a fork node (as src/emit/ops/plumbing.ts instantiates it). */
export const fork: OpEstimator<'fork'> = (n, _ins, ctx) => ({ module: 'stream_fork', params: { N: ctx.consumers, DataW: dataWidth(n) } });

/** Cost model of the stream_fork core. */
export const forkCores: Readonly<Record<string, CoreModel>> = {
  stream_fork: {
    doc: 'per-output taken flags, and the ready/valid terms each output combines from all the others',
    features: (x) => ({ outputs: p(x, 'N'), outputPairs: p(x, 'N') * p(x, 'N'), one: 1 }),
    memories: () => [],
  },
};
