/**
 * Operations per inference of every IR op kind, for the analytic 45 nm model
 * (./energy-models.ts, ANALYTIC_45NM): binary MACs, multiplies and adds with their operand
 * widths, and on-chip memory bits moved. A registry over every op kind, so a new op does not
 * compile until it says what it costs. Registers, per-channel parameter tables and wires are
 * not counted; ops that only move or regroup data (fork, concat, dwc) count nothing.
 */
import { signedBitsFor } from '../ir/fixed.js';
import { elements, type Node, type OpKind, type Vec } from '../ir/graph.js';

/** Operations of one node per inference. */
export interface OpCounts {
  /** Binary multiply-accumulates (XNOR + popcount share). */
  readonly bops: number;
  /** Multiplies: [count, a bits, b bits]. */
  readonly mults: readonly (readonly [number, number, number])[];
  /** Adds (and compares): [count, bits]. */
  readonly adds: readonly (readonly [number, number])[];
  /** On-chip memory bits read or written (weights, FIFOs, line buffers, tables). */
  readonly memBits: number;
}

/** Stream element width in bits (1 for binary). */
export function widthOf(n: Node): number {
  return n.elem.kind === 'fix' ? n.elem.fmt.width : 1;
}

/** Signed width of a vector of integer codes (`fallback` when absent or empty). */
function vecBits(v: Vec | undefined, fallback: number): number {
  if (!v || v.length === 0) return fallback;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]!);
    hi = Math.max(hi, v[i]!);
  }
  return signedBitsFor(lo, hi);
}

const NONE: OpCounts = { bops: 0, mults: [], adds: [], memBits: 0 };
/** Output pixels per frame (H x W). */
const pixels = (n: Node) => n.shape[1] * n.shape[2];

type Counter<K extends OpKind> = (n: Extract<Node, { kind: K }>, ins: readonly Node[]) => OpCounts;

/** Per op kind: operations per inference. */
export const OP_COUNTS: { readonly [K in OpKind]: Counter<K> } = {
  input: () => NONE,
  output: () => NONE,
  fork: () => NONE,
  concat: () => NONE,
  dwc: () => NONE,
  // Pre-lowering kinds never reach hardware graphs; they cost what their lowered forms cost.
  conv: () => NONE,
  bias: () => NONE,
  sign: () => NONE,
  batchnorm: () => NONE,
  prelu: () => NONE,
  fifo: (n) => ({ ...NONE, memBits: 2 * elements(n) * widthOf(n) }), // each element written and read once
  window: (n, ins) => ({ ...NONE, memBits: (elements(ins[0]!) + elements(n)) * widthOf(n) }), // line buffer: written once, read per tap
  mvau: (n, ins) => {
    const macs = n.rows * n.cols * pixels(n);
    if (n.mode === 'xnor') return { bops: macs, mults: [], adds: [], memBits: macs };
    const w = n.q?.wFmt.width ?? 8;
    const acc = n.q?.accWidth ?? widthOf(n);
    return { bops: 0, mults: [[macs, w, widthOf(ins[0]!)]], adds: [[macs, acc]], memBits: macs * w };
  },
  fc: (n, ins) => {
    const macs = n.inFeatures * n.outFeatures;
    const w = n.q?.wFmt.width ?? 8;
    return { bops: 0, mults: [[macs, w, widthOf(ins[0]!)]], adds: [[macs + n.outFeatures, n.q?.accWidth ?? widthOf(n)]], memBits: macs * w };
  },
  affine: (n, ins) => {
    const e = elements(n);
    const zw = n.q?.zWidth ?? widthOf(n);
    const slope = n.q?.slope ? [[e, zw, vecBits(n.q.slope, 8)] as const] : [];
    return { bops: 0, mults: [[e, widthOf(ins[0]!), vecBits(n.q?.mul, 8)], ...slope], adds: [[e, zw]], memBits: 0 };
  },
  threshold: (n, ins) => ({ ...NONE, adds: [[elements(n), widthOf(ins[0]!) + 1]] }),
  gate: (n, ins) => {
    const e = elements(n);
    return { bops: 0, mults: [[e, widthOf(ins[0]!), widthOf(ins[1]!)], [e, n.q?.prodWidth ?? widthOf(n), vecBits(n.q?.scale, 8)]], adds: [[e, widthOf(n)]], memBits: 0 };
  },
  mix: (n, ins) => {
    const e = elements(n);
    const l = (n.q?.lambdaFrac ?? 8) + 1;
    return { bops: 0, mults: [[e, widthOf(ins[0]!), l], [e, widthOf(ins[1]!), l]], adds: [[e, widthOf(n) + l]], memBits: 0 };
  },
  mul: (n, ins) => ({ ...NONE, mults: [[elements(n), widthOf(ins[0]!), widthOf(ins[1]!)]] }),
  add: (n) => ({ ...NONE, adds: [[elements(n), widthOf(n)]] }),
  avgpool: (n, ins) => ({ ...NONE, adds: [[3 * elements(n), widthOf(ins[0]!) + 2]], memBits: 2 * elements(ins[0]!) * widthOf(ins[0]!) }),
  maxpool: (n, ins) => ({ ...NONE, adds: [[(n.kernel * n.kernel - 1) * elements(n), widthOf(ins[0]!)]], memBits: 2 * elements(ins[0]!) * widthOf(ins[0]!) }),
  gap: (n, ins) => ({ ...NONE, adds: [[elements(ins[0]!), n.q?.sumWidth ?? widthOf(ins[0]!) + 8]], mults: [[n.shape[0], n.q?.sumWidth ?? 16, 16]] }),
  sigmoid: (n) => ({ ...NONE, memBits: elements(n) * widthOf(n) }), // one table read per element
};

/** Operations of a node (dispatch through the registry). */
export function opCounts(n: Node, ins: readonly Node[]): OpCounts {
  return (OP_COUNTS[n.kind] as (n: Node, ins: readonly Node[]) => OpCounts)(n, ins);
}
