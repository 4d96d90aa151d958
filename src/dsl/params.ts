/**
 * Parameter tensors of each layer, named and ordered exactly as the official PyTorch state_dict
 * (../shared/keys/keys-<size>.json). Counting (`info`), the weights loader and the random-weight
 * writer all read this one list.
 */
import type { Layer, Network } from './network.js';

/** Roles as the keys files name them. */
export type ParamRole =
  | 'stem_conv_weight'
  | 'bn_weight'
  | 'bn_bias'
  | 'bn_running_mean'
  | 'bn_running_var'
  | 'bn_num_batches_tracked'
  | 'prelu_weight'
  | 'scale_lambda'
  | 'move_bias'
  | 'temperature'
  | 'binary_conv_weight'
  | 'se_conv_weight'
  | 'se_conv_bias'
  | 'downsample_conv_weight'
  | 'fc_weight'
  | 'fc_bias';

/** One state_dict entry. */
export interface ParamSpec {
  /** Full checkpoint name, e.g. `feature.1.Attention.norm1.weight`. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: ParamRole;
  /** A registered buffer (BatchNorm statistics, temperatures), not an nn.Parameter. */
  readonly buffer: boolean;
  /** Whether the eval-mode forward reads it. */
  readonly used: boolean;
  /** Stored dtype in an official checkpoint. */
  readonly dtype: 'F32' | 'I64';
}

const P = (name: string, shape: readonly number[], role: ParamRole, used = true): ParamSpec => ({
  name,
  shape,
  role,
  buffer: false,
  used,
  dtype: 'F32',
});
const B = (name: string, shape: readonly number[], role: ParamRole, used: boolean): ParamSpec => ({
  name,
  shape,
  role,
  buffer: true,
  used,
  dtype: role === 'bn_num_batches_tracked' ? 'I64' : 'F32',
});

/** The five entries of an eval-mode BatchNorm2d. */
function batchNorm(prefix: string, c: number): ParamSpec[] {
  return [
    P(`${prefix}.weight`, [c], 'bn_weight'),
    P(`${prefix}.bias`, [c], 'bn_bias'),
    B(`${prefix}.running_mean`, [c], 'bn_running_mean', true),
    B(`${prefix}.running_var`, [c], 'bn_running_var', true),
    B(`${prefix}.num_batches_tracked`, [], 'bn_num_batches_tracked', false),
  ];
}

/** State_dict entries of one layer, in official order. */
export function layerParams(layer: Layer): ParamSpec[] {
  switch (layer.kind) {
    case 'input':
    case 'maxpool':
    case 'concat':
      return [];
    case 'stem': {
      const [cin] = layer.inShape;
      const [cout] = layer.outShape;
      const out = [
        P(`${layer.convName}.weight`, [cout, cin, layer.kernel, layer.kernel], 'stem_conv_weight'),
        ...batchNorm(layer.bnName, cout),
      ];
      if (layer.unusedPreluName) out.push(P(`${layer.unusedPreluName}.weight`, [cout], 'prelu_weight', false));
      return out;
    }
    case 'module': {
      const n = layer.name;
      const cin = layer.inShape[0];
      const cout = layer.outShape[0];
      const k = layer.kernel;
      const h = layer.seHidden;
      const out: ParamSpec[] = [
        P(`${n}.scale`, [1, cout, 1, 1], 'scale_lambda'),
        P(`${n}.move.bias`, [1, cin, 1, 1], 'move_bias'),
        B(`${n}.binary_activation.temperature`, [1], 'temperature', false),
        P(`${n}.binary_conv.weight`, [cout, cin, k, k], 'binary_conv_weight'),
        B(`${n}.binary_conv.temperature`, [1], 'temperature', true),
        ...batchNorm(`${n}.norm1`, cout),
        ...batchNorm(`${n}.norm2`, cout),
        P(`${n}.activation1.weight`, [cin], 'prelu_weight', !layer.unusedActivation1),
        P(`${n}.activation2.weight`, [cout], 'prelu_weight'),
      ];
      if (layer.downsample) {
        out.push(P(`${n}.downsample.1.weight`, [cout, cin, 1, 1], 'downsample_conv_weight'));
        out.push(...batchNorm(`${n}.downsample.2`, cout));
      }
      out.push(
        P(`${n}.se.se.1.weight`, [h, cout, 1, 1], 'se_conv_weight'),
        P(`${n}.se.se.1.bias`, [h], 'se_conv_bias'),
        P(`${n}.se.se.3.weight`, [cout, h, 1, 1], 'se_conv_weight'),
        P(`${n}.se.se.3.bias`, [cout], 'se_conv_bias'),
      );
      return out;
    }
    case 'head': {
      const c = layer.inShape[0];
      return [
        P(`${layer.preluName}.weight`, [c], 'prelu_weight'),
        P(`${layer.fcName}.weight`, [layer.classes, c], 'fc_weight'),
        P(`${layer.fcName}.bias`, [layer.classes], 'fc_bias'),
      ];
    }
  }
}

/** Every state_dict entry of a network, in official order. */
export function networkParams(net: Network): ParamSpec[] {
  return net.layers.flatMap(layerParams);
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
