/** Small hand-made networks and weights for the float reference tests. */
import { NetworkBuilder, type ModuleOptions } from '../../../src/dsl/builder.js';
import type { ModuleLayer, Network } from '../../../src/dsl/network.js';
import { networkParams, numel } from '../../../src/dsl/params.js';
import type { Tensor } from '../../../src/tensor.js';

/** A network input(3, hw) -> stem(c) -> one module -> head; returns it and the module layer. */
export function oneModuleNet(c: number, hw: number, mod: Omit<ModuleOptions, 'name'>, family: 'bnext' | 'bnext18' = 'bnext'): { net: Network; layer: ModuleLayer } {
  const b = new NetworkBuilder({ name: 'one', input: [3, hw, hw], classes: 2, family });
  const t = b.stem(b.input(), { channels: c, kernel: 3, stride: 1 });
  b.module(t, { name: 'm', ...mod });
  const net = b.head('m').build();
  return { net, layer: net.layers.find((l) => l.name === 'm') as ModuleLayer };
}

/**
 * Deterministic simple weights for every entry of `net`, from closed-form patterns (no RNG).
 * Binary weights are never exactly 0; every fourth BN1 gamma is negative.
 */
export function patternWeights(net: Network, opts: { lambda?: (c: number) => number } = {}): Map<string, Tensor> {
  const ws = new Map<string, Tensor>();
  for (const p of networkParams(net)) {
    const n = numel(p.shape);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      switch (p.role) {
        case 'binary_conv_weight':
          v[i] = (((i * 37) % 11) - 5 + 0.5) * 0.01;
          break;
        case 'move_bias':
          v[i] = (((i * 3) % 5) - 2) * 0.1;
          break;
        case 'bn_weight':
          v[i] = p.name.endsWith('norm1.weight') && i % 4 === 2 ? -0.7 : 0.5 + 0.1 * i;
          break;
        case 'bn_bias':
          v[i] = 0.05 * i - 0.1;
          break;
        case 'bn_running_mean':
          v[i] = p.name.includes('norm1') ? i - 4 : 0.3 * i - 1;
          break;
        case 'bn_running_var':
          v[i] = p.name.includes('norm1') ? 20 + 3 * i : 1 + 0.5 * i;
          break;
        case 'prelu_weight':
          v[i] = 0.1 + 0.03 * i;
          break;
        case 'scale_lambda':
          v[i] = opts.lambda ? opts.lambda(i) : 0.3 + 0.05 * i;
          break;
        case 'se_conv_weight':
        case 'stem_conv_weight':
        case 'downsample_conv_weight':
        case 'fc_weight':
          v[i] = (((i * 5) % 7) - 3) * 0.2;
          break;
        case 'se_conv_bias':
        case 'fc_bias':
          // a large first-layer SE bias keeps the ReLU hidden units alive, so the gate depends on the mix
          v[i] = p.name.endsWith('se.se.1.bias') ? 2 + 0.1 * i : 0.1 - 0.02 * i;
          break;
        case 'temperature':
          v[i] = p.name.endsWith('binary_conv.temperature') ? 1e-8 : 1;
          break;
        case 'bn_num_batches_tracked':
          v[i] = 0;
          break;
      }
    }
    ws.set(p.name, { shape: [...p.shape], data: v });
  }
  return ws;
}

/** A deterministic [c, h, w] map with values in about [-1.5, 1.5] and no exact zeros after a move. */
export function patternMap(c: number, h: number, w: number, phase = 0): Tensor {
  return { shape: [c, h, w], data: Float32Array.from({ length: c * h * w }, (_, i) => 1.5 * Math.sin(0.77 * i + 0.31 + phase)) };
}

/** Largest absolute difference between two arrays of equal length (Infinity on length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
