import { describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import type { Network } from '../../src/dsl/network.js';
import { networkParams } from '../../src/dsl/params.js';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { runFloat } from '../../src/ref/float/index.js';
import type { Tensor } from '../../src/tensor.js';
import { Rng } from '../../src/util/rng.js';
import { defaultCalibrationImages, randomWeights } from '../../src/weights/random.js';

const bytes = (ws: ReadonlyMap<string, Tensor>) => [...ws].map(([n, t]) => [n, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')]);

describe('seeded PRNG', () => {
  it('is deterministic per seed and stream, and normal() has mean 0 and std 1', () => {
    const draw = (seed: number, stream = 0) => {
      const r = new Rng(seed, stream);
      return Array.from({ length: 5 }, () => r.nextU32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
    const r = new Rng(3);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(s2 / n) - 1)).toBeLessThan(0.01);
    const u = new Rng(4);
    for (let i = 0; i < 1000; i++) {
      const v = u.uniform();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });
});

describe('randomWeights', () => {
  const tiny = zooNetwork('tiny', { input: 32, classes: 10 });
  const b18 = zooNetwork('bnext18', { input: 32, classes: 10 });

  it('writes every state_dict entry with its shape, plausible ranges and fixed buffers', () => {
    const ws = randomWeights(b18, 1, { calibrationImages: 0 });
    const specs = networkParams(b18);
    expect([...ws.keys()]).toEqual(specs.map((p) => p.name));
    for (const p of specs) expect(ws.get(p.name)!.shape, p.name).toEqual([...p.shape]);
    const all = (role: string) => specs.filter((p) => p.role === role).flatMap((p) => Array.from(ws.get(p.name)!.data));
    expect(all('bn_num_batches_tracked').every((v) => v === 0)).toBe(true);
    expect(all('prelu_weight').every((v) => v >= 0.05 && v <= 0.45)).toBe(true);
    expect(all('scale_lambda').every((v) => v >= 0.2 && v <= 0.8)).toBe(true);
    for (const p of specs.filter((q) => q.role === 'temperature'))
      expect(ws.get(p.name)!.data[0], p.name).toBe(p.name.endsWith('binary_conv.temperature') ? Math.fround(1e-8) : 1);
    const norm1 = specs.filter((p) => p.name.endsWith('norm1.weight')).flatMap((p) => Array.from(ws.get(p.name)!.data));
    const negative = norm1.filter((v) => v < 0).length / norm1.length;
    expect(negative).toBeGreaterThan(0.05);
    expect(negative).toBeLessThan(0.15);
    const gammas = (f: (name: string) => boolean) => specs.filter((p) => p.role === 'bn_weight' && f(p.name)).flatMap((p) => Array.from(ws.get(p.name)!.data));
    expect(gammas((n) => n.endsWith('norm2.weight')).every((v) => v >= 0.3 && v <= 0.9)).toBe(true);
    const rest = gammas((n) => !n.endsWith('norm1.weight') && !n.endsWith('norm2.weight'));
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((v) => v >= 0.5 && v <= 1.5)).toBe(true);
    const bin = all('binary_conv_weight');
    const std = Math.sqrt(bin.reduce((a, v) => a + v * v, 0) / bin.length);
    expect(std).toBeGreaterThan(0.009);
    expect(std).toBeLessThan(0.011);
  });

  it('same seed -> identical bytes; another seed -> different values', () => {
    const a = randomWeights(b18, 42, { calibrationImages: 1 });
    const b = randomWeights(b18, 42, { calibrationImages: 1 });
    const c = randomWeights(b18, 43, { calibrationImages: 1 });
    expect(bytes(a)).toEqual(bytes(b));
    expect(bytes(a)).not.toEqual(bytes(c));
  });

  it('calibration sets running statistics from the BatchNorm inputs', () => {
    const raw = randomWeights(b18, 9, { calibrationImages: 0 });
    const cal = randomWeights(b18, 9, { calibrationImages: 2 });
    expect(Array.from(raw.get('layer1.0.Attention.norm1.running_var')!.data).every((v) => v === 1)).toBe(true);
    // a binary 3x3 conv over 64 channels sums 576 +-1 terms: its variance is far above 1
    const v1 = Array.from(cal.get('layer1.0.Attention.norm1.running_var')!.data);
    expect(Math.min(...v1)).toBeGreaterThan(20);
    expect(Array.from(cal.get('layer1.0.Attention.binary_conv.weight')!.data)).toEqual(Array.from(raw.get('layer1.0.Attention.binary_conv.weight')!.data));
  });

  it('chooses enough calibration images for tiny maps', () => {
    expect(defaultCalibrationImages(zooNetwork('tiny'))).toBe(2);
    expect(defaultCalibrationImages(tiny)).toBe(16);
    expect(defaultCalibrationImages(b18)).toBe(4);
  });

  /** Per-channel std of every module output over `n` fresh images; returns [min, max] over all. */
  function stdRange(net: Network, seed: number, n: number): [number, number] {
    const ws = randomWeights(net, seed);
    const acc = new Map<string, { s: Float64Array; s2: Float64Array; count: number }>();
    const rng = new Rng(1000 + seed);
    for (let k = 0; k < n; k++) {
      const [c, h, w] = net.input;
      const img: Tensor = { shape: [c, h, w], data: Float32Array.from({ length: c * h * w }, () => rng.normal()) };
      runFloat(net, ws, img, {
        onLayer: (name, t) => {
          if (t.shape.length !== 3) return;
          const [ch, hh, ww] = t.shape as [number, number, number];
          const a = acc.get(name) ?? { s: new Float64Array(ch), s2: new Float64Array(ch), count: 0 };
          acc.set(name, a);
          a.count += hh * ww;
          for (let q = 0; q < ch; q++)
            for (let i = q * hh * ww; i < (q + 1) * hh * ww; i++) {
              a.s[q] += t.data[i]!;
              a.s2[q] += t.data[i]! ** 2;
            }
        },
      });
    }
    let lo = Infinity;
    let hi = 0;
    for (const a of acc.values())
      for (let q = 0; q < a.s.length; q++) {
        const m = a.s[q]! / a.count;
        const sd = Math.sqrt(Math.max(0, a.s2[q]! / a.count - m * m));
        lo = Math.min(lo, sd);
        hi = Math.max(hi, sd);
      }
    return [lo, hi];
  }

  for (const [label, net] of [
    ['tiny@32', tiny],
    ['bnext18@32', b18],
  ] as const)
    it(`${label}: every module output has per-channel std within [0.1, 10] on fresh images`, () => {
      const [lo, hi] = stdRange(net, 5, 4);
      expect(lo).toBeGreaterThan(0.1);
      expect(hi).toBeLessThan(10);
    });

  it('rejects a bad seed or calibration count with E_ARG', () => {
    expect(() => randomWeights(b18, -1)).toThrow(BnextError);
    expect(() => randomWeights(b18, 1.5)).toThrow(/seed must be an integer/);
    expect(() => randomWeights(b18, 1, { calibrationImages: -2 })).toThrow(/calibrationImages/);
  });
});
