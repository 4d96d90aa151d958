import { describe, expect, it } from 'vitest';
import { avgPool2, batchNorm, conv2d, gap, linear, maxPool, prelu, sigmoid } from '../../../src/ref/float/index.js';
import type { Tensor } from '../../../src/tensor.js';

const t = (shape: number[], data: number[]): Tensor => ({ shape, data: Float32Array.from(data) });

describe('real-valued primitives', () => {
  it('conv2d: stride 2, padding 1, against direct sums', () => {
    // 1 input channel 3x3 with values 1..9, one 3x3 kernel of ones, stride 2, padding 1 -> 2x2
    const x = t([1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const w = t([1, 1, 3, 3], Array(9).fill(1));
    const y = conv2d(x, w, { stride: 2, padding: 1 });
    expect(y.shape).toEqual([1, 2, 2]);
    expect(Array.from(y.data)).toEqual([1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9]);
  });

  it('conv2d: two input channels, bias, 1x1', () => {
    const x = t([2, 1, 2], [1, 2, 10, 20]);
    const w = t([1, 2, 1, 1], [3, -1]);
    expect(Array.from(conv2d(x, w, { bias: [0.5] }).data)).toEqual([3 - 10 + 0.5, 6 - 20 + 0.5]);
  });

  it('max pooling pads with -infinity (an all-negative map keeps its values at the border)', () => {
    const x = t([1, 2, 2], [-4, -3, -2, -1]);
    const y = maxPool(x, 3, 2, 1);
    expect(y.shape).toEqual([1, 1, 1]);
    expect(y.data[0]).toBe(-1);
  });

  it('2x2 average pooling drops an odd trailing row and column (floor)', () => {
    const x = t([1, 3, 3], [1, 2, 100, 3, 4, 100, 100, 100, 100]);
    const y = avgPool2(x);
    expect(y.shape).toEqual([1, 1, 1]);
    expect(y.data[0]).toBe(2.5);
  });

  it('batchNorm uses eps 1e-5 and running statistics; PReLU per channel; GAP; linear; sigmoid', () => {
    const x = t([2, 1, 1], [3, -2]);
    const bn = batchNorm(x, { weight: [2, -1], bias: [1, 0], mean: [1, 0], variance: [4, 1] });
    expect(bn.data[0]).toBeCloseTo((2 * 2) / Math.sqrt(4 + 1e-5) + 1, 6);
    expect(bn.data[1]).toBeCloseTo(2 / Math.sqrt(1 + 1e-5), 6);
    expect(Array.from(prelu(t([2, 1, 1], [-2, -2]), [0.25, 0.5]).data)).toEqual([-0.5, -1]);
    expect(Array.from(gap(t([2, 1, 2], [1, 3, -1, 5])).data)).toEqual([2, 2]);
    expect(Array.from(linear(t([2], [1, 2]), t([1, 2], [3, 4]), [0.5]).data)).toEqual([11.5]);
    expect(sigmoid(t([1], [0])).data[0]).toBe(0.5);
  });

  it('shape mistakes are E_SHAPE errors', () => {
    expect(() => conv2d(t([2, 2, 2], Array(8).fill(0)), t([1, 3, 1, 1], [1, 1, 1]))).toThrow(/does not fit an input with 2 channels/);
    expect(() => batchNorm(t([2, 1, 1], [0, 0]), { weight: [1], bias: [0, 0], mean: [0, 0], variance: [1, 1] })).toThrow(/weight has 1 entries, expected 2/);
  });
});
