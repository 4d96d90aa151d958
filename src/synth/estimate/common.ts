/** Helpers shared by the per-op parts of the resource model. */
import type { FixFormat } from '../../ir/fixed.js';
import type { Node } from '../../ir/graph.js';

/** ceil(log2(n)), at least 1: the width of a counter over n states. */
export function clog2(n: number): number {
  return n > 1 ? Math.ceil(Math.log2(n)) : 1;
}

/** The fixed-point format of a quantized node (the model only sees quantized graphs). */
export function fmtOf(n: Node): FixFormat {
  if (n.elem.kind !== 'fix') throw new Error(`internal: ${n.id} is ${n.elem.kind}, expected fixed point`);
  return n.elem.fmt;
}

/** The quantized parameters of a node, or an internal error. */
export function qOf<T>(n: { id: string; q?: T }): T {
  if (!n.q) throw new Error(`internal: ${n.id} has no quantized parameters`);
  return n.q;
}

/** 1 / 0 for a Verilog integer flag. */
export const flag = (b: boolean): number => (b ? 1 : 0);

/** A required parameter of a core instance (0 when absent, so a hand-edited top never crashes the model). */
export function p(params: Readonly<Record<string, number>>, name: string): number {
  return params[name] ?? 0;
}

/**
 * DSP48E1 blocks of a signed a x b multiplier as Yosys maps it on xilinx: 25 x 18 signed slices,
 * products of 2-bit or narrower operands stay in LUTs.
 */
export function dspBlocks(a: number, b: number): number {
  const [x, y] = a >= b ? [a, b] : [b, a];
  if (y <= 2) return 0;
  return Math.ceil((x - 1) / 24) * Math.ceil((y - 1) / 17);
}

/**
 * DSP48E1 blocks of an unsigned a x b product kept to its low `out` bits, as Yosys splits it: A in
 * 24-bit and B in 17-bit unsigned chunks, one block per pair of chunks that reaches below `out`.
 */
export function dspBlocksTruncated(a: number, b: number, out: number): number {
  let n = 0;
  for (let i = 0; i * 24 < a; i++) for (let j = 0; j * 17 < b; j++) if (i * 24 + j * 17 < out) n++;
  return n;
}
