/**
 * The dataflow IR: plain readonly data. A graph of streaming hardware ops in topological order;
 * each node has one output stream (a node with several consumers is split by a `fork` before
 * emission), an element type and a source location from the DSL layer it came from.
 *
 * The IR has a float interpretation (src/ref/ir-float.ts) at every stage and, once the
 * `quantize` pass has run, an integer interpretation (src/ref/int) that is exactly what the RTL
 * computes. Each op kind's shape rules, constraints and cycle model live in src/ir/ops/<kind>.ts.
 */
import type { Shape3, SourceLoc } from '../dsl/network.js';
import type { FixFormat } from './fixed.js';

/** Element type of a stream. */
export type Elem =
  /** Real number (before quantization). */
  | { readonly kind: 'float' }
  /** One bit per element: 1 = +1, 0 = -1. (Float interpretation: -1, 0 or +1, as PyTorch sign.) */
  | { readonly kind: 'bin' }
  /** Fixed point. */
  | { readonly kind: 'fix'; readonly fmt: FixFormat };

/** Numeric vectors of per-channel or per-weight parameters. */
export type Vec = readonly number[] | Float64Array | Float32Array | Int32Array | Int8Array;

/** Fields every node has. */
export interface NodeBase {
  /** Unique id: `<layer>/<role>`, e.g. `feature.1.Attention/conv`. */
  readonly id: string;
  /** Producers, by id. */
  readonly inputs: readonly string[];
  /** Output shape per frame [C, H, W] (vectors are [C, 1, 1]). */
  readonly shape: Shape3;
  /** Output element type. */
  readonly elem: Elem;
  /** Output stream parallelism: elements per beat (divides the innermost streamed dimension). */
  readonly par: number;
  /** DSL layer this node implements. */
  readonly layer: string;
  readonly loc?: SourceLoc;
}

/** The network input image (quantized to a fixed-point format by `quantize`). */
export interface InputNode extends NodeBase {
  readonly kind: 'input';
}
/** The network output (logits), dequantized by the host. */
export interface OutputNode extends NodeBase {
  readonly kind: 'output';
}

/** Real or binary convolution before `split-conv` (no bias). Weights [Cout][Cin][k][k] flat. */
export interface ConvNode extends NodeBase {
  readonly kind: 'conv';
  readonly binary: boolean;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  /** Binary: sign(W) in {-1, 0, +1}; real: float weights. */
  readonly weight: Vec;
}

/** Per-channel additive bias (the `move` before sign), removed by `fold-sign-threshold`. */
export interface BiasNode extends NodeBase {
  readonly kind: 'bias';
  readonly bias: Vec;
}

/** sign(): float -> bin, removed by `fold-sign-threshold`. */
export interface SignNode extends NodeBase {
  readonly kind: 'sign';
}

/** Eval-mode BatchNorm as y = x*scale + shift, removed by `fold-bn-prelu`. */
export interface BatchNormNode extends NodeBase {
  readonly kind: 'batchnorm';
  readonly scale: Vec;
  readonly shift: Vec;
}

/** PReLU: x >= 0 ? x : slope*x, removed by `fold-bn-prelu`. */
export interface PreluNode extends NodeBase {
  readonly kind: 'prelu';
  readonly slope: Vec;
}

/** Quantized parameters of a threshold. */
export interface ThresholdQ {
  /** Per-channel integer thresholds in the input's code units: bit = (x >= t). */
  readonly t: Vec;
}
/** Binarize: out = (x >= t[c]) ? +1 : -1 (integer); float interpretation sign(x - t[c]). */
export interface ThresholdNode extends NodeBase {
  readonly kind: 'threshold';
  /** Real threshold per channel (= -move). */
  readonly t: Vec;
  readonly q?: ThresholdQ;
}

/** Quantized parameters of an affine. */
export interface AffineQ {
  /** Per-channel integer multiplier and offset: z = x*mul + add (in 2^-zFrac units). */
  readonly mul: Vec;
  readonly add: Vec;
  /** Fraction bits of z. */
  readonly zFrac: number;
  /** Negative-side slope code (2^-slopeFrac units), or absent for no PReLU. */
  readonly slope?: Vec;
  readonly slopeFrac: number;
  /** Width of the z accumulator (range analysis). */
  readonly zWidth: number;
}
/**
 * Per-channel two-slope affine: z = x*scale + shift; out = z >= 0 || !slope ? z : z*slope.
 * Covers BN, BN+PReLU (BN1+PReLU2), and PReLU alone (scale 1, shift 0).
 */
export interface AffineNode extends NodeBase {
  readonly kind: 'affine';
  readonly scale: Vec;
  readonly shift: Vec;
  readonly slope?: Vec;
  readonly q?: AffineQ;
}

/** Sliding window (im2col): patches in (ky, kx, c) order; taps outside the map are zero/pad. */
export interface WindowNode extends NodeBase {
  readonly kind: 'window';
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
}

/** Quantized MVAU parameters (integer mode). */
export interface MvauQ {
  /** Integer weight codes [rows][cols] flat, WeightW bits signed. */
  readonly w: Vec;
  readonly wFmt: FixFormat;
  /** Accumulator width from range analysis. */
  readonly accWidth: number;
}
/**
 * Matrix-vector unit over window patches: out[r] = sum_j W[r][j] * x[j]. `xnor`: weights and
 * activations +-1 (padding 0), computed as XNOR-popcount; `int`: multi-bit weights and activations.
 * Weights are [rows = Cout][cols = k*k*Cin] flat, columns in window order (ky, kx, c).
 */
export interface MvauNode extends NodeBase {
  readonly kind: 'mvau';
  readonly mode: 'xnor' | 'int';
  readonly rows: number;
  readonly cols: number;
  readonly weight: Vec;
  /** Output channels computed in parallel. */
  readonly pe: number;
  /** Input elements consumed per cycle. */
  readonly simd: number;
  readonly q?: MvauQ;
}

/** 2x2 average pool, stride 2 (floor). */
export interface AvgPoolNode extends NodeBase {
  readonly kind: 'avgpool';
}
/** Max pool (BNext-18 stem: 3x3 stride 2 padding 1, padding = -infinity). */
export interface MaxPoolNode extends NodeBase {
  readonly kind: 'maxpool';
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
}

/** Quantized GAP: out = shiftRound(sum * recip, shift) then saturate. */
export interface GapQ {
  readonly recip: number;
  readonly shift: number;
  readonly sumWidth: number;
}
/** Global average pool: [C,H,W] -> [C,1,1]. Exact sum times a rounded reciprocal. */
export interface GapNode extends NodeBase {
  readonly kind: 'gap';
  readonly q?: GapQ;
}

/** Quantized lambda mix. */
export interface MixQ {
  /** lambda codes in 2^-lambdaFrac units; (1 - lambda) is 2^lambdaFrac - code. */
  readonly lambda: Vec;
  readonly lambdaFrac: number;
}
/** Info-Recoupling mix on vectors: out = lambda*a + (1 - lambda)*b (a = inputs[0]). */
export interface MixNode extends NodeBase {
  readonly kind: 'mix';
  readonly lambda: Vec;
  readonly q?: MixQ;
}

/** Quantized FC. */
export interface FcQ {
  readonly w: Vec;
  readonly wFmt: FixFormat;
  /** Bias codes in the accumulator's units (2^-(xFrac + wFrac)). */
  readonly b: Vec;
  readonly accWidth: number;
}
/** Fully connected on a vector: out = W x + b, optional ReLU. Weights [out][in] flat. */
export interface FcNode extends NodeBase {
  readonly kind: 'fc';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Vec;
  readonly bias: Vec;
  readonly relu: boolean;
  readonly q?: FcQ;
}

/** Quantized sigmoid: a lookup table indexed by the (saturated) input code. */
export interface SigmoidQ {
  /** Table of output codes for input codes minCode..maxCode of the input format. */
  readonly lut: Vec;
}
/** Sigmoid on a vector. */
export interface SigmoidNode extends NodeBase {
  readonly kind: 'sigmoid';
  readonly q?: SigmoidQ;
}

/** Quantized gate. */
export interface GateQ {
  /** Per-channel BN2 scale codes (2^-scaleFrac) and shift codes (output units before rounding). */
  readonly scale: Vec;
  readonly scaleFrac: number;
  readonly shift: Vec;
  readonly prodWidth: number;
}
/** Channel gate fused with BN2: out[c,h,w] = x[c,h,w] * g[c] * scale[c] + shift[c] (g = inputs[1]). */
export interface GateNode extends NodeBase {
  readonly kind: 'gate';
  readonly scale: Vec;
  readonly shift: Vec;
  readonly q?: GateQ;
}

/** Element-wise product of two maps (ELM-Attention). */
export interface MulNode extends NodeBase {
  readonly kind: 'mul';
}
/** Element-wise sum of two maps (residual). */
export interface AddNode extends NodeBase {
  readonly kind: 'add';
}
/** Channel concatenation, inputs in order. */
export interface ConcatNode extends NodeBase {
  readonly kind: 'concat';
}
/** Duplicates a stream for several consumers. */
export interface ForkNode extends NodeBase {
  readonly kind: 'fork';
}
/** Data-width converter: the same elements regrouped from the input's `par` lanes to this node's. */
export interface DwcNode extends NodeBase {
  readonly kind: 'dwc';
}
/** Stream FIFO of `depth` beats. */
export interface FifoNode extends NodeBase {
  readonly kind: 'fifo';
  readonly depth: number;
  /** It buffers a sliding window's output, whose beats carry a padding flag above the lanes. */
  readonly padFlag?: boolean;
}

/** Any IR node (a discriminated union on `kind`). */
export type Node =
  | InputNode
  | OutputNode
  | ConvNode
  | BiasNode
  | SignNode
  | BatchNormNode
  | PreluNode
  | ThresholdNode
  | AffineNode
  | WindowNode
  | MvauNode
  | AvgPoolNode
  | MaxPoolNode
  | GapNode
  | MixNode
  | FcNode
  | SigmoidNode
  | GateNode
  | MulNode
  | AddNode
  | ConcatNode
  | ForkNode
  | DwcNode
  | FifoNode;

/** Every op kind name. */
export type OpKind = Node['kind'];
/** Node of a given kind. */
export type NodeOf<K extends OpKind> = Extract<Node, { kind: K }>;

/** Every op kind (kept in step with `Node` by the registry's Record<OpKind, ...> type). */
export const OP_KINDS: readonly OpKind[] = [
  'input',
  'output',
  'conv',
  'bias',
  'sign',
  'batchnorm',
  'prelu',
  'threshold',
  'affine',
  'window',
  'mvau',
  'avgpool',
  'maxpool',
  'gap',
  'mix',
  'fc',
  'sigmoid',
  'gate',
  'mul',
  'add',
  'concat',
  'fork',
  'dwc',
  'fifo',
];

/** A whole IR graph. */
export interface Graph {
  /** Network name. */
  readonly name: string;
  /** Nodes in topological order; exactly one input and one output. */
  readonly nodes: readonly Node[];
  /** Passes applied so far, in order (for the dump header and provenance). */
  readonly passes: readonly string[];
}

/** Node by id, or a thrown internal error. */
export function nodeById(g: Graph, id: string): Node {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`internal: no IR node ${id}`);
  return n;
}

/** Map id -> node. */
export function nodeIndex(g: Graph): Map<string, Node> {
  return new Map(g.nodes.map((n) => [n.id, n]));
}

/** Map id -> ids of consumers, in node order. */
export function consumers(g: Graph): Map<string, string[]> {
  const m = new Map<string, string[]>(g.nodes.map((n) => [n.id, []]));
  for (const n of g.nodes) for (const i of n.inputs) m.get(i)?.push(n.id);
  return m;
}

/** Number of elements of a node's output per frame. */
export function elements(n: Node): number {
  return n.shape[0] * n.shape[1] * n.shape[2];
}
