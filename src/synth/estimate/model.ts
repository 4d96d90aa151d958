/**
 * The design-level estimate used by `generate` (folding under a LUT budget, the manifest's LUT and
 * memory figures): LUTs from the calibrated model (src/synth/estimate/index.ts, xilinx LUT6) and
 * memory as the bits each op stores (weights, line buffers, FIFOs, tables), wherever the synthesis
 * tool puts them.
 */
import type { Graph, Node } from '../../ir/graph.js';
import { estimateCore, estimateResources, nodeCore } from './index.js';
import { DEFAULT_EXT_MEM_LATENCY } from '../../emit/ops/plumbing.js';

/** Estimated LUTs and stored bits of one node. */
export interface NodeEstimate {
  /** LUT6 (xilinx calibration). */
  readonly luts: number;
  /** Memory bits: weight ROMs, line buffers, FIFOs, tables. */
  readonly memBits: number;
}

function fmtWidth(n: Node): number {
  return n.elem.kind === 'fix' ? n.elem.fmt.width : 1;
}

/** Memory bits a node stores. */
function memBits(n: Node, ins: readonly Node[]): number {
  switch (n.kind) {
    case 'mvau':
      return n.rows * n.cols * (n.mode === 'xnor' ? 1 : (n.q?.wFmt.width ?? 8));
    case 'window':
      return (n.kernel + n.stride) * ins[0]!.shape[2] * ins[0]!.shape[0] * fmtWidth(ins[0]!);
    case 'fifo':
      return n.depth * n.par * fmtWidth(n);
    case 'avgpool':
    case 'maxpool':
      return 2 * ins[0]!.shape[2] * n.shape[0] * fmtWidth(n);
    case 'fc':
      return n.inFeatures * n.outFeatures * (n.q?.wFmt.width ?? 8);
    case 'sigmoid':
      return (n.q?.lut.length ?? 0) * fmtWidth(n);
    default:
      return 0;
  }
}

/** Estimate of one node on its own (a fork is taken to have two consumers). */
export function estimateNode(n: Node, ins: readonly Node[]): NodeEstimate {
  const shape = nodeCore(n, ins, { consumers: 2, extMemThresholdBits: 0, weightsMode: 'rom', extMemLatency: DEFAULT_EXT_MEM_LATENCY });
  return { luts: shape ? estimateCore(shape, 'xilinx').luts : 0, memBits: memBits(n, ins) };
}

/** Sum over a graph, and per node. */
export function estimateGraph(g: Graph): { total: NodeEstimate; nodes: Map<string, NodeEstimate> } {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const r = estimateResources(g, { target: 'xilinx' });
  const nodes = new Map<string, NodeEstimate>();
  let luts = 0;
  let bits = 0;
  for (const n of g.nodes) {
    const e = { luts: r.nodes.get(n.id)!.luts, memBits: memBits(n, n.inputs.map((i) => byId.get(i)!)) };
    nodes.set(n.id, e);
    luts += e.luts;
    bits += e.memBits;
  }
  return { total: { luts, memBits: bits }, nodes };
}
