/**
 * Pass `size-fifos`: FIFOs that make the streaming pipeline deadlock-free and let it reach the
 * slowest layer's rate.
 *
 * The SE gate of every module needs the global average of the whole map before its first gated
 * output (BNEXT.md section 8). Each node is given a barrier count: a GAP emits only after its whole
 * input frame (count + 1); any other op emits as its inputs arrive (the maximum of its inputs).
 * Where a join (gate, add, mul, concat, mix) reads inputs of different counts, the earlier input
 * must be held for a whole frame while the later one is computed: a FIFO of one frame of that
 * stream (plus slack for pipeline latency) goes on that edge. This is the on-chip buffering of the
 * map (BUDGETS.md: "module inputs"); its size is reported in the design manifest.
 * Joins of equal counts still differ in latency: a sliding window emits row r only after input
 * row r + pad has arrived, and a pool after its last window row. Every node carries a row lag (rows
 * of its own output map by which its stream trails the network input); at a join, each input gets
 * a FIFO of (max lag - its lag + 2) rows of its stream, so the leading branch can run ahead while
 * the lagging one fills (the ELM product of y and its residual, the concat of FFN_1 and FFN_2).
 * A join of vectors (the lambda mix of GAP(x) and GAP(y) before the SE branch) gets a FIFO of one
 * vector on each input: a GAP stops taking input while its result waits, so without it GAP(x)
 * (ready when the module's input frame ends) held up the module's input until GAP(y) arrived,
 * about two map rows later (measured: 39,180 cycles per frame instead of 36,864 on a stem plus one
 * FFN_3x3 module at 32x32, and likewise in every module of BNext-Tiny).
 */
import type { FifoNode, Graph, Node } from '../ir/graph.js';
import { graphTiming, peakOccupancy } from './timing.js';
import { withNodes } from './util.js';

/** Beats a full frame of a node's stream takes. */
export function frameBeats(n: Node): number {
  return (n.shape[0] / n.par) * n.shape[1] * n.shape[2];
}

/** Slack beats added to every frame FIFO (pipeline latency of the slower branch). */
export const FIFO_SLACK = 32;

/** Slack beats of a vector FIFO at a join (the producer's output pipeline). */
export const VECTOR_SLACK = 2;

/**
 * Frames a barrier FIFO holds. Exactly one frame deadlocks nothing but makes the producer wait
 * while the previous frame drains (measured: a 4096-cycle design ran at 4316 cycles per frame);
 * a quarter frame more lets consecutive frames overlap (4132 cycles per frame, within 1 %).
 */
export const FRAME_FIFO_FRAMES = 1.25;

/**
 * Maps of at most this many rows fit whole in a sliding window's line buffer (Kernel + Stride rows),
 * so a window's first output waits for the whole frame and branches trail by whole frames: their
 * barrier FIFOs hold {@link SMALL_MAP_FIFO_FRAMES} frames (cheap: these maps are small). Measured on
 * BNext-Tiny@32 (18,432 modelled cycles per frame): 1.25 frames everywhere gave 23,123; the timing
 * model's depths alone 19,909; 2.25 frames on every barrier FIFO 18,432.
 */
export const SMALL_MAP_ROWS = 4;
/** Frames a barrier FIFO of a small map holds (see {@link SMALL_MAP_ROWS}). */
export const SMALL_MAP_FIFO_FRAMES = 2.25;

/** Inserts the FIFOs. */
export function sizeFifos(g: Graph): Graph {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const timing = graphTiming(g);
  const barrier = new Map<string, number>();
  const lag = new Map<string, number>();
  /** Row lag of producer p expressed in rows of a map of height h. */
  const lagIn = (p: Node, h: number): number => (p.shape[1] > 1 ? ((lag.get(p.id) ?? 0) * h) / p.shape[1] : 0);
  const out: Node[] = [];
  for (const n of g.nodes) {
    const counts = n.inputs.map((i) => barrier.get(i) ?? 0);
    const top = counts.length ? Math.max(...counts) : 0;
    barrier.set(n.id, n.kind === 'gap' ? top + 1 : top);
    const ins = n.inputs.map((i) => byId.get(i)!);
    const h = n.shape[1];
    const lags = ins.map((p) => lagIn(p, h));
    let own = lags.length ? Math.max(...lags) : 0;
    if (n.kind === 'window') own = ((lag.get(ins[0]!.id) ?? 0) + n.pad + 1) * (h / ins[0]!.shape[1]);
    if (n.kind === 'avgpool' || n.kind === 'maxpool') own = ((lag.get(ins[0]!.id) ?? 0) + 2) * (h / ins[0]!.shape[1]);
    lag.set(n.id, h > 1 ? own : 0);
    const join = n.inputs.length >= 2;
    // An MVAU reads a pixel's SF input beats in a burst, then replays them for its other neuron
    // folds; a FIFO of two pixels lets its producer run ahead meanwhile (a sliding window that
    // waits for the burst restarts with a few cycles of pipeline latency per pixel: measured 7 per
    // pixel on a 3-channel stem, 19 % of its rate).
    const burst = n.kind === 'mvau' && n.rows > n.pe ? 2 * (n.cols / n.simd) + 2 : 0;
    const inputs = n.inputs.map((id, i) => {
      if (!join && !burst) return id;
      const p = ins[i]!;
      const rowBeats = (p.shape[0] / p.par) * p.shape[2];
      const rule = burst
        ? burst
        : counts[i]! < top
          ? Math.ceil((p.shape[1] <= SMALL_MAP_ROWS ? SMALL_MAP_FIFO_FRAMES : FRAME_FIFO_FRAMES) * frameBeats(p)) + FIFO_SLACK
          : p.shape[1] > 1
            ? Math.min(frameBeats(p), Math.ceil(own - lags[i]! + 2) * rowBeats) + FIFO_SLACK
            : frameBeats(p) + VECTOR_SLACK;
      // The rules above assume the late branch trails by about a frame. On small maps it trails by
      // more (a window needs the whole 2x2 map, then the MVAU takes its frame, then the SE chain):
      // the steady-state timing model says how many beats really wait (measured on BNext-Tiny@32
      // at 18,432 modelled cycles per frame: 23,123 with the rules alone, 18,432 with 2.25-frame FIFOs).
      const waiting = join ? Math.ceil(peakOccupancy(timing.spans.get(id)!, timing.spans.get(n.id)!, timing.period, frameBeats(p))) + FIFO_SLACK : 0;
      const depth = Math.max(rule, waiting > frameBeats(p) + FIFO_SLACK ? waiting : 0);
      if (!depth) return id;
      const f: FifoNode = {
        kind: 'fifo',
        id: `${n.id}_fifo${i}`,
        inputs: [id],
        shape: p.shape,
        elem: p.elem,
        par: p.par,
        layer: n.layer,
        ...(n.loc ? { loc: n.loc } : {}),
        depth,
        ...(p.kind === 'window' ? { padFlag: true } : {}),
      };
      out.push(f);
      barrier.set(f.id, counts[i]!);
      lag.set(f.id, lag.get(id) ?? 0);
      return f.id;
    });
    out.push(inputs.some((x, i) => x !== n.inputs[i]) ? ({ ...n, inputs } as Node) : n);
  }
  return withNodes(g, out, 'size-fifos');
}
