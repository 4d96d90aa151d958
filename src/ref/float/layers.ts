/**
 * Forward of each layer kind (PyTorch eval mode, official `bnext.py` / `birealnet.py`), over a
 * list of images at once so that BatchNorm calibration can see all of them. The public
 * single-image entry is {@link forwardLayer}.
 */
import { fail } from '../../diag.js';
import type { Family, HeadLayer, Layer, ModuleLayer, StemLayer } from '../../dsl/network.js';
import type { Tensor } from '../../tensor.js';
import type { WeightSet } from '../../weights/types.js';
import { bnParams, checkLayerWeights, defaultTemperatureThreshold, param, vec } from './access.js';
import { binaryConv2dPacked, binconvOut, packSigns, packWeights, signTensor, type PackedWeights } from './binconv.js';
import {
  add,
  avgPool2,
  batchNorm,
  concatChannels,
  conv2d,
  gap,
  linear,
  maxPool,
  mixChannels,
  mul,
  prelu,
  relu,
  scaleChannels,
  sigmoid,
} from './ops.js';

/** Receives a named intermediate of a layer (see {@link ModuleStage} for module stage names). */
export type IntermediateHook = (layerName: string, stage: string, t: Tensor) => void;

/**
 * Stage names reported for a module, in order: `sign_in` (sign(x + move), -1/0/+1), `conv` (integer
 * dot products), `bn1`, `prelu2` (y), `prelu1` (PReLU-residual modules), `residual` (r), `mix`,
 * `gap` ([C]), `se_hidden` ([C/8], after ReLU), `gate` ([C], after sigmoid), `gated` (g * y),
 * `product` (ELM: g * y * r), `bn2`, `out`. Stem: `conv`, `bn`. Head: `prelu`, `gap`, `logits`.
 */
export type ModuleStage =
  | 'sign_in'
  | 'conv'
  | 'bn1'
  | 'prelu2'
  | 'prelu1'
  | 'residual'
  | 'mix'
  | 'gap'
  | 'se_hidden'
  | 'gate'
  | 'gated'
  | 'product'
  | 'bn2'
  | 'out';

/** What a layer forward needs besides its inputs. */
export interface LayerContext {
  /** The weights (read at the point of use, so calibration may update BatchNorm statistics). */
  readonly ws: WeightSet;
  /** Network family: decides where the official code clamps lambda in eval mode. */
  readonly family: Family;
  /** Packed binary weights of module layers by layer name (built on demand when absent). */
  readonly packed?: ReadonlyMap<string, PackedWeights>;
  /** Intermediate dump hook; nothing extra is computed when absent. */
  readonly onIntermediate?: IntermediateHook;
  /** Called with all images' inputs of a BatchNorm (by prefix) just before it applies. */
  readonly beforeBatchNorm?: (bnName: string, inputs: readonly Tensor[]) => void;
}

/**
 * Whether the official eval forward clamps lambda to [0, 1]: BNext's FFN_1x1 and BNext-18's FFN_3x3
 * clamp `scale.data` on every call; ELM-Attention (both) and BNext's FFN_3x3 only while training.
 */
export function lambdaClampedInEval(family: Family, variant: ModuleLayer['variant']): boolean {
  return variant === 'ffn1x1' || (variant === 'ffn3x3' && family === 'bnext18');
}

function dumper(ctx: LayerContext, layer: string): ((stage: string, ts: readonly Tensor[]) => void) | null {
  const hook = ctx.onIntermediate;
  return hook ? (stage, ts) => ts.forEach((t) => hook(layer, stage, t)) : null;
}

function applyBN(ctx: LayerContext, prefix: string, ts: readonly Tensor[]): Tensor[] {
  ctx.beforeBatchNorm?.(prefix, ts);
  const p = bnParams(ctx.ws, prefix, ts[0]!.shape[0]!);
  return ts.map((t) => batchNorm(t, p));
}

/** Stem: conv (no bias) -> BatchNorm; no activation. */
function forwardStem(l: StemLayer, ctx: LayerContext, xs: readonly Tensor[]): Tensor[] {
  const w = param(ctx.ws, `${l.convName}.weight`, [l.outShape[0], l.inShape[0], l.kernel, l.kernel]);
  const conv = xs.map((x) => conv2d(x, w, { stride: l.stride, padding: l.padding }));
  const dump = dumper(ctx, l.name);
  dump?.('conv', conv);
  const out = applyBN(ctx, l.bnName, conv);
  dump?.('bn', out);
  return out;
}

/** Head: PReLU -> GAP -> Linear with bias; returns logits [classes]. */
function forwardHead(l: HeadLayer, ctx: LayerContext, xs: readonly Tensor[]): Tensor[] {
  const c = l.inShape[0];
  const alpha = vec(ctx.ws, `${l.preluName}.weight`, [c]);
  const fw = param(ctx.ws, `${l.fcName}.weight`, [l.classes, c]);
  const fb = vec(ctx.ws, `${l.fcName}.bias`, [l.classes]);
  const dump = dumper(ctx, l.name);
  const p = xs.map((x) => prelu(x, alpha));
  dump?.('prelu', p);
  const z = p.map(gap);
  dump?.('gap', z);
  const logits = z.map((v) => linear(v, fw, fb));
  dump?.('logits', logits);
  return logits;
}

/**
 * One processor module (BNEXT.md sections 3-4):
 * y = PReLU2(BN1(conv(sign(x + move), sign(W)))); r per `residual`/`downsample`;
 * m = lambda * src + (1 - lambda) * y with src = pool(x) or r (`mixSource`);
 * g = sigmoid(W_b ReLU(W_a GAP(m) + c_a) + c_b);
 * out = BN2(g * y) + r, or BN2(g * y * r) + r for ELM.
 */
function forwardModule(l: ModuleLayer, ctx: LayerContext, xs: readonly Tensor[]): Tensor[] {
  const n = l.name;
  const [cin] = l.inShape;
  const [cout, ho, wo] = l.outShape;
  const s = l.stride;
  const ws = ctx.ws;
  if (l.downsample && s !== 2) fail('E_NETWORK', `${n}: a downsample path pools 2x2 with stride 2, so the module needs stride 2`, { field: `${n}.stride` });
  if (l.mixSource === 'input' && cin !== cout)
    fail('E_NETWORK', `${n}: the mix reads the input (${cin} channels) but the module has ${cout} output channels; use mixSource 'residual'`, {
      field: `${n}.mixSource`,
    });
  const move = vec(ws, `${n}.move.bias`, [1, cin, 1, 1]);
  const pw = ctx.packed?.get(n) ?? packWeights(param(ws, `${n}.binary_conv.weight`, [cout, cin, l.kernel, l.kernel]));
  const act2 = vec(ws, `${n}.activation2.weight`, [cout]);
  const lamRaw = vec(ws, `${n}.scale`, [1, cout, 1, 1]);
  const lambda = lambdaClampedInEval(ctx.family, l.variant) ? lamRaw.map((v) => Math.min(1, Math.max(0, v))) : lamRaw;
  const h = l.seHidden;
  const seW1 = param(ws, `${n}.se.se.1.weight`, [h, cout, 1, 1]);
  const seB1 = vec(ws, `${n}.se.se.1.bias`, [h]);
  const seW3 = param(ws, `${n}.se.se.3.weight`, [cout, h, 1, 1]);
  const seB3 = vec(ws, `${n}.se.se.3.bias`, [cout]);
  const dump = dumper(ctx, n);
  const pool = (ts: readonly Tensor[]): readonly Tensor[] => (s === 2 ? ts.map(avgPool2) : ts);

  // binary path
  if (dump) dump('sign_in', xs.map((x) => signTensor(x, move)));
  const conv = xs.map((x): Tensor => {
    const dots = binaryConv2dPacked(packSigns(x, move, Math.floor(l.kernel / 2)), pw, s);
    const [, xh, xw] = x.shape as [number, number, number];
    if (binconvOut(xh, l.kernel, s) !== ho || binconvOut(xw, l.kernel, s) !== wo)
      fail('E_SHAPE', `${n}: input ${xh}x${xw} gives a ${binconvOut(xh, l.kernel, s)}x${binconvOut(xw, l.kernel, s)} conv output, expected ${ho}x${wo}`);
    return { shape: [cout, ho, wo], data: Float32Array.from(dots) };
  });
  dump?.('conv', conv);
  const bn1 = applyBN(ctx, `${n}.norm1`, conv);
  dump?.('bn1', bn1);
  const y = bn1.map((t) => prelu(t, act2));
  dump?.('prelu2', y);

  // residual
  let r: readonly Tensor[];
  if (l.residual === 'input') r = pool(xs);
  else {
    const act1 = vec(ws, `${n}.activation1.weight`, [cin]);
    const p1 = xs.map((x) => prelu(x, act1));
    dump?.('prelu1', p1);
    if (l.downsample) {
      const dw = param(ws, `${n}.downsample.1.weight`, [cout, cin, 1, 1]);
      r = applyBN(ctx, `${n}.downsample.2`, p1.map((t) => conv2d(avgPool2(t), dw)));
    } else r = pool(p1);
  }
  dump?.('residual', r);

  // Info-Recoupling mix and squeeze-and-expand gate
  const src = l.mixSource === 'residual' || l.residual === 'input' ? r : pool(xs);
  const mix = src.map((t, i) => mixChannels(t, y[i]!, lambda));
  dump?.('mix', mix);
  const z = mix.map(gap);
  dump?.('gap', z);
  const hid = z.map((v) => relu(linear(v, seW1, seB1)));
  dump?.('se_hidden', hid);
  const g = hid.map((v) => sigmoid(linear(v, seW3, seB3)));
  dump?.('gate', g);
  let gy = y.map((t, i) => scaleChannels(t, g[i]!.data));
  dump?.('gated', gy);
  if (l.variant === 'elm') {
    gy = gy.map((t, i) => mul(t, r[i]!));
    dump?.('product', gy);
  }
  const bn2 = applyBN(ctx, `${n}.norm2`, gy);
  dump?.('bn2', bn2);
  const out = bn2.map((t, i) => add(t, r[i]!));
  dump?.('out', out);
  return out;
}

/**
 * Forward of one layer over several images. `inputs[j][i]` is the j-th layer input of image i
 * (concat has several layer inputs; every other kind has one). Returns one output per image.
 */
export function forwardLayerImages(layer: Layer, ctx: LayerContext, inputs: readonly (readonly Tensor[])[]): Tensor[] {
  const xs = inputs[0]!;
  switch (layer.kind) {
    case 'input':
      return [...xs];
    case 'stem':
      return forwardStem(layer, ctx, xs);
    case 'maxpool':
      return xs.map((x) => maxPool(x, layer.kernel, layer.stride, layer.padding));
    case 'module':
      return forwardModule(layer, ctx, xs);
    case 'concat':
      return xs.map((_, i) => concatChannels(inputs.map((imgs) => imgs[i]!)));
    case 'head':
      return forwardHead(layer, ctx, xs);
  }
}

/** Options of {@link forwardLayer}. */
export interface ForwardLayerOptions {
  /** Network family of the layer (default `bnext`): decides the eval-mode lambda clamp. */
  readonly family?: Family;
  /** Binary weight temperature threshold (default by family: 1e-7 BNext, 1e-5 BNext-18). */
  readonly weightTemperatureThreshold?: number;
  /** Dump hook for the layer's intermediates. */
  readonly onIntermediate?: IntermediateHook;
}

/**
 * Forward of one layer for one image, from raw weights (checked and packed on each call).
 * `inputs` holds one tensor per layer input (concat: several, in order; others: one [C, H, W] map).
 * Returns the layer output ([C, H, W], or logits [classes] for the head).
 */
export function forwardLayer(layer: Layer, ws: WeightSet, inputs: readonly Tensor[], opts: ForwardLayerOptions = {}): Tensor {
  const family = opts.family ?? 'bnext';
  if (inputs.length !== Math.max(1, layer.inputs.length))
    fail('E_SHAPE', `${layer.name}: expected ${Math.max(1, layer.inputs.length)} input tensor(s), got ${inputs.length}`);
  if (layer.kind !== 'concat' && layer.kind !== 'input') {
    const got = inputs[0]!.shape;
    if (got.length !== 3 || got.some((d, i) => d !== layer.inShape[i]))
      fail('E_SHAPE', `${layer.name}: input must be [${layer.inShape.join(', ')}], got [${got.join(', ')}]`, { field: layer.name });
  }
  checkLayerWeights(layer, ws, opts.weightTemperatureThreshold ?? defaultTemperatureThreshold(family));
  const ctx: LayerContext = { ws, family, ...(opts.onIntermediate ? { onIntermediate: opts.onIntermediate } : {}) };
  return forwardLayerImages(layer, ctx, inputs.map((t) => [t]))[0]!;
}
