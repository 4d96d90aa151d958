/**
 * What every op kind must define: its shape rule, its constraints (including folding) and its
 * analytic cycle model. The registry in ./index.ts is a Record<OpKind, OpInfo>, so a new op does
 * not compile until it has all three.
 */
import type { Shape3 } from '../../dsl/network.js';
import type { Elem, Node, NodeOf, OpKind } from '../graph.js';

/** Definition of one op kind. */
export interface OpInfo<K extends OpKind> {
  /** One-line meaning, shown by `bnext-rtl ir --ops`. */
  readonly summary: string;
  /** Number of inputs, or 'many' (>= 2). */
  readonly arity: number | 'many';
  /** Expected output shape given the inputs. */
  shape(n: NodeOf<K>, ins: readonly Node[]): Shape3;
  /** Constraint violations (empty when legal): element types, parameter lengths, folding. */
  check(n: NodeOf<K>, ins: readonly Node[]): string[];
  /** Cycles per frame in steady state with no stalls. */
  cycles(n: NodeOf<K>, ins: readonly Node[]): number;
}

/** Beats per frame of a node's output stream. */
export function beats(n: Node): number {
  return (n.shape[0] / n.par) * n.shape[1] * n.shape[2];
}

/** Common check: the stream parallelism divides the channel count. */
export function parDivides(n: Node): string[] {
  return n.shape[0] % n.par === 0 && n.par >= 1 ? [] : [`par ${n.par} does not divide ${n.shape[0]} channels`];
}

/** Common check: a per-channel vector has C entries. */
export function perChannel(name: string, v: { length: number } | undefined, c: number): string[] {
  return v === undefined || v.length === c ? [] : [`${name} has ${v.length} entries, expected ${c}`];
}

/** Element kind of a node. */
export function elemKind(n: Node): Elem['kind'] {
  return n.elem.kind;
}

/** Common check: element kinds of inputs. */
export function inputKinds(ins: readonly Node[], allowed: readonly Elem['kind'][]): string[] {
  return ins.flatMap((i, k) => (allowed.includes(i.elem.kind) ? [] : [`input ${k} (${i.id}) is ${i.elem.kind}, expected ${allowed.join(' or ')}`]));
}

/** Same shape as input 0. */
export function sameShape(_n: Node, ins: readonly Node[]): Shape3 {
  return ins[0]!.shape;
}

/** Streaming element-wise cycle model: the larger of input and output beats. */
export function streamCycles(n: Node, ins: readonly Node[]): number {
  return Math.max(beats(n), ...ins.map(beats));
}
