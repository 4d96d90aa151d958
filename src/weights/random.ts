/**
 * Seeded random weights that behave like a trained BNext: every state_dict entry of the network
 * (used or not, buffers included), with plausible value ranges, then BatchNorm running statistics
 * calibrated layer by layer on seeded random images so activations stay in a sane range.
 *
 * Each tensor draws from its own stream (seed, name hash), so one tensor's values do not depend on
 * which other tensors exist. Same seed -> byte-identical weights.
 */
import { fail } from '../diag.js';
import type { Network } from '../dsl/network.js';
import { networkParams, numel, type ParamSpec } from '../dsl/params.js';
import { prepareFloat, runLayers } from '../ref/float/model.js';
import type { Tensor } from '../tensor.js';
import { hashString, Rng } from '../util/rng.js';
import type { WeightSet } from './types.js';

/** Options of {@link randomWeights}. */
export interface RandomWeightsOptions {
  /**
   * Number of seeded N(0, 1) images at the network's input size used to measure each BatchNorm's
   * input statistics. Default {@link defaultCalibrationImages}: 2, or more when the smallest
   * BatchNorm map is tiny. 0 leaves running_mean = 0 and running_var = 1.
   */
  readonly calibrationImages?: number;
  /** Fraction of BN1 (`norm1`) gammas made negative (default 0.1): hardware must handle a negative BN scale. */
  readonly negativeNorm1Fraction?: number;
}

/** Smallest running variance written by calibration (guards a channel that happens to be constant). */
export const MIN_CALIBRATED_VAR = 1e-3;

/** Range of BatchNorm gammas (norm1, stem, downsample). */
const BN_GAMMA = [0.5, 1.5] as const;
/** Range of norm2 gammas (the residual branch's last scale). */
const NORM2_GAMMA = [0.3, 0.9] as const;

/** Temperature of `binary_conv` (below every sign threshold) and of `binary_activation` (unused). */
const BINARY_CONV_TEMPERATURE = 1e-8;

/** Samples per channel the smallest BatchNorm should see by default during calibration. */
const MIN_CALIBRATION_SAMPLES = 64;

/**
 * Default calibration image count: at least 2, and enough that every BatchNorm sees 64 samples per
 * channel (its map's H*W times the image count), capped at 32. 2 for 224 inputs (smallest map
 * 7x7); 16 for BNext at 32x32 (2x2); 4 for BNext-18 at 32x32 (4x4). With only 2 images on 2x2
 * maps, deep ELM outputs on fresh images reach per-channel std around 40 (measured).
 */
export function defaultCalibrationImages(net: Network): number {
  let minHW = Infinity;
  for (const l of net.layers) if (l.kind === 'stem' || l.kind === 'module') minHW = Math.min(minHW, l.outShape[1] * l.outShape[2]);
  return Math.min(32, Math.max(2, Math.ceil(MIN_CALIBRATION_SAMPLES / minHW)));
}

function fanIn(shape: readonly number[]): number {
  return numel(shape.slice(1));
}

/** Values of one entry before calibration. */
function initialValues(spec: ParamSpec, rng: Rng, negNorm1: number): Float32Array {
  const n = numel(spec.shape);
  const v = new Float32Array(n);
  const fill = (f: () => number) => {
    for (let i = 0; i < n; i++) v[i] = f();
  };
  const normal = (std: number) => {
    for (let i = 0; i < n; i++) v[i] = rng.normal() * std;
  };
  switch (spec.role) {
    case 'stem_conv_weight':
    case 'se_conv_weight':
    case 'downsample_conv_weight':
    case 'fc_weight':
      normal(Math.sqrt(2 / fanIn(spec.shape))); // Kaiming
      break;
    case 'binary_conv_weight':
      normal(0.01);
      break;
    case 'bn_weight': {
      const canFlip = spec.name.endsWith('.norm1.weight');
      // norm2 scales what each module adds to the unnormalized residual stream: smaller gammas keep
      // the stream's variance (which grows with every module) in range through 30+ modules
      const [lo, hi] = spec.name.endsWith('.norm2.weight') ? NORM2_GAMMA : BN_GAMMA;
      fill(() => {
        const g = rng.range(lo, hi);
        return canFlip && rng.uniform() < negNorm1 ? -g : g;
      });
      break;
    }
    case 'bn_bias':
    case 'move_bias':
    case 'se_conv_bias':
      normal(0.1);
      break;
    case 'fc_bias':
      normal(0.01);
      break;
    case 'bn_running_mean':
    case 'bn_num_batches_tracked':
      break;
    case 'bn_running_var':
      v.fill(1);
      break;
    case 'prelu_weight':
      fill(() => rng.range(0.05, 0.45));
      break;
    case 'scale_lambda':
      fill(() => rng.range(0.2, 0.8));
      break;
    case 'temperature':
      v.fill(spec.name.endsWith('.binary_conv.temperature') ? BINARY_CONV_TEMPERATURE : 1);
      break;
  }
  return v;
}

/**
 * Sets `<bn>.running_mean` / `.running_var` to the per-channel mean and (biased, as PyTorch's batch
 * statistics) variance of the BatchNorm's inputs over all images and pixels, in float64.
 */
function calibrate(map: Map<string, Tensor>, bnName: string, inputs: readonly Tensor[]): void {
  const mean = map.get(`${bnName}.running_mean`)!.data;
  const variance = map.get(`${bnName}.running_var`)!.data;
  const c = mean.length;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    let s2 = 0;
    let cnt = 0;
    for (const t of inputs) {
      const hw = t.data.length / c;
      for (let i = ch * hw; i < (ch + 1) * hw; i++) {
        const x = t.data[i]!;
        s += x;
        s2 += x * x;
      }
      cnt += hw;
    }
    const m = s / cnt;
    mean[ch] = m;
    variance[ch] = Math.max(MIN_CALIBRATED_VAR, s2 / cnt - m * m);
  }
}

/**
 * Seeded random weights for `net`: every entry of `networkParams(net)` in official order.
 * Binary conv latent weights ~ 0.01 N(0, 1); PReLU slopes U(0.05, 0.45); lambda U(0.2, 0.8);
 * move biases, BN betas and SE biases ~ 0.1 N(0, 1); BN gammas U(0.5, 1.5) (norm2: U(0.3, 0.9)),
 * with a fraction of `norm1` gammas negated; stem, SE, downsample and FC weights Kaiming normal (std sqrt(2 / fan_in));
 * FC bias ~ 0.01 N(0, 1); num_batches_tracked 0; binary_conv.temperature 1e-8,
 * binary_activation.temperature 1. Then BatchNorm statistics are calibrated layer by layer.
 * `seed` is an integer in [0, 2^32).
 */
export function randomWeights(net: Network, seed: number, opts: RandomWeightsOptions = {}): WeightSet {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    fail('E_ARG', `seed must be an integer from 0 to 2^32-1, got ${seed}`, { field: 'seed' });
  const nCal = opts.calibrationImages ?? defaultCalibrationImages(net);
  if (!Number.isInteger(nCal) || nCal < 0) fail('E_ARG', `calibrationImages must be a non-negative integer, got ${nCal}`, { field: 'calibrationImages' });
  const negNorm1 = opts.negativeNorm1Fraction ?? 0.1;
  if (!(negNorm1 >= 0 && negNorm1 <= 1)) fail('E_ARG', `negativeNorm1Fraction must lie in [0, 1], got ${negNorm1}`, { field: 'negativeNorm1Fraction' });

  const map = new Map<string, Tensor>();
  for (const spec of networkParams(net)) {
    const rng = new Rng(seed, hashString(spec.name));
    map.set(spec.name, { shape: [...spec.shape], data: initialValues(spec, rng, negNorm1) });
  }
  if (nCal > 0) {
    const rng = new Rng(seed, hashString('calibration images'));
    const [c, h, w] = net.input;
    const images: Tensor[] = [];
    for (let i = 0; i < nCal; i++) images.push({ shape: [c, h, w], data: Float32Array.from({ length: c * h * w }, () => rng.normal()) });
    runLayers(prepareFloat(net, map), images, { beforeBatchNorm: (bn, inputs) => calibrate(map, bn, inputs) });
  }
  return map;
}
