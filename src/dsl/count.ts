/**
 * Counting a network: parameters, binary and real-valued operations, model size at chosen weight
 * bit widths, and the feature maps a streaming accelerator has to hold. `bnext-rtl info` prints
 * this; the numbers are pure functions of the network's shapes.
 *
 * Counting rules (the conventions of the BNN literature, e.g. Bi-Real Net, ReActNet, BNext):
 * - **params**: every nn.Parameter of the official state_dict (from {@link networkParams}), used in
 *   the forward or not (the unused stem `prelu` and FFN `activation1` slopes count, as PyTorch's
 *   `sum(p.numel() for p in model.parameters())` counts them). Buffers (BatchNorm running
 *   statistics, `num_batches_tracked`, temperatures) are not parameters. `binary` = elements of the
 *   binary conv weights; `other` = the rest.
 * - **BOPs** (binary MACs): for each binary conv, `Cout * Cin * k * k * Hout * Wout`, i.e. full
 *   windows; the zero-padding taps at the border are counted as if they were real taps.
 * - **FLOPs** (real-valued MACs): the stem conv (`Cout * Cin * k * k * Hout * Wout`), the BNext-18
 *   downsample 1x1 conv (`Cout * Cin * Hout * Wout`, after its 2x2 average pool), the two SE 1x1
 *   convs of each module (`C * h + h * C` with h = C/8; biases not counted), and the head FC
 *   (`C * classes`).
 * - **Not counted**: element-wise work (BatchNorm, PReLU, move bias, sign, lambda mix, sigmoid and
 *   gate, ELM product, residual adds, average/max/global pooling, concat). Conventional BNN tables
 *   leave it out, and so do we.
 * - **OPs** = BOPs / 64 + FLOPs (a 64-bit CPU does 64 binary MACs per instruction).
 * - **model size**: parameters only (BatchNorm weight and bias stand for the folded per-channel
 *   scale and shift at inference; running statistics fold into them), each at the bit width of its
 *   category (see {@link BitWidths}); SE and FC biases stay in `other`, as in the official
 *   quantized model (`src/bnext_quant.py`, whose QuantizeConv/QuantizeLinear keep float biases).
 * - **module-input maps**: the real-valued map each SE-bearing module must hold for a whole frame;
 *   two modules that read the same tensor (FFN_1 and FFN_2) share one map.
 */
import { fail } from '../diag.js';
import type { Layer, Network, Shape3 } from './network.js';
import { layerParams, numel, type ParamRole } from './params.js';

/** Row kinds of the per-layer table: module layers are split by variant. */
export type CountKind = 'stem' | 'maxpool' | 'ffn3x3' | 'ffn1x1' | 'elm' | 'concat' | 'head';

/** Weight categories that get their own bit width in the model-size figure. */
export type BitCategory = 'binary' | 'stem' | 'se' | 'fc' | 'other';

/** Every weight category, in display order. */
export const BIT_CATEGORIES: readonly BitCategory[] = ['binary', 'stem', 'se', 'fc', 'other'];

/** Storage bit width of each weight category for the model-size figure. */
export interface BitWidths {
  /** Binary conv weights (1: sign only). */
  readonly binary: number;
  /** Stem conv weights. */
  readonly stem: number;
  /** Squeeze-and-expand 1x1 conv weights (biases are `other`). */
  readonly se: number;
  /** Head FC weights (the bias is `other`). */
  readonly fc: number;
  /** Everything else: BatchNorm, PReLU, move bias, lambda, BNext-18 downsample conv, SE/FC biases. */
  readonly other: number;
}

/**
 * Default bit widths: the paper's published model-size setting (BNEXT.md section 7): 1-bit binary
 * weights, 8-bit stem, 4-bit SE, 8-bit FC, everything else 32-bit float.
 */
export const DEFAULT_BIT_WIDTHS: BitWidths = { binary: 1, stem: 8, se: 4, fc: 8, other: 32 };

/** One row of the per-layer table. */
export interface LayerCount {
  /** Layer name (checkpoint path of the module, e.g. `feature.2.Attention`). */
  readonly name: string;
  readonly kind: CountKind;
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  /** Spatial stride of the layer (1 for concat and head). */
  readonly stride: number;
  /** Parameter elements of the layer (buffers excluded). */
  readonly params: number;
  /** Binary conv weight elements of the layer. */
  readonly binaryParams: number;
  /** Binary MACs. */
  readonly bops: number;
  /** Real-valued MACs. */
  readonly flops: number;
}

/** One real-valued map that module layers read (held for a whole frame by a streaming design). */
export interface ModuleInputMap {
  /** Name of the layer that produces the map. */
  readonly tensor: string;
  readonly shape: Shape3;
  /** C * H * W. */
  readonly values: number;
  /** Module layers that read it (FFN_1 and FFN_2 share one map). */
  readonly readers: readonly string[];
}

/** Everything `info` reports about a network. */
export interface NetworkCount {
  readonly network: string;
  /** Input image shape [3, H, W]. */
  readonly input: Shape3;
  readonly classes: number;
  /** Per-layer rows in network order (the input layer is omitted). */
  readonly layers: readonly LayerCount[];
  readonly params: {
    /** All nn.Parameter elements. */
    readonly total: number;
    /** Binary conv weight elements. */
    readonly binary: number;
    /** total - binary. */
    readonly other: number;
  };
  readonly ops: {
    /** Binary MACs. */
    readonly bops: number;
    /** Real-valued MACs. */
    readonly flops: number;
    /** bops / 64 + flops. */
    readonly ops: number;
  };
  /** Binary weight storage in bits: binary params times `bits.binary`. */
  readonly binaryWeightBits: number;
  readonly size: {
    /** The bit widths used. */
    readonly bits: BitWidths;
    /** Parameter elements and storage bits per category. */
    readonly byCategory: Readonly<Record<BitCategory, { readonly params: number; readonly bits: number }>>;
    /** Total storage in bits. */
    readonly totalBits: number;
    /** Total storage in bytes (bits / 8). */
    readonly bytes: number;
  };
  readonly maps: {
    /** Distinct maps read by module layers, in network order. */
    readonly moduleInputs: readonly ModuleInputMap[];
    /** Sum of their values. */
    readonly moduleInputValues: number;
    /** The largest of them. */
    readonly largest: ModuleInputMap | null;
  };
}

const CATEGORY_OF_ROLE: Record<ParamRole, BitCategory> = {
  stem_conv_weight: 'stem',
  bn_weight: 'other',
  bn_bias: 'other',
  bn_running_mean: 'other',
  bn_running_var: 'other',
  bn_num_batches_tracked: 'other',
  prelu_weight: 'other',
  scale_lambda: 'other',
  move_bias: 'other',
  temperature: 'other',
  binary_conv_weight: 'binary',
  se_conv_weight: 'se',
  se_conv_bias: 'other',
  downsample_conv_weight: 'other',
  fc_weight: 'fc',
  fc_bias: 'other',
};

/** Binary and real MACs of one layer (see the counting rules above). */
function layerOps(l: Exclude<Layer, { kind: 'input' }>): { bops: number; flops: number } {
  const [cout, hout, wout] = l.outShape;
  switch (l.kind) {
    case 'stem':
      return { bops: 0, flops: cout * l.inShape[0] * l.kernel * l.kernel * hout * wout };
    case 'module': {
      const cin = l.inShape[0];
      const bops = cout * cin * l.kernel * l.kernel * hout * wout;
      const se = 2 * cout * l.seHidden;
      const down = l.downsample ? cout * cin * hout * wout : 0;
      return { bops, flops: se + down };
    }
    case 'head':
      return { bops: 0, flops: l.inShape[0] * l.classes };
    case 'maxpool':
    case 'concat':
      return { bops: 0, flops: 0 };
  }
}

function rowKind(l: Exclude<Layer, { kind: 'input' }>): CountKind {
  return l.kind === 'module' ? l.variant : l.kind;
}

function rowStride(l: Exclude<Layer, { kind: 'input' }>): number {
  return l.kind === 'stem' || l.kind === 'maxpool' || l.kind === 'module' ? l.stride : 1;
}

/** Checks a bit-width record: every width a positive integer no larger than 64. */
export function checkBitWidths(bits: BitWidths): void {
  for (const k of BIT_CATEGORIES) {
    const v = bits[k];
    if (!Number.isInteger(v) || v < 1 || v > 64)
      fail('E_ARG', `bit width of '${k}' must be an integer from 1 to 64, got ${v}`, { field: `bits.${k}` });
  }
}

/**
 * Parses `binary=1,stem=8,se=4,fc=8,other=32` (any subset, in any order) over
 * {@link DEFAULT_BIT_WIDTHS}. Unknown categories, repeated categories and bad widths are E_ARG.
 */
export function parseBitWidths(text: string, base: BitWidths = DEFAULT_BIT_WIDTHS): BitWidths {
  const out: Record<BitCategory, number> = { ...base };
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^([a-z]+)\s*=\s*(\S+)$/.exec(item);
    if (!m) fail('E_ARG', `'${item}' is not of the form category=bits (e.g. se=4)`, { field: 'bits' });
    const key = m[1]!;
    const value = m[2]!;
    if (!(BIT_CATEGORIES as readonly string[]).includes(key))
      fail('E_ARG', `unknown weight category '${key}'; choose from ${BIT_CATEGORIES.join(', ')}`, { field: 'bits' });
    if (seen.has(key)) fail('E_ARG', `weight category '${key}' is given twice`, { field: 'bits' });
    seen.add(key);
    if (!/^\d+$/.test(value)) fail('E_ARG', `bit width of '${key}' must be an integer from 1 to 64, got '${value}'`, { field: `bits.${key}` });
    out[key as BitCategory] = Number(value);
  }
  checkBitWidths(out);
  return out;
}

/** Distinct module-input maps, in network order. */
function moduleInputMaps(net: Network): ModuleInputMap[] {
  const byTensor = new Map<string, { shape: Shape3; readers: string[] }>();
  for (const l of net.layers) {
    if (l.kind !== 'module') continue;
    const src = l.inputs[0];
    const entry = byTensor.get(src);
    if (entry) entry.readers.push(l.name);
    else byTensor.set(src, { shape: l.inShape, readers: [l.name] });
  }
  return [...byTensor].map(([tensor, e]) => ({ tensor, shape: e.shape, values: numel(e.shape), readers: e.readers }));
}

/** Counts a network (see the counting rules at the top of this file). */
export function countNetwork(net: Network, bits: BitWidths = DEFAULT_BIT_WIDTHS): NetworkCount {
  checkBitWidths(bits);
  const layers: LayerCount[] = [];
  const byCategory: Record<BitCategory, { params: number; bits: number }> = {
    binary: { params: 0, bits: 0 },
    stem: { params: 0, bits: 0 },
    se: { params: 0, bits: 0 },
    fc: { params: 0, bits: 0 },
    other: { params: 0, bits: 0 },
  };
  for (const l of net.layers) {
    if (l.kind === 'input') continue;
    const specs = layerParams(l).filter((p) => !p.buffer);
    let params = 0;
    let binaryParams = 0;
    for (const p of specs) {
      const n = numel(p.shape);
      const cat = CATEGORY_OF_ROLE[p.role];
      params += n;
      if (cat === 'binary') binaryParams += n;
      byCategory[cat].params += n;
      byCategory[cat].bits += n * bits[cat];
    }
    const { bops, flops } = layerOps(l);
    layers.push({ name: l.name, kind: rowKind(l), inShape: l.inShape, outShape: l.outShape, stride: rowStride(l), params, binaryParams, bops, flops });
  }
  const sum = (f: (r: LayerCount) => number): number => layers.reduce((a, r) => a + f(r), 0);
  const total = sum((r) => r.params);
  const binary = sum((r) => r.binaryParams);
  const bops = sum((r) => r.bops);
  const flops = sum((r) => r.flops);
  const totalBits = BIT_CATEGORIES.reduce((a, k) => a + byCategory[k].bits, 0);
  const maps = moduleInputMaps(net);
  const largest = maps.reduce<ModuleInputMap | null>((best, m) => (best === null || m.values > best.values ? m : best), null);
  return {
    network: net.name,
    input: net.input,
    classes: net.classes,
    layers,
    params: { total, binary, other: total - binary },
    ops: { bops, flops, ops: bops / 64 + flops },
    binaryWeightBits: binary * bits.binary,
    size: { bits: { ...bits }, byCategory, totalBits, bytes: totalBits / 8 },
    maps: { moduleInputs: maps, moduleInputValues: maps.reduce((a, m) => a + m.values, 0), largest },
  };
}
