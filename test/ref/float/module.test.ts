import { describe, expect, it } from 'vitest';
import { NetworkBuilder } from '../../../src/dsl/builder.js';
import type { ModuleLayer } from '../../../src/dsl/network.js';
import {
  add,
  batchNorm,
  bnParams,
  forwardLayer,
  gap,
  mixChannels,
  mul,
  prelu,
  runFloat,
  scaleChannels,
  avgPool2,
} from '../../../src/ref/float/index.js';
import type { Tensor } from '../../../src/tensor.js';
import { maxAbsDiff, oneModuleNet, patternMap, patternWeights } from './fixtures.js';
import { fromFlat, naiveModule, toFlat, type Map3, type NaiveModuleSpec } from './naive.js';

type ModOpts = Parameters<typeof oneModuleNet>[2];

/** Runs one module through forwardLayer and the naive scalar model; returns both stage sets. */
function compare(c: number, hw: number, mod: ModOpts, family: 'bnext' | 'bnext18' = 'bnext', lambda?: (c: number) => number) {
  const { net, layer } = oneModuleNet(c, hw, mod, family);
  const ws = patternWeights(net, lambda ? { lambda } : {});
  const x = patternMap(c, hw, hw);
  const stages = new Map<string, Tensor>();
  const out = forwardLayer(layer, ws, [x], { family, onIntermediate: (_l, s, t) => stages.set(s, t) });
  const spec: NaiveModuleSpec = {
    cin: layer.inShape[0],
    cout: layer.outShape[0],
    k: layer.kernel,
    stride: layer.stride,
    variant: layer.variant,
    residual: layer.residual,
    mixSource: layer.mixSource,
    downsample: layer.downsample,
    hidden: layer.seHidden,
    clampLambda: layer.variant === 'ffn1x1' || (layer.variant === 'ffn3x3' && family === 'bnext18'),
  };
  const get = (name: string) => ws.get(name)!.data;
  const ref = naiveModule(spec, 'm', get, fromFlat(x.data, c, hw, hw));
  // the SE hidden units are alive, so the gate (and the output) depends on the mix
  expect(Math.min(...stages.get('se_hidden')!.data)).toBeGreaterThan(0);
  return { layer, out, stages, ref, ws, x };
}

const flat = (v: Map3 | number[]) => (Array.isArray(v[0]) ? toFlat(v as Map3) : (v as number[]));

/** Relative agreement between float32-stored stages and the float64 scalar model. */
function expectClose(got: Tensor, want: Map3 | number[], what: string): void {
  const w = flat(want);
  const scale = Math.max(1, ...w.map(Math.abs));
  expect(maxAbsDiff(got.data, w) / scale, what).toBeLessThan(2e-6);
}

describe('one module against a scalar float64 model written from the formulas', () => {
  it('FFN_1x1 on a 4x4 map, C = 8 (SE hidden 1): every stage', () => {
    const { out, stages, ref, layer } = compare(8, 4, { variant: 'ffn1x1' });
    expect(layer.seHidden).toBe(1);
    expect(Array.from(stages.get('conv')!.data)).toEqual(flat(ref['conv']!)); // integers, exact
    for (const s of ['bn1', 'prelu2', 'mix', 'gap', 'gate', 'bn2', 'out']) expectClose(stages.get(s)!, ref[s]!, s);
    expect(out.shape).toEqual([8, 4, 4]);
    expectClose(out, ref['out']!, 'out');
  });

  it('FFN_3x3 on a 4x4 map, C = 8: every stage', () => {
    const { out, stages, ref } = compare(8, 4, { variant: 'ffn3x3' });
    expect(Array.from(stages.get('conv')!.data)).toEqual(flat(ref['conv']!));
    for (const s of ['bn1', 'prelu2', 'residual', 'mix', 'gap', 'gate', 'bn2']) expectClose(stages.get(s)!, ref[s]!, s);
    expectClose(out, ref['out']!, 'out');
  });

  it('ELM-Attention, stride 2 (4x4 -> 2x2): PReLU residual, product before BN2, mix with pool(x)', () => {
    const { out, stages, ref } = compare(8, 4, { variant: 'elm', stride: 2 });
    expect(out.shape).toEqual([8, 2, 2]);
    expect(Array.from(stages.get('conv')!.data)).toEqual(flat(ref['conv']!));
    for (const s of ['residual', 'mix', 'gate', 'bn2']) expectClose(stages.get(s)!, ref[s]!, s);
    expectClose(out, ref['out']!, 'out');
  });

  it('FFN_3x3 stride 2 pools the input for the residual and the mix', () => {
    const { out, ref } = compare(8, 4, { variant: 'ffn3x3', stride: 2 });
    expect(out.shape).toEqual([8, 2, 2]);
    expectClose(out, ref['out']!, 'out');
  });

  it('BNext-18 downsample path: r = BN(conv1x1(avgpool(PReLU1(x)))), 8 -> 16 channels, mix with r', () => {
    const mod: ModOpts = { variant: 'elm', stride: 2, out: 16, residual: 'prelu', mixSource: 'residual', downsample: true };
    const { out, stages, ref } = compare(8, 4, mod, 'bnext18');
    expect(out.shape).toEqual([16, 2, 2]);
    expect(stages.get('residual')!.shape).toEqual([16, 2, 2]);
    for (const s of ['residual', 'mix', 'gate', 'bn2']) expectClose(stages.get(s)!, ref[s]!, s);
    expectClose(out, ref['out']!, 'out');
  });

  it('BNext-18 stride-1 ELM mixes with r = PReLU1(x), not with x', () => {
    const { out, stages, ref, x, ws } = compare(8, 4, { variant: 'elm', residual: 'prelu', mixSource: 'residual' }, 'bnext18');
    expectClose(out, ref['out']!, 'out');
    expectClose(stages.get('residual')!, ref['residual']!, 'residual');
    expectClose(stages.get('mix')!, ref['mix']!, 'mix');
    // and mixing with x instead would differ (x has negative entries that PReLU1 shrinks)
    expect(Array.from(x.data).some((v) => v < 0)).toBe(true);
    const withX = mixChannels(x, stages.get('prelu2')!, ws.get('m.scale')!.data);
    expect(maxAbsDiff(withX.data, stages.get('mix')!.data)).toBeGreaterThan(1e-2);
  });

  it('lambda is clamped to [0, 1] in eval where the official code clamps it (FFN_1x1), not in ELM', () => {
    const lambda = (c: number) => (c % 2 === 0 ? 1.3 : -0.2);
    const ffn = compare(8, 4, { variant: 'ffn1x1' }, 'bnext', lambda);
    expectClose(ffn.out, ffn.ref['out']!, 'ffn1x1 out');
    const elm = compare(8, 4, { variant: 'elm' }, 'bnext', lambda);
    expectClose(elm.out, elm.ref['out']!, 'elm out');
    // and the clamp matters: an unclamped FFN_1x1 mix differs
    const mixAt0 = ffn.stages.get('mix')!.data[0]!;
    const y0 = ffn.stages.get('prelu2')!.data[0]!;
    expect(mixAt0).toBeCloseTo(ffn.x.data[0]!, 6); // lambda 1.3 clamped to 1 -> mix = x
    expect(Math.abs(mixAt0 - (1.3 * ffn.x.data[0]! - 0.3 * y0))).toBeGreaterThan(1e-3);
  });
});

describe('fused passes equal the composed primitives bit for bit', () => {
  for (const variant of ['ffn3x3', 'elm'] as const)
    it(`${variant}: each dumped stage recomputed from the previous one with ops.ts`, () => {
      const { stages, ws, x } = compare(8, 4, { variant, stride: 2 });
      const st = (s: string) => stages.get(s)!;
      const same = (a: Tensor, b: Tensor) => expect(Array.from(a.data)).toEqual(Array.from(b.data));
      same(st('bn1'), batchNorm(st('conv'), bnParams(ws, 'm.norm1', 8)));
      same(st('prelu2'), prelu(st('bn1'), ws.get('m.activation2.weight')!.data));
      const src = variant === 'elm' ? avgPool2(x) : st('residual');
      same(st('mix'), mixChannels(src, st('prelu2'), ws.get('m.scale')!.data));
      same(st('gap'), gap(st('mix')));
      same(st('gated'), scaleChannels(st('prelu2'), st('gate').data));
      const pre = variant === 'elm' ? mul(st('gated'), st('residual')) : st('gated');
      if (variant === 'elm') same(st('product'), pre);
      same(st('bn2'), batchNorm(pre, bnParams(ws, 'm.norm2', 8)));
      same(st('out'), add(st('bn2'), st('residual')));
    });
});

describe('blocks', () => {
  it('a widening BasicBlock concatenates FFN_1 then FFN_2', () => {
    const b = new NetworkBuilder({ name: 'blk', input: [3, 4, 4], classes: 2 });
    const t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 1 });
    const net = b.head(b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' })).build();
    const ws = patternWeights(net);
    // make the two FFNs differ
    const move2 = ws.get('feature.1.FFN_2.move.bias')!.data;
    for (let i = 0; i < move2.length; i++) move2[i] = -0.3 + 0.07 * i;
    const outs = new Map<string, Tensor>();
    runFloat(net, ws, patternMap(3, 4, 4), { onLayer: (n, o) => outs.set(n, o) });
    const f1 = outs.get('feature.1.FFN_1')!.data;
    const f2 = outs.get('feature.1.FFN_2')!.data;
    const cat = outs.get('feature.1.cat')!;
    expect(cat.shape).toEqual([16, 4, 4]);
    expect(Array.from(cat.data.subarray(0, f1.length))).toEqual(Array.from(f1));
    expect(Array.from(cat.data.subarray(f1.length))).toEqual(Array.from(f2));
    expect(maxAbsDiff(f1, f2)).toBeGreaterThan(1e-3);
  });

  it('forwardLayer rejects an input of the wrong shape with E_SHAPE', () => {
    const { net, layer } = oneModuleNet(8, 4, { variant: 'ffn1x1' });
    const ws = patternWeights(net);
    expect(() => forwardLayer(layer as ModuleLayer, ws, [patternMap(8, 5, 4)])).toThrow(/input must be \[8, 4, 4\], got \[8, 5, 4\]/);
  });
});
