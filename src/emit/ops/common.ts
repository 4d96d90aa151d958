/** Small helpers shared by the op bindings. */
import type { FixFormat } from '../../ir/fixed.js';
import type { Node } from '../../ir/graph.js';

/** The fixed-point format of a node's output; the emitter only sees quantized graphs. */
export function fmt(n: Node): FixFormat {
  if (n.elem.kind !== 'fix') throw new Error(`internal: ${n.id} is ${n.elem.kind}, expected fixed point`);
  return n.elem.fmt;
}

/** 1 / 0 for Verilog integer flags. */
export const flag = (b: boolean): number => (b ? 1 : 0);

/** The quantized parameters of a node, or an internal error. */
export function q<T>(n: { id: string; q?: T }): T {
  if (!n.q) throw new Error(`internal: ${n.id} has no quantized parameters`);
  return n.q;
}

/** File-name stem for a node's memory files. */
export function memStem(n: Node): string {
  return n.id.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
}

/** Bindings for op kinds that only exist before folding/quantization. */
export function notEmittable(kind: string): never {
  throw new Error(`internal: '${kind}' cannot be emitted; run the folding passes and quantize first`);
}
