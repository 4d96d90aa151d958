/**
 * Reading a layer's weights out of a WeightSet for the reference model: presence, shape, finite
 * values and the binary-weight temperature rule, each failing with one clear BnextError.
 */
import { fail } from '../../diag.js';
import type { Family, Layer } from '../../dsl/network.js';
import { layerParams, type ParamSpec } from '../../dsl/params.js';
import { firstNonFinite, type Tensor } from '../../tensor.js';
import type { WeightSet } from '../../weights/types.js';
import type { BatchNormParams } from './ops.js';

/** Default binary-weight temperature threshold of a family (1e-5 BNext-18, 1e-7 otherwise). */
export function defaultTemperatureThreshold(family: Family): number {
  return family === 'bnext18' ? 1e-5 : 1e-7;
}

/** A weight by name with its expected shape; E_WEIGHTS when missing or misshapen. */
export function param(ws: WeightSet, name: string, shape: readonly number[]): Tensor {
  const t = ws.get(name);
  if (!t) fail('E_WEIGHTS', `weight '${name}' is missing`, { field: name });
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    fail('E_WEIGHTS', `weight '${name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, { field: name });
  return t;
}

/** The values of a per-channel weight (any shape with c elements, e.g. [1, C, 1, 1]). */
export function vec(ws: WeightSet, name: string, shape: readonly number[]): Float32Array | Float64Array {
  return param(ws, name, shape).data;
}

/** The four eval-mode tensors of the BatchNorm `prefix` over c channels. */
export function bnParams(ws: WeightSet, prefix: string, c: number): BatchNormParams {
  return {
    weight: vec(ws, `${prefix}.weight`, [c]),
    bias: vec(ws, `${prefix}.bias`, [c]),
    mean: vec(ws, `${prefix}.running_mean`, [c]),
    variance: vec(ws, `${prefix}.running_var`, [c]),
  };
}

/**
 * Checks every entry a layer's eval forward reads: present, right shape, finite (binary conv
 * weights: checked for NaN by `packWeights`), BatchNorm variances not negative, and binary conv
 * temperatures below `threshold` (so that the official forward really uses sign(W)). Unused entries
 * (e.g. FFN `activation1`) may be absent.
 */
export function checkLayerWeights(layer: Layer, ws: WeightSet, threshold: number): void {
  for (const spec of layerParams(layer)) if (spec.used) checkParam(spec, ws, threshold, layer.name);
}

function checkParam(spec: ParamSpec, ws: WeightSet, threshold: number, layer: string): void {
  const t = param(ws, spec.name, spec.shape);
  // binary conv weights only need a sign: +-inf is fine and packWeights rejects NaN while packing
  if (spec.role === 'binary_conv_weight') return;
  const bad = firstNonFinite(t.data);
  if (bad >= 0) fail('E_NAN', `weight '${spec.name}' (layer ${layer}) has a non-finite value ${t.data[bad]} at flat index ${bad}`, { field: spec.name });
  if (spec.role === 'bn_running_var') {
    const neg = t.data.findIndex((v) => v < 0);
    if (neg >= 0) fail('E_WEIGHTS', `weight '${spec.name}' has a negative variance ${t.data[neg]} at channel ${neg}`, { field: spec.name });
  }
  if (spec.role === 'temperature' && spec.name.endsWith('.binary_conv.temperature') && !(t.data[0]! < threshold))
    fail(
      'E_WEIGHTS',
      `weight '${spec.name}' is ${t.data[0]}, not below ${threshold}: the official forward would use clamp(W / T, -1, 1) instead of sign(W), which binary hardware cannot compute (a checkpoint saved before the end of training?)`,
      { field: spec.name },
    );
}
