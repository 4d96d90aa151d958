/** The cost model shared by the two-input element-wise cores (eltwise_add, eltwise_mul, concat). */
import type { CoreModel } from './types.js';
import { clog2, dspBlocks, fmtOf, flag, p } from './common.js';
import type { Node } from '../../ir/graph.js';

/** Format parameters of a two-input core (as src/emit/ops/eltwise.ts `joinFormats`). */
export function joinFormats(n: Node, ins: readonly Node[]): Record<string, number> {
  const [a, b] = [fmtOf(ins[0]!), fmtOf(ins[1]!)];
  const o = fmtOf(n);
  return { AW: a.width, ASigned: flag(a.signed), AFrac: a.frac, BW: b.width, BSigned: flag(b.signed), BFrac: b.frac, OutW: o.width, OutSigned: flag(o.signed), OutFrac: o.frac };
}

/** A two-input core's model: aligned-operand bits per lane (plus products for a multiplier). */
export function joinCore(kind: 'add' | 'mul' | 'concat'): CoreModel {
  return {
    doc: kind === 'mul' ? 'product bit-products and DSP blocks per lane, requant bits per lane' : 'aligned operand and requant bits per lane, channel counter',
    features: (x) => {
      const par = p(x, 'Par');
      const [a, b] = [p(x, 'AW') + 1, p(x, 'BW') + 1];
      const frac = Math.max(p(x, 'AFrac'), p(x, 'BFrac'));
      const aligned = Math.max(a - p(x, 'AFrac'), b - p(x, 'BFrac')) + frac + 1;
      return {
        laneBits: par * ((kind === 'mul' ? a + b : aligned) + p(x, 'OutW')),
        ...(kind === 'mul' ? { mulBits: par * a * b, dspMul: par * dspBlocks(a, b) } : {}),
        ...(kind === 'concat' ? { ctl: clog2((p(x, 'ChannelsA') + p(x, 'ChannelsB')) / Math.max(1, par)) } : {}),
        one: 1,
      };
    },
    memories: () => [],
  };
}
