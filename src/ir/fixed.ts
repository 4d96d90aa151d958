/**
 * Fixed-point arithmetic shared by the integer reference model, the quantization passes and (by
 * construction) the RTL. Every rounding and saturation rule of the hardware is defined here, once.
 *
 * A value v of format {signed, width, frac} is stored as the integer q = v * 2^frac, with
 * q in [-2^(width-1), 2^(width-1) - 1] (signed) or [0, 2^width - 1] (unsigned).
 *
 * Rounding rule (RTL: add half, arithmetic shift right): `shiftRound(q, s)` = floor(q / 2^s + 1/2)
 * for s > 0 ("round half up", toward +infinity on exact halves); a left shift for s <= 0.
 * Saturation rule: clamp to the format's range (RTL: compare and select, no wrap-around ever).
 * Sign tie rule (threshold units): an input exactly at the threshold binarizes to +1 (bit 1).
 * PyTorch's sign(0) = 0 cannot be represented by one bit; this is the only intended semantic
 * difference between the float and integer models and it is measured by the quant report.
 */
import { fail } from '../diag.js';

/** A fixed-point number format. */
export interface FixFormat {
  readonly signed: boolean;
  /** Total bits including the sign bit. */
  readonly width: number;
  /** Fraction bits (may be negative or exceed width for very small/large ranges). */
  readonly frac: number;
}

/** Smallest representable integer code. */
export function minCode(f: FixFormat): number {
  return f.signed ? -(2 ** (f.width - 1)) : 0;
}

/** Largest representable integer code. */
export function maxCode(f: FixFormat): number {
  return f.signed ? 2 ** (f.width - 1) - 1 : 2 ** f.width - 1;
}

/** Clamp an integer code to the format's range. */
export function saturate(q: number, f: FixFormat): number {
  const lo = minCode(f);
  const hi = maxCode(f);
  return q < lo ? lo : q > hi ? hi : q;
}

/**
 * floor(q / 2^s + 1/2) for s > 0, q * 2^-s for s <= 0. Exact for |q| < 2^53 (all hardware
 * intermediates are bounded well below that by range analysis).
 */
export function shiftRound(q: number, s: number): number {
  if (s <= 0) return q * 2 ** -s;
  return Math.floor((q + 2 ** (s - 1)) / 2 ** s);
}

/** Quantize a real value to a code of `f` (round half up, saturate). */
export function quantize(v: number, f: FixFormat): number {
  return saturate(Math.floor(v * 2 ** f.frac + 0.5), f);
}

/** The real value of a code. */
export function dequantize(q: number, f: FixFormat): number {
  return q * 2 ** -f.frac;
}

/** Bits needed for a signed integer range [lo, hi] (two's complement). */
export function signedBitsFor(lo: number, hi: number): number {
  let w = 1;
  while (-(2 ** (w - 1)) > lo || 2 ** (w - 1) - 1 < hi) w++;
  return w;
}

/** Bits needed for an unsigned integer range [0, hi]. */
export function unsignedBitsFor(hi: number): number {
  let w = 1;
  while (2 ** w - 1 < hi) w++;
  return w;
}

/**
 * The format of `width` bits whose range covers [-maxAbs, maxAbs] with the most fraction bits
 * (signed) or [0, maxAbs] (unsigned).
 */
export function formatFor(maxAbs: number, width: number, signed = true): FixFormat {
  if (!(width >= 2 && width <= 32)) fail('E_QUANT', `fixed-point width ${width} outside 2..32`);
  const m = Math.max(maxAbs, 2 ** -40);
  const intBits = Math.ceil(Math.log2(m + 2 ** -40));
  // signed: value range [-2^(width-1-frac), ...]; need 2^(width-1-frac) > m
  let frac = (signed ? width - 1 : width) - Math.max(intBits, -30);
  while (m * 2 ** frac > (signed ? 2 ** (width - 1) - 1 : 2 ** width - 1)) frac--;
  return { signed, width, frac };
}

/** Human-readable format, e.g. `s16.10` (signed, 16 bits, 10 fraction bits) or `u8.8`. */
export function formatName(f: FixFormat): string {
  return `${f.signed ? 's' : 'u'}${f.width}.${f.frac}`;
}

/** Parses `s16.10` / `u8.8`. */
export function parseFormat(s: string): FixFormat {
  const m = /^([su])(\d+)\.(-?\d+)$/.exec(s.trim());
  if (!m) return fail('E_QUANT', `bad fixed-point format '${s}' (expected e.g. s16.10 or u8.8)`);
  return { signed: m[1] === 's', width: Number(m[2]), frac: Number(m[3]) };
}

/**
 * Guards a hardware intermediate: throws when `v` does not fit `width` signed bits. Range analysis
 * sizes every accumulator for the worst case, so this firing is a bug in that analysis.
 */
export function checkFits(v: number, width: number, where: string): number {
  const lim = 2 ** (width - 1);
  if (v < -lim || v >= lim) throw new Error(`internal: ${where}: ${v} overflows ${width} signed bits (range analysis is wrong)`);
  return v;
}
