/**
 * The float reference model of a whole network: PyTorch eval-mode forward of the official BNext /
 * BNext-18 code, from a Network and a WeightSet to logits.
 *
 * Numerics: the binary convolutions are exact integers (bit-packed XNOR-popcount); every
 * real-valued op computes in float64 and stores its result as float32 (as PyTorch stores each op's
 * output), so a stored tensor should be within about one float32 rounding of PyTorch's fp32
 * result for the same input. Differences compound through the network, and a sign input within
 * rounding distance of 0 can flip, so logits should agree with PyTorch fp32 closely (an
 * expectation of about 1e-4 relative, not measured here: this machine has no PyTorch), not
 * bit-exactly. (BNext-18's HardSign computes (sign - r) + r with r = clamp(x) + 1 in fp32, which
 * leaves some +-1 values one ulp off (7 % for uniform inputs, checked with numpy); this model uses
 * exact +-1.)
 */
import { fail } from '../../diag.js';
import type { Network } from '../../dsl/network.js';
import { firstNonFinite, imageOf, type Tensor } from '../../tensor.js';
import type { WeightSet } from '../../weights/types.js';
import { checkLayerWeights, param } from './access.js';
import { packWeights, type PackedWeights } from './binconv.js';
import type { IntermediateHook, LayerContext } from './context.js';
import { forwardLayerImages } from './layers.js';

/** Options of {@link runFloat} and {@link runFloatBatch}. */
export interface RunFloatOptions {
  /** Called with every layer's output (stem, maxpool, modules, concat, head logits), in order. */
  readonly onLayer?: (layerName: string, out: Tensor) => void;
  /** Called with named intermediates inside layers (see `ModuleStage`); costs nothing when absent. */
  readonly onIntermediate?: IntermediateHook;
}

/** A network with checked weights and packed binary weights, ready to run many images. */
export interface FloatModel {
  /** The network. */
  readonly net: Network;
  /** Its weights (read at use; only the binary conv weights are copied, packed, below). */
  readonly ws: WeightSet;
  /** sign(W) of every module, bit-packed, by layer name. */
  readonly packed: ReadonlyMap<string, PackedWeights>;
}

/**
 * Checks the weights every layer reads (presence, shape, finite values, binary temperature) and
 * packs the binary conv weights. Throws E_WEIGHTS / E_NAN naming the tensor.
 */
export function prepareFloat(net: Network, ws: WeightSet): FloatModel {
  const packed = new Map<string, PackedWeights>();
  for (const layer of net.layers) {
    checkLayerWeights(layer, ws, net.weightTemperatureThreshold);
    if (layer.kind === 'module') {
      const [cout] = layer.outShape;
      const [cin] = layer.inShape;
      const wname = `${layer.name}.binary_conv.weight`;
      packed.set(layer.name, packWeights(param(ws, wname, [cout, cin, layer.kernel, layer.kernel]), wname));
    }
  }
  return { net, ws, packed };
}

/** Hooks of {@link runLayers} beyond the public options. */
export interface RunLayersHooks extends RunFloatOptions {
  /** Called with all images' inputs of each BatchNorm just before it applies (calibration). */
  readonly beforeBatchNorm?: (bnName: string, inputs: readonly Tensor[]) => void;
}

/**
 * Runs all layers over several images at once (each layer sees every image before the next layer
 * starts), returning the logits of each image. Inputs must already be validated.
 */
export function runLayers(model: FloatModel, images: readonly Tensor[], hooks: RunLayersHooks = {}): Tensor[] {
  const { net } = model;
  const ctx: LayerContext = {
    ws: model.ws,
    family: net.family,
    packed: model.packed,
    ...(hooks.onIntermediate ? { onIntermediate: hooks.onIntermediate } : {}),
    ...(hooks.beforeBatchNorm ? { beforeBatchNorm: hooks.beforeBatchNorm } : {}),
  };
  // free each map after its last reader
  const lastUse = new Map<string, number>();
  net.layers.forEach((l, i) => l.inputs.forEach((src) => lastUse.set(src, i)));
  const maps = new Map<string, Tensor[]>();
  let out: Tensor[] = [];
  net.layers.forEach((layer, i) => {
    const inputs = layer.kind === 'input' ? [images] : layer.inputs.map((src) => maps.get(src)!);
    out = forwardLayerImages(layer, ctx, inputs);
    if (layer.kind !== 'input' && hooks.onLayer) for (const t of out) hooks.onLayer(layer.name, t);
    maps.set(layer.name, out);
    for (const src of layer.inputs) if (lastUse.get(src) === i) maps.delete(src);
  });
  return out;
}

/** Checks an image against the network input: shape [3, H, W] and finite values. */
export function checkImage(net: Network, image: Tensor, what = 'input image'): void {
  const want = net.input;
  if (image.shape.length !== 3 || image.shape.some((d, i) => d !== want[i]))
    fail('E_SHAPE', `${what} must have shape [${want.join(', ')}] for network ${net.name}, got [${image.shape.join(', ')}]`, { field: 'input' });
  if (image.data.length !== want[0] * want[1] * want[2])
    fail('E_SHAPE', `${what} has ${image.data.length} values, but its shape [${image.shape.join(', ')}] needs ${want[0] * want[1] * want[2]}`, { field: 'input' });
  const bad = firstNonFinite(image.data);
  if (bad >= 0) {
    const [, h, w] = want;
    const c = Math.floor(bad / (h * w));
    const y = Math.floor((bad % (h * w)) / w);
    fail('E_NAN', `${what} has a non-finite value ${image.data[bad]} at [${c}, ${y}, ${bad % w}]`, { field: 'input' });
  }
}

/** Logits [classes] of one image [3, H, W] with a prepared model. */
export function runPrepared(model: FloatModel, image: Tensor, opts: RunFloatOptions = {}): Tensor {
  checkImage(model.net, image);
  return runLayers(model, [image], opts)[0]!;
}

/**
 * The float reference forward of one image: `image` is [3, H, W] equal to `net.input`; returns the
 * logits [classes] (no softmax). Throws E_SHAPE / E_NAN for bad input, E_WEIGHTS / E_NAN for bad
 * weights.
 */
export function runFloat(net: Network, ws: WeightSet, image: Tensor, opts: RunFloatOptions = {}): Tensor {
  checkImage(net, image);
  return runPrepared(prepareFloat(net, ws), image, opts);
}

/**
 * The float reference forward of a batch [N, 3, H, W]; returns logits [N, classes] (float32).
 * Images run one after another, so hooks see image 0's calls, then image 1's, and so on.
 */
export function runFloatBatch(net: Network, ws: WeightSet, batch: Tensor, opts: RunFloatOptions = {}): Tensor {
  if (batch.shape.length !== 4 || batch.shape[0]! < 1)
    fail('E_SHAPE', `input batch must have shape [N, ${net.input.join(', ')}] with N >= 1, got [${batch.shape.join(', ')}]`, { field: 'input' });
  const n = batch.shape[0]!;
  if (batch.data.length !== n * net.input[0] * net.input[1] * net.input[2] && batch.shape.slice(1).every((d, i) => d === net.input[i]))
    fail('E_SHAPE', `input batch has ${batch.data.length} values, but its shape [${batch.shape.join(', ')}] needs ${n * net.input[0] * net.input[1] * net.input[2]}`, {
      field: 'input',
    });
  for (let i = 0; i < n; i++) checkImage(net, imageOf(batch, i), `image ${i} of the input batch`);
  const model = prepareFloat(net, ws);
  const out = new Float32Array(n * net.classes);
  for (let i = 0; i < n; i++) out.set(runLayers(model, [imageOf(batch, i)], opts)[0]!.data, i * net.classes);
  return { shape: [n, net.classes], data: out };
}
