import { beforeAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../../src/diag.js';
import type { Network } from '../../../src/dsl/network.js';
import { zooNetwork } from '../../../src/dsl/zoo.js';
import { runFloat, runFloatBatch } from '../../../src/ref/float/index.js';
import type { Tensor } from '../../../src/tensor.js';
import type { WeightSet } from '../../../src/weights/types.js';
import { randomWeights } from '../../../src/weights/random.js';
import { Rng } from '../../../src/util/rng.js';

function image(net: Network, seed: number): Tensor {
  const rng = new Rng(seed);
  const [c, h, w] = net.input;
  return { shape: [c, h, w], data: Float32Array.from({ length: c * h * w }, () => rng.normal()) };
}

function errorOf(f: () => unknown): BnextError {
  try {
    f();
  } catch (e) {
    if (e instanceof BnextError) return e;
    throw e;
  }
  throw new Error('expected a BnextError');
}

describe('whole networks', () => {
  let tiny: Network;
  let tinyWs: WeightSet;
  beforeAll(() => {
    tiny = zooNetwork('tiny', { input: 32, classes: 10 });
    tinyWs = randomWeights(tiny, 11);
  });

  it('BNext-Tiny at 32x32 (10 classes) gives 10 finite logits, and every layer reports in order', () => {
    const names: string[] = [];
    const logits = runFloat(tiny, tinyWs, image(tiny, 1), { onLayer: (n) => names.push(n) });
    expect(logits.shape).toEqual([10]);
    expect(Array.from(logits.data).every(Number.isFinite)).toBe(true);
    expect(names).toEqual(tiny.layers.filter((l) => l.kind !== 'input').map((l) => l.name));
  });

  it('BNext-18 at 32x32 and at 64x64 with the ImageNet stem (7x7 conv + max-pool) give finite logits', () => {
    for (const [input, classes] of [
      [32, 10],
      [64, 1000],
    ] as const) {
      const net = zooNetwork('bnext18', { input, classes });
      const logits = runFloat(net, randomWeights(net, 3), image(net, 2));
      expect(logits.shape).toEqual([classes]);
      expect(Array.from(logits.data).every(Number.isFinite)).toBe(true);
    }
  });

  it('a batch of 2 equals two single runs, bit for bit; hooks do not change results', () => {
    const a = image(tiny, 5);
    const b = image(tiny, 6);
    const batch: Tensor = { shape: [2, ...tiny.input], data: Float32Array.from([...a.data, ...b.data]) };
    const out = runFloatBatch(tiny, tinyWs, batch);
    expect(out.shape).toEqual([2, 10]);
    const la = runFloat(tiny, tinyWs, a);
    const stages = new Set<string>();
    const lb = runFloat(tiny, tinyWs, b, { onIntermediate: (_l, s) => stages.add(s) });
    expect(Array.from(out.data)).toEqual([...la.data, ...lb.data]);
    expect(Array.from(la.data)).not.toEqual(Array.from(lb.data));
    for (const s of ['sign_in', 'conv', 'bn1', 'prelu2', 'prelu1', 'residual', 'mix', 'gap', 'se_hidden', 'gate', 'gated', 'product', 'bn2', 'out', 'bn', 'logits'])
      expect(stages.has(s), s).toBe(true);
  });

  it('rejects a wrong image shape (E_SHAPE naming expected and got) and NaN input (E_NAN)', () => {
    const bad: Tensor = { shape: [3, 32, 31], data: new Float32Array(3 * 32 * 31) };
    const e = errorOf(() => runFloat(tiny, tinyWs, bad));
    expect(e.code).toBe('E_SHAPE');
    expect(e.message).toMatch(/\[3, 32, 32\].*got \[3, 32, 31\]/);
    const img = image(tiny, 1);
    img.data[32 * 32 + 5 * 32 + 7] = NaN;
    const n = errorOf(() => runFloat(tiny, tinyWs, img));
    expect(n.code).toBe('E_NAN');
    expect(n.message).toMatch(/\[1, 5, 7\]/);
    const e2 = errorOf(() => runFloatBatch(tiny, tinyWs, image(tiny, 1)));
    expect(e2.code).toBe('E_SHAPE');
  });

  it('rejects missing weights, NaN weights and a binary temperature not below the threshold', () => {
    const missing = new Map(tinyWs);
    missing.delete('feature.3.FFN.norm2.running_var');
    const e = errorOf(() => runFloat(tiny, missing, image(tiny, 1)));
    expect(e.code).toBe('E_WEIGHTS');
    expect(e.message).toMatch(/feature\.3\.FFN\.norm2\.running_var/);

    const nan = new Map(tinyWs);
    const bias = tinyWs.get('feature.2.Attention.move.bias')!;
    nan.set('feature.2.Attention.move.bias', { shape: bias.shape, data: Float32Array.from(bias.data, (v, i) => (i === 3 ? NaN : v)) });
    expect(errorOf(() => runFloat(tiny, nan, image(tiny, 1))).code).toBe('E_NAN');

    const warm = new Map(tinyWs);
    warm.set('feature.5.FFN.binary_conv.temperature', { shape: [1], data: Float32Array.of(1) });
    const t = errorOf(() => runFloat(tiny, warm, image(tiny, 1)));
    expect(t.code).toBe('E_WEIGHTS');
    expect(t.message).toMatch(/clamp\(W \/ T, -1, 1\)/);

    const unused = new Map(tinyWs);
    unused.delete('feature.3.FFN.activation1.weight'); // never applied in FFN modules
    expect(runFloat(tiny, unused, image(tiny, 1)).shape).toEqual([10]);
  });
});
