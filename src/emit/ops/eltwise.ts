/** mul, add -> templates/cores/eltwise_mul.v, eltwise_add.v (and the format parameters every two-input core shares) */
import type { Node } from '../../ir/graph.js';
import type { Instance, OpBinding } from '../types.js';
import { flag, fmt } from './common.js';

/** Formats of a two-input core: input a, input b, output. */
export function joinFormats(n: Node, ins: readonly Node[]): Record<string, number> {
  const [a, b] = [fmt(ins[0]!), fmt(ins[1]!)];
  const o = fmt(n);
  return {
    AW: a.width,
    ASigned: flag(a.signed),
    AFrac: a.frac,
    BW: b.width,
    BSigned: flag(b.signed),
    BFrac: b.frac,
    OutW: o.width,
    OutSigned: flag(o.signed),
    OutFrac: o.frac,
  };
}

function join(module: string, n: Node, ins: readonly Node[]): Instance {
  return { module, params: { Par: n.par, ...joinFormats(n, ins) }, inputs: ['a', 'b'], output: 'out', uses: ['requant', 'skid_buffer'] };
}

/** Binds the `mul` op to the eltwise_mul core. */
export const mul: OpBinding<'mul'> = (n, ins) => join('eltwise_mul', n, ins);
/** Binds the `add` op to the eltwise_add core. */
export const add: OpBinding<'add'> = (n, ins) => join('eltwise_add', n, ins);
