/**
 * Reference semantics of one op kind, in both interpretations. Values are whole per-frame
 * tensors in C-order [C][H][W] as Float64Array: real numbers in the float interpretation, integer
 * codes of the edge's fixed-point format in the integer interpretation (exact below 2^53).
 * Binary edges carry -1 / +1 (and 0 for PyTorch's sign(0) or a padding tap).
 */
import type { Node, NodeOf, OpKind } from '../../ir/graph.js';

/** Inputs to an op: the producer nodes and their values. */
export interface OpInputs {
  readonly nodes: readonly Node[];
  readonly values: readonly Float64Array[];
}

/** Semantics of one op kind. */
export interface RefOp<K extends OpKind> {
  /** Float interpretation (PyTorch semantics). */
  float(n: NodeOf<K>, ins: OpInputs): Float64Array;
  /** Integer interpretation: exactly what the RTL computes. Throws for ops that exist only before quantization. */
  int(n: NodeOf<K>, ins: OpInputs): Float64Array;
}

/** For op kinds removed by folding passes before quantization. */
export function notInHardware(kind: string): never {
  throw new Error(`internal: '${kind}' has no integer semantics; run the folding passes and quantize first`);
}

/** Maps f over one input, element by element with its channel index. */
export function perElement(n: Node, x: Float64Array, f: (v: number, c: number) => number): Float64Array {
  const [c, h, w] = n.shape;
  const hw = h * w;
  const out = new Float64Array(c * hw);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < hw; i++) out[ch * hw + i] = f(x[ch * hw + i]!, ch);
  return out;
}

/** The fixed-point format of a node's output, or an internal error. */
export function fmtOf(n: Node) {
  if (n.elem.kind !== 'fix') throw new Error(`internal: ${n.id} is not fixed point (${n.elem.kind})`);
  return n.elem.fmt;
}

/** Quantized parameters of a node, or an internal error. */
export function qOf<T>(n: { id: string; q?: T }): T {
  if (!n.q) throw new Error(`internal: ${n.id} has no quantized parameters; run quantize first`);
  return n.q;
}
