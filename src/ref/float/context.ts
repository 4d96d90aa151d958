/**
 * What a layer forward needs besides its inputs, and small helpers shared by the layer forwards.
 */
import type { Family, ModuleLayer } from '../../dsl/network.js';
import type { Tensor } from '../../tensor.js';
import type { WeightSet } from '../../weights/types.js';
import { bnParams } from './access.js';
import type { PackedWeights } from './binconv.js';
import { batchNorm } from './ops.js';

/** Receives a named intermediate of a layer (see `ModuleStage` for module stage names). */
export type IntermediateHook = (layerName: string, stage: string, t: Tensor) => void;

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

/** A dump function for one layer, or null when no hook is installed. */
export function dumper(ctx: LayerContext, layer: string): ((stage: string, ts: readonly Tensor[]) => void) | null {
  const hook = ctx.onIntermediate;
  return hook ? (stage, ts) => ts.forEach((t) => hook(layer, stage, t)) : null;
}

/** BatchNorm `prefix` over every image (after the calibration hook, if any). */
export function applyBN(ctx: LayerContext, prefix: string, ts: readonly Tensor[]): Tensor[] {
  ctx.beforeBatchNorm?.(prefix, ts);
  const p = bnParams(ctx.ws, prefix, ts[0]!.shape[0]!);
  return ts.map((t) => batchNorm(t, p));
}
