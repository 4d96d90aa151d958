import { describe, expect, it } from 'vitest';
import { BnextError } from '../../../src/diag.js';
import {
  binaryConv2d,
  binaryConv2dPacked,
  packSigns,
  packWeights,
  popcount32,
  signTensor,
  type BinconvEngine,
} from '../../../src/ref/float/index.js';
import { bconvKernel } from '../../../src/ref/float/wasm.js';
import type { Tensor } from '../../../src/tensor.js';
import { Rng } from '../../../src/util/rng.js';
import { fromFlat, naiveBinaryConv, toFlat } from './naive.js';

const ENGINES: BinconvEngine[] = ['auto', 'wasm', 'js', 'masked'];

const filled = (shape: number[], f: (i: number) => number): Tensor => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
});

/** Output value of channel `co` at (y, x). */
const at = (t: Tensor, co: number, y: number, x: number) => t.data[(co * t.shape[1]! + y) * t.shape[2]! + x]!;

describe('binary convolution, bit-packed', () => {
  it('the WebAssembly kernel compiles in this Node', () => {
    expect(bconvKernel()).not.toBeNull();
  });

  it('popcount32 counts bits', () => {
    expect([0, 1, 0xff, 0x80000000, 0xffffffff, 0x55555555].map(popcount32)).toEqual([0, 1, 8, 1, 32, 16]);
  });

  for (const engine of ENGINES)
    it(`${engine}: zero padding gives 4 / 6 / 9 taps per input channel at corners / edges / inside`, () => {
      const x = filled([8, 4, 4], (i) => 0.5 + (i % 3));
      const w = filled([2, 8, 3, 3], () => 0.01);
      const y = binaryConv2d(x, w, { engine });
      expect(y.shape).toEqual([2, 4, 4]);
      const want = [
        [4, 6, 6, 4],
        [6, 9, 9, 6],
        [6, 9, 9, 6],
        [4, 6, 6, 4],
      ].map((row) => row.map((v) => 8 * v));
      for (const co of [0, 1]) for (let yy = 0; yy < 4; yy++) for (let xx = 0; xx < 4; xx++) expect(at(y, co, yy, xx)).toBe(want[yy]![xx]);
    });

  for (const engine of ENGINES)
    it(`${engine}: an input exactly equal to -move contributes 0 (PyTorch sign(0) = 0)`, () => {
      const move = Float32Array.from({ length: 8 }, (_, c) => 0.05 * c - 0.1);
      const x = filled([8, 4, 4], () => 1);
      x.data[(3 * 4 + 1) * 4 + 1] = -move[3]!; // channel 3 at (1, 1): x + move = 0
      const w = filled([2, 8, 3, 3], () => 0.01);
      const y = binaryConv2d(x, w, { move, engine });
      const taps = [
        [4, 6, 6, 4],
        [6, 9, 9, 6],
        [6, 9, 9, 6],
        [4, 6, 6, 4],
      ];
      for (let yy = 0; yy < 4; yy++)
        for (let xx = 0; xx < 4; xx++) {
          const reaches = Math.abs(yy - 1) <= 1 && Math.abs(xx - 1) <= 1;
          expect(at(y, 0, yy, xx)).toBe(8 * taps[yy]![xx]! - (reaches ? 1 : 0));
        }
      expect(signTensor(x, move).data[(3 * 4 + 1) * 4 + 1]).toBe(0);
    });

  it('a weight exactly 0 contributes 0 (sign(0) = 0 for weights too)', () => {
    const x = filled([8, 4, 4], () => 1);
    const w = filled([2, 8, 3, 3], () => 0.01);
    w.data[((0 * 8 + 5) * 3 + 1) * 3 + 1] = 0; // centre tap of channel 5 for output 0
    const y = binaryConv2d(x, w);
    expect(at(y, 0, 0, 0)).toBe(31);
    expect(at(y, 0, 1, 1)).toBe(71);
    expect(at(y, 1, 1, 1)).toBe(72);
  });

  it('every engine equals a scalar conv on random sizes, strides, channel tails and sparse zeros', () => {
    const rng = new Rng(7);
    const cases: [number, number, number, number, 1 | 3, number][] = [
      // cin, cout, h, w, k, stride
      [1, 3, 5, 4, 3, 1],
      [8, 6, 4, 4, 1, 1],
      [31, 5, 6, 6, 3, 2],
      [32, 8, 5, 7, 3, 1],
      [33, 9, 6, 4, 3, 2],
      [64, 4, 3, 3, 3, 1],
      [70, 7, 4, 6, 1, 1],
    ];
    for (const [cin, cout, h, w, k, s] of cases)
      for (const zeroRate of [0, 0.03, 0.3]) {
        const move = Float32Array.from({ length: cin }, () => Math.round(rng.normal() * 4) / 8);
        // values on a 1/8 grid, so some land exactly on -move
        const x = filled([cin, h, w], (i) => (rng.uniform() < zeroRate ? -move[Math.floor(i / (h * w))]! : rng.normal()));
        const wt = filled([cout, cin, k, k], () => (rng.uniform() < zeroRate / 3 ? 0 : rng.normal()));
        const want = toFlat(naiveBinaryConv(fromFlat(x.data, cin, h, w), move, wt.data, cout, k, s));
        for (const engine of ENGINES) {
          const got = binaryConv2d(x, wt, { move, stride: s, engine });
          expect(Array.from(got.data), `${cin}x${h}x${w} k${k} s${s} zeros ${zeroRate} ${engine}`).toEqual(want);
        }
      }
  });

  it('packs signs per pixel, channel c at bit c & 31 of word c >> 5, with a zero border', () => {
    const x = filled([40, 1, 2], (i) => (i % 2 === 0 ? 1 : -1) * (1 + i)); // pixel 0: channels even -> +, pixel 1: odd -> +
    const p = packSigns(x, null, 1);
    expect(p.words).toBe(2);
    expect(p.bits.length).toBe(3 * 4 * 2);
    const pix = (y: number, xx: number) => Array.from(p.bits.subarray((y * 4 + xx) * 2, (y * 4 + xx) * 2 + 2));
    // x flat index = c*2 + pixel: pixel 0 holds even flat indices -> all positive
    expect(pix(1, 1)).toEqual([0xffffffff, 0xff]);
    expect(pix(1, 2)).toEqual([0, 0]);
    expect(pix(0, 0)).toEqual([0, 0]);
    expect(p.mask).toBeNull();
  });

  it('packWeights rejects a NaN weight with E_NAN naming the tensor and index', () => {
    const wt = filled([2, 3, 1, 1], () => 1);
    wt.data[4] = NaN;
    expect(() => packWeights(wt, 'x.binary_conv.weight')).toThrow(BnextError);
    expect(() => packWeights(wt, 'x.binary_conv.weight')).toThrow(/x\.binary_conv\.weight has a NaN at \[1, 1, 0, 0\]/);
  });

  it('a NaN reaching a sign fails with E_NAN instead of being read as +-1', () => {
    const x = filled([8, 3, 3], () => 1);
    x.data[2 * 9 + 4] = NaN;
    expect(() => packSigns(x, null, 1)).toThrow(/NaN at \[2, 1, 1\]/);
  });

  it('rejects mismatched channels between signs and weights', () => {
    const p = packSigns(filled([8, 2, 2], () => 1), null, 1);
    const w = packWeights(filled([2, 4, 3, 3], () => 1));
    expect(() => binaryConv2dPacked(p, w, 1)).toThrow(/input has 8 channels, weights expect 4/);
  });
});
