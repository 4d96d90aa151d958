import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import { countNetwork, DEFAULT_BIT_WIDTHS, parseBitWidths } from '../../src/dsl/count.js';
import { zooNetwork } from '../../src/dsl/zoo.js';

const keysDir = fileURLToPath(new URL('../../../shared/keys/', import.meta.url));

/** stem 3->16 (3x3 s1) at 32x32, then one BNext block 16->32 at stride 2 (ELM + FFN_1/FFN_2), head 32->10. */
function miniNet() {
  const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 16, kernel: 3, stride: 1 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

describe('countNetwork on a hand-checkable network', () => {
  // Hand derivation from the formulas (not from the implementation).
  const C = 16; // module width
  const h = C / 8; // SE hidden units
  const classes = 10;
  const stemConv = C * 3 * 3 * 3;
  const stemParams = stemConv + 2 * C /* bn1 weight+bias */ + C; /* unused prelu */
  // per module: scale, move, binary conv, norm1 (2C), norm2 (2C), activation1, activation2, SE (h*C + h + C*h + C)
  const se = h * C + h + C * h + C;
  const moduleParams = (k: number) => C + C + C * C * k * k + 2 * C + 2 * C + C + C + se;
  const headParams = 2 * C /* prelu */ + 2 * C * classes /* fc weight */ + classes; /* fc bias */
  const binary = C * C * 9 + 2 * C * C;

  const net = miniNet();
  const c = countNetwork(net);

  it('counts parameters: all nn.Parameters, buffers excluded', () => {
    expect(c.params.total).toBe(stemParams + moduleParams(3) + 2 * moduleParams(1) + headParams);
    expect(c.params.binary).toBe(binary);
    expect(c.params.other).toBe(c.params.total - binary);
  });

  it('counts BOPs over full windows at the output resolution and FLOPs of stem, SE and FC', () => {
    const bopsElm = C * C * 9 * 16 * 16; // stride 2: 32x32 -> 16x16
    const bopsFfn = C * C * 1 * 16 * 16;
    expect(c.ops.bops).toBe(bopsElm + 2 * bopsFfn);
    const flops = C * 3 * 9 * 32 * 32 + 3 * (C * h + h * C) + 2 * C * classes;
    expect(c.ops.flops).toBe(flops);
    expect(c.ops.ops).toBe((bopsElm + 2 * bopsFfn) / 64 + flops);
  });

  it('has one row per layer with kinds, shapes and strides', () => {
    expect(c.layers.map((r) => [r.name, r.kind, r.stride])).toEqual([
      ['feature.0', 'stem', 1],
      ['feature.1.Attention', 'elm', 2],
      ['feature.1.FFN_1', 'ffn1x1', 1],
      ['feature.1.FFN_2', 'ffn1x1', 1],
      ['feature.1.cat', 'concat', 1],
      ['head', 'head', 1],
    ]);
    expect(c.layers[1]!.outShape).toEqual([16, 16, 16]);
    expect(c.layers.reduce((a, r) => a + r.params, 0)).toBe(c.params.total);
  });

  it('sizes the model at the chosen bit widths (SE/FC biases are "other")', () => {
    const seWeights = 3 * 2 * C * h;
    const fcWeights = 2 * C * classes;
    const other = c.params.total - binary - stemConv - seWeights - fcWeights;
    const bits = binary * 1 + stemConv * 8 + seWeights * 4 + fcWeights * 8 + other * 32;
    expect(c.size.totalBits).toBe(bits);
    expect(c.size.bytes).toBe(bits / 8);
    const wide = countNetwork(net, { binary: 1, stem: 32, se: 32, fc: 32, other: 32 });
    expect(wide.size.totalBits).toBe(binary + (c.params.total - binary) * 32);
    expect(c.binaryWeightBits).toBe(binary);
  });

  it('lists module-input maps, sharing the map FFN_1 and FFN_2 both read', () => {
    expect(c.maps.moduleInputs.map((m) => [m.tensor, m.values, m.readers])).toEqual([
      ['feature.0', C * 32 * 32, ['feature.1.Attention']],
      ['feature.1.Attention', C * 16 * 16, ['feature.1.FFN_1', 'feature.1.FFN_2']],
    ]);
    expect(c.maps.moduleInputValues).toBe(C * 32 * 32 + C * 16 * 16);
    expect(c.maps.largest?.tensor).toBe('feature.0');
  });

  it('counts the BNext-18 downsample 1x1 conv as FLOPs', () => {
    const b = new NetworkBuilder({ name: 'b18', input: [3, 16, 16], classes: 10 });
    let t = b.stem(b.input(), { channels: 16, kernel: 3, stride: 1 });
    t = b.bnext18Block(t, { name: 'feature.1', out: 32, stride: 2 });
    const n = countNetwork(b.head(t).build());
    const att = n.layers.find((r) => r.name === 'feature.1.Attention')!;
    // ELM 16 -> 32 at stride 2: binary conv 32x16x3x3 at 8x8; downsample 32x16 at 8x8; SE on 32 channels
    expect(att.bops).toBe(32 * 16 * 9 * 8 * 8);
    expect(att.flops).toBe(32 * 16 * 8 * 8 + 2 * 32 * 4);
  });
});

describe('countNetwork on the zoo', () => {
  it('tiny@224: params total equals the non-buffer elements of the official state_dict', () => {
    const keys = JSON.parse(readFileSync(`${keysDir}keys-tiny.json`, 'utf8')) as { keys: { shape: number[]; role: string }[] };
    const buffers = new Set(['bn_running_mean', 'bn_running_var', 'bn_num_batches_tracked', 'temperature']);
    const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const params = keys.keys.filter((k) => !buffers.has(k.role)).reduce((a, k) => a + n(k.shape), 0);
    const binary = keys.keys.filter((k) => k.role === 'binary_conv_weight').reduce((a, k) => a + n(k.shape), 0);
    const c = countNetwork(zooNetwork('tiny'));
    expect(c.params.total).toBe(params);
    expect(c.params.binary).toBe(binary);
  });

  it('reproduces the binary weight bits and map sizes of BUDGETS.md (1 Mbit = 10^6 bits)', () => {
    const mbit = (bits: number) => Number((bits / 1e6).toFixed(2));
    const table: [string, number, number, number][] = [
      // size, binary weight Mbit, module-input maps @224 16-bit Mbit (1 decimal), largest map M values
      ['tiny', 28.25, 79.9, 0.8],
      ['small', 63.57, 119.8, 1.2],
      ['middle', 126.24, 192.1, 1.2],
      ['large', 308.31, 307.5, 1.61],
    ];
    for (const [size, bin, maps16, largest] of table) {
      const c = countNetwork(zooNetwork(size));
      expect(mbit(c.binaryWeightBits), size).toBe(bin);
      expect(Number(((c.maps.moduleInputValues * 16) / 1e6).toFixed(1)), size).toBe(maps16);
      expect(Number((c.maps.largest!.values / 1e6).toFixed(2)), size).toBe(largest);
    }
  });

  it('BOPs/64 agree with the official README (its "BOPs (G)" column times its binarization degree)', () => {
    // README of hpi-xnor/BNext: BOPs (G) 0.077 / 0.172 / 0.317 / 0.819, degree 97.81 / 98.47 / 99.02 / 99.49 %
    const readme: [string, number, number][] = [
      ['tiny', 0.077, 0.9781],
      ['small', 0.172, 0.9847],
      ['middle', 0.317, 0.9902],
      ['large', 0.819, 0.9949],
    ];
    for (const [size, opsG, degree] of readme) {
      const c = countNetwork(zooNetwork(size));
      const implied = opsG * degree * 1e9 * 64;
      expect(Math.abs(c.ops.bops - implied) / implied, size).toBeLessThan(0.005);
    }
  });
});

describe('bit widths', () => {
  it('defaults to the published setting and parses overrides', () => {
    expect(DEFAULT_BIT_WIDTHS).toEqual({ binary: 1, stem: 8, se: 4, fc: 8, other: 32 });
    expect(parseBitWidths('se=8, other=16')).toEqual({ binary: 1, stem: 8, se: 8, fc: 8, other: 16 });
  });

  it('rejects unknown categories, repeats and bad widths with E_ARG', () => {
    for (const bad of ['sx=4', 'se=4,se=8', 'se=0', 'se=65', 'se=four', 'se']) {
      expect(() => parseBitWidths(bad), bad).toThrow(BnextError);
    }
    expect(() => parseBitWidths('weights=4')).toThrow(/unknown weight category 'weights'/);
    expect(() => countNetwork(miniNet(), { ...DEFAULT_BIT_WIDTHS, fc: 0 })).toThrow(/fc/);
  });
});
