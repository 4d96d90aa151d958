import { describe, expect, it } from 'vitest';
import { checkFits, formatFor, maxCode, minCode, parseFormat, quantize, saturate, shiftRound, signedBitsFor } from '../../src/ir/fixed.js';

describe('fixed-point rules', () => {
  it('shiftRound rounds half up, also for negatives', () => {
    expect(shiftRound(3, 1)).toBe(2); // 1.5 -> 2
    expect(shiftRound(-3, 1)).toBe(-1); // -1.5 -> -1
    expect(shiftRound(-5, 2)).toBe(-1); // -1.25 -> -1
    expect(shiftRound(-6, 2)).toBe(-1); // -1.5 -> -1
    expect(shiftRound(-7, 2)).toBe(-2); // -1.75 -> -2
    expect(shiftRound(5, -3)).toBe(40);
  });
  it('saturates to the format range', () => {
    const f = { signed: true, width: 8, frac: 0 };
    expect([minCode(f), maxCode(f)]).toEqual([-128, 127]);
    expect(saturate(200, f)).toBe(127);
    expect(saturate(-200, f)).toBe(-128);
    expect(quantize(0.3, { signed: true, width: 8, frac: 4 })).toBe(5); // 4.8 -> 5
  });
  it('formatFor covers the range with the most fraction bits', () => {
    expect(formatFor(1, 8)).toEqual({ signed: true, width: 8, frac: 6 }); // 1*2^6 = 64 <= 127; 2^7 = 128 would not fit
    expect(formatFor(100, 16).frac).toBe(8); // 100*256 = 25600 <= 32767
    expect(signedBitsFor(-18432, 18432)).toBe(16);
  });
  it('parses and rejects formats', () => {
    expect(parseFormat('s16.10')).toEqual({ signed: true, width: 16, frac: 10 });
    expect(() => parseFormat('q16')).toThrow(/bad fixed-point format/);
  });
  it('checkFits flags overflow', () => {
    expect(checkFits(127, 8, 'x')).toBe(127);
    expect(() => checkFits(128, 8, 'x')).toThrow(/overflows 8 signed bits/);
  });
});
