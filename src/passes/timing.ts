/**
 * A steady-state timing model of a folded streaming graph: for every node, when (in cycles after
 * the frame's first input beat) its output stream carries the frame's first and last beat, with
 * frames entering every `period` cycles (the slowest node's cycles per frame). It serves two
 * purposes: FIFO depths at joins whose branches differ by more than a frame, and the latency
 * figure of the design manifest.
 *
 * Rules (per node, from its inputs' spans):
 * - a stream op (element-wise, FIFO, width converter, fork, concat, threshold, affine) starts one
 *   cycle after its latest input starts and ends no earlier than its latest input ends, nor earlier
 *   than its own cycles per frame after it started;
 * - a sliding window (or a pool) starts when the input rows its first output row needs are in:
 *   Kernel - Pad rows of the input's span (2 rows for a 2x2 pool);
 * - an MVAU starts once its first input pixel is in;
 * - a GAP starts after its whole input frame (a barrier); an FC and a vector mix after their whole
 *   input vector;
 * - the SE gate starts once its gate vector (inputs[1]) has ended and its map has started.
 * The model is what it is: measured against Verilator it is a planning figure (see the tests).
 */
import type { Graph, Node } from '../ir/graph.js';
import { OPS } from '../ir/ops/index.js';

/** First and last output beat of a frame, cycles after the frame's first input beat. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Timing of a whole graph. */
export interface GraphTiming {
  /** Cycles between frames: the slowest node's cycles per frame. */
  readonly period: number;
  /** Every node's output span for frame 0. */
  readonly spans: ReadonlyMap<string, Span>;
  /** Cycles from the first input beat to the last output beat of a frame. */
  readonly latency: number;
}

/** Fraction of a span after which the first `rows` of `height` rows are in. */
function rowsIn(s: Span, rows: number, height: number): number {
  return s.start + ((s.end - s.start) * Math.min(rows, height)) / Math.max(1, height);
}

/** The spans of every node of `g` (nodes in dataflow order, as every pass keeps them). */
export function graphTiming(g: Graph): GraphTiming {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const cycles = new Map<string, number>();
  for (const n of g.nodes) cycles.set(n.id, OPS[n.kind].cycles(n as never, n.inputs.map((i) => byId.get(i)!) as never));
  const period = Math.max(1, ...cycles.values());
  const spans = new Map<string, Span>();
  for (const n of g.nodes) {
    const ins = n.inputs.map((i) => spans.get(i)!);
    const own = cycles.get(n.id)!;
    const first = ins[0];
    let start: number;
    if (!first) start = 0;
    else start = startOf(n, ins, byId.get(n.inputs[0]!)!);
    const inEnd = ins.length ? Math.max(...ins.map((s) => s.end)) : 0;
    // The network input arrives at the bottleneck's rate in steady state.
    const end = n.kind === 'input' ? period : Math.max(inEnd, start + own);
    spans.set(n.id, { start, end });
  }
  const out = g.nodes.find((n) => n.kind === 'output');
  return { period, spans, latency: out ? spans.get(out.id)!.end : 0 };
}

function startOf(n: Node, ins: readonly Span[], in0: Node): number {
  const latestStart = Math.max(...ins.map((s) => s.start));
  switch (n.kind) {
    case 'window':
      return rowsIn(ins[0]!, n.kernel - n.pad, in0.shape[1]) + 1;
    case 'maxpool':
      return rowsIn(ins[0]!, n.kernel - n.pad, in0.shape[1]) + 1;
    case 'avgpool':
      return rowsIn(ins[0]!, 2, in0.shape[1]) + 1;
    case 'mvau':
      // the first output pixel's input beats (a window's beats or a map's pixel)
      return rowsIn(ins[0]!, 1, in0.shape[1] * in0.shape[2]) + 1;
    case 'gap':
    case 'fc':
    case 'mix':
      return Math.max(...ins.map((s) => s.end)) + 1;
    case 'gate':
      return Math.max(ins[0]!.start, ins[1]!.end) + 1;
    default:
      return latestStart + 1;
  }
}

/**
 * Most beats that wait in a FIFO between a producer of span `p` and a consumer of span `c` (both
 * repeating every `period` cycles, `beats` per frame, uniform within a span): the largest excess
 * of arrivals over departures. Piecewise linear, so the maximum is at a breakpoint.
 */
export function peakOccupancy(p: Span, c: Span, period: number, beats: number): number {
  const frames = Math.ceil((c.end - p.start) / period) + 2;
  const done = (s: Span, t: number): number => {
    let sum = 0;
    for (let m = 0; m < frames; m++) {
      const t0 = s.start + m * period;
      const len = Math.max(1, s.end - s.start);
      sum += Math.min(1, Math.max(0, (t - t0) / len));
    }
    return sum * beats;
  };
  let peak = 0;
  for (let m = 0; m < frames; m++)
    for (const t of [p.start, p.end, c.start, c.end]) {
      const at = t + m * period;
      peak = Math.max(peak, done(p, at) - done(c, at));
    }
  return peak;
}
