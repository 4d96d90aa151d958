/**
 * Executes an IR graph on one image, node by node in topological order, in the float
 * interpretation (PyTorch semantics) or the integer interpretation (bit-exact RTL semantics).
 * Intermediate values can be observed for diagnosis (FINN's verify_steps).
 */
import { fail } from '../diag.js';
import { dequantize, quantize } from '../ir/fixed.js';
import type { Graph, Node } from '../ir/graph.js';
import type { Tensor } from '../tensor.js';
import { REF_OPS } from './ops/index.js';
import type { RefOp } from './ops/types.js';
import { fusable, xnorConv } from './xnor-conv.js';

/** Which interpretation to run. */
export type Interpretation = 'float' | 'int';

/** Options of {@link interpret}. */
export interface InterpretOptions {
  /** Called with every node's output (real values, or integer codes in 'int'). */
  readonly onNode?: (node: Node, value: Float64Array) => void;
  /** Drop values once their last consumer has run (default true; false keeps all for tests). */
  readonly release?: boolean;
  /**
   * Layer-boundary substitution: when a node reads a producer from another DSL layer and this
   * returns a value, the node reads that value instead (the quant report feeds each layer the
   * quantized float values of its inputs, to measure the layer's own error).
   */
  readonly boundary?: (producer: Node) => Float64Array | undefined;
}

/** Result of one frame. */
export interface InterpretResult {
  /** Logits as real numbers (dequantized in 'int'). */
  readonly logits: Float64Array;
  /** Integer codes of the logits ('int' only). */
  readonly codes?: Float64Array;
}

/** Runs one [3,H,W] image through the graph. */
export function interpret(g: Graph, image: Tensor, mode: Interpretation, opts: InterpretOptions = {}): InterpretResult {
  const inputNode = g.nodes.find((n) => n.kind === 'input');
  const outputNode = g.nodes.find((n) => n.kind === 'output');
  if (!inputNode || !outputNode) return fail('E_IR', `graph ${g.name} lacks an input or output node`);
  if (image.shape.join('x') !== inputNode.shape.join('x'))
    fail('E_SHAPE', `image is ${image.shape.join('x')}, the network expects ${inputNode.shape.join('x')}`, { field: 'input' });
  let img = Float64Array.from(image.data);
  if (mode === 'int') {
    if (inputNode.elem.kind !== 'fix') return fail('E_IR', `graph ${g.name} is not quantized; run the quantize pass first`);
    const f = inputNode.elem.fmt;
    img = img.map((v) => quantize(v, f));
  }
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  // Windows read only by XNOR MVAUs are not materialized: the MVAU convolves the window's input
  // map directly (bit-packed). Their values are then not reported to onNode.
  const readers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const p of n.inputs) readers.set(p, [...(readers.get(p) ?? []), n]);
  const skipped = new Set(
    g.nodes.filter((n) => n.kind === 'window' && (readers.get(n.id) ?? []).every((r) => fusable(n, r)) && !opts.boundary).map((n) => n.id),
  );
  const lastUse = new Map<string, number>();
  g.nodes.forEach((n, i) =>
    n.inputs.forEach((p) => {
      lastUse.set(p, i);
      if (skipped.has(p)) lastUse.set(byId.get(p)!.inputs[0]!, i);
    }),
  );
  const vals = new Map<string, Float64Array>();
  g.nodes.forEach((n, i) => {
    if (skipped.has(n.id)) return;
    if (n.kind === 'mvau' && n.mode === 'xnor' && fusable(byId.get(n.inputs[0]!), n) && (skipped.has(n.inputs[0]!) || byId.get(n.inputs[0]!)!.kind !== 'window') && !opts.boundary) {
      const src = byId.get(n.inputs[0]!)!;
      const win = src.kind === 'window' ? src : undefined;
      const mapNode = win ? byId.get(win.inputs[0]!)! : src;
      const v = xnorConv(n, win?.kernel ?? 1, win?.stride ?? 1, mapNode.shape, vals.get(mapNode.id)!, mode === 'int');
      vals.set(n.id, v);
      opts.onNode?.(n, v);
      if (opts.release !== false) for (const p of [...n.inputs, mapNode.id]) if (lastUse.get(p) === i) vals.delete(p);
      return;
    }
    const read = (p: string): Float64Array => {
      const prod = byId.get(p)!;
      return (opts.boundary && prod.layer !== n.layer ? opts.boundary(prod) : undefined) ?? vals.get(p)!;
    };
    const ins = n.kind === 'input' ? { nodes: [], values: [img] } : { nodes: n.inputs.map((p) => byId.get(p)!), values: n.inputs.map(read) };
    const op = REF_OPS[n.kind] as RefOp<typeof n.kind>;
    const v = mode === 'float' ? op.float(n as never, ins) : op.int(n as never, ins);
    vals.set(n.id, v);
    opts.onNode?.(n, v);
    if (opts.release !== false) for (const p of n.inputs) if (lastUse.get(p) === i) vals.delete(p);
  });
  const out = vals.get(outputNode.id)!;
  if (mode === 'float') return { logits: out };
  const f = outputNode.elem.kind === 'fix' ? outputNode.elem.fmt : undefined;
  if (!f) return fail('E_IR', 'output node is not fixed point');
  return { logits: out.map((q) => dequantize(q, f)), codes: out };
}
