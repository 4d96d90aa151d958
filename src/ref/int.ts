/**
 * The integer reference model: the quantized hardware graph run in its integer interpretation,
 * bit-exact with the RTL. Formats are calibrated on seeded random images unless the caller gives
 * calibration images, so the same network, weights and settings always give the same hardware.
 */
import type { Network } from '../dsl/network.js';
import type { Graph } from '../ir/graph.js';
import { compile } from '../passes/index.js';
import type { QuantSettings } from '../passes/quant-settings.js';
import { imageOf, type Tensor } from '../tensor.js';
import { Rng } from '../util/rng.js';
import type { WeightSet } from '../weights/types.js';
import { interpret } from './interp.js';

/** Seed of the default calibration images. */
export const CALIBRATION_SEED = 0xc0ffee;

/** `count` seeded N(0, 1) images at the network's input size (normalized-image statistics). */
export function defaultCalibration(net: Network, count = 2, seed = CALIBRATION_SEED): Tensor[] {
  const rng = new Rng(seed);
  const [c, h, w] = net.input;
  return Array.from({ length: count }, () => {
    const data = new Float32Array(c * h * w);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    return { shape: [c, h, w], data };
  });
}

/** Options for building the hardware graph. */
export interface HwOptions {
  readonly quant?: QuantSettings;
  /** Calibration images [3, H, W]; default {@link defaultCalibration}. */
  readonly calibration?: readonly Tensor[];
}

/** Lowers, folds and quantizes a network: the graph the RTL implements. */
export function compileHw(net: Network, ws: WeightSet, opts: HwOptions = {}): Graph {
  return compile(net, ws, 'hw', {
    calibration: opts.calibration ?? defaultCalibration(net),
    ...(opts.quant ? { quant: opts.quant } : {}),
  });
}

/** Runs a batch [N, 3, H, W] through a quantized graph; logits [N, classes] (dequantized, float32). */
export function runGraphInt(g: Graph, batch: Tensor): Tensor {
  const n = batch.shape[0]!;
  const classes = g.nodes.find((x) => x.kind === 'output')!.shape[0];
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) out.set(interpret(g, imageOf(batch, i), 'int').logits, i * classes);
  return { shape: [n, classes], data: out };
}

/** The integer model on a batch, with default quantization. */
export function runIntBatch(net: Network, ws: WeightSet, batch: Tensor, opts: HwOptions = {}): Tensor {
  return runGraphInt(compileHw(net, ws, opts), batch);
}
