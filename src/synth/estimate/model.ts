/**
 * A first analytic resource model, used by folding under a LUT budget and reported in design
 * manifests. MVAU cost per binary MAC per cycle is the measured figure of this project's
 * mvau_xnor at MW 576, MH 64, PE 8, SIMD 64 on Yosys 0.23 synth_xilinx (2.1 LUT6, of which 1.34
 * is the popcount trees); memories are counted exactly in bits. Calibration against synthesis per
 * op is the job of `bnext-rtl synth` (issue: Yosys synthesis export).
 */
import type { Graph, Node } from '../../ir/graph.js';

/** LUT6 per binary MAC per cycle of an XNOR MVAU (measured, see the file comment). */
export const LUT_PER_BINARY_MAC = 2.1;
/** LUT6 per integer multiply-accumulate bit-product (a rough figure for small multipliers). */
export const LUT_PER_INT_MAC_BIT = 0.6;
/** LUT6 per lane of a streaming element-wise op (a rough figure). */
export const LUT_PER_LANE = 40;

/** Estimated resources of one node. */
export interface NodeEstimate {
  readonly luts: number;
  /** Memory bits: weight ROMs, line buffers, FIFOs, tables. */
  readonly memBits: number;
}

function fmtWidth(n: Node): number {
  return n.elem.kind === 'fix' ? n.elem.fmt.width : 1;
}

/** Estimate of one node. */
export function estimateNode(n: Node, ins: readonly Node[]): NodeEstimate {
  switch (n.kind) {
    case 'mvau': {
      const macs = n.pe * n.simd;
      const wBits = n.mode === 'xnor' ? 1 : (n.q?.wFmt.width ?? 8);
      const inBits = n.mode === 'xnor' ? 1 : fmtWidth(ins[0]!);
      return {
        luts: Math.round(n.mode === 'xnor' ? LUT_PER_BINARY_MAC * macs : LUT_PER_INT_MAC_BIT * macs * wBits * inBits),
        memBits: n.rows * n.cols * wBits,
      };
    }
    case 'window':
      return { luts: LUT_PER_LANE * n.par, memBits: (n.kernel + n.stride) * ins[0]!.shape[2] * ins[0]!.shape[0] * fmtWidth(ins[0]!) };
    case 'fifo':
      return { luts: 30, memBits: n.depth * n.par * fmtWidth(n) };
    case 'avgpool':
    case 'maxpool':
      return { luts: LUT_PER_LANE * n.par, memBits: 2 * ins[0]!.shape[2] * n.shape[0] * fmtWidth(n) };
    case 'fc':
      return { luts: LUT_PER_LANE * n.par, memBits: n.inFeatures * n.outFeatures * (n.q?.wFmt.width ?? 8) };
    case 'sigmoid':
      return { luts: 10 * n.par, memBits: (n.q?.lut.length ?? 0) * fmtWidth(n) };
    case 'input':
    case 'output':
    case 'fork':
      return { luts: 0, memBits: 0 };
    default:
      return { luts: LUT_PER_LANE * n.par, memBits: 0 };
  }
}

/** Sum over a graph, and per node. */
export function estimateGraph(g: Graph): { total: NodeEstimate; nodes: Map<string, NodeEstimate> } {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const nodes = new Map<string, NodeEstimate>();
  let luts = 0;
  let memBits = 0;
  for (const n of g.nodes) {
    const e = estimateNode(n, n.inputs.map((i) => byId.get(i)!));
    nodes.set(n.id, e);
    luts += e.luts;
    memBits += e.memBits;
  }
  return { total: { luts, memBits }, nodes };
}
