/**
 * Forward of each layer kind (PyTorch eval mode, official `bnext.py` / `birealnet.py`), over a
 * list of images at once so that BatchNorm calibration can see all of them. The public
 * single-image entry is {@link forwardLayer}.
 */
import { fail } from '../../diag.js';
import type { Family, HeadLayer, Layer, StemLayer } from '../../dsl/network.js';
import type { Tensor } from '../../tensor.js';
import type { WeightSet } from '../../weights/types.js';
import { checkLayerWeights, defaultTemperatureThreshold, param, vec } from './access.js';
import { applyBN, dumper, type IntermediateHook, type LayerContext } from './context.js';
import { forwardModule } from './module.js';
import { concatChannels, conv2d, gap, linear, maxPool, prelu } from './ops.js';

export { lambdaClampedInEval } from './context.js';

/**
 * Stage names reported for a module, in order: `sign_in` (sign(x + move), -1/0/+1), `conv` (integer
 * dot products), `prelu1` (PReLU-residual modules), `bn1`, `prelu2` (y), `residual` (r), `mix`,
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
