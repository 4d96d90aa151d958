/** Memory initialisation files ($readmemh): one two's-complement hex word per line. */
import type { Vec } from '../ir/graph.js';

/** Hex words of `width` bits for integer codes (two's complement for negatives). */
export function hexWords(v: Vec | readonly number[], width: number): string[] {
  const digits = Math.ceil(width / 4);
  const mod = 2n ** BigInt(width);
  return Array.from(v as ArrayLike<number>, (x) => {
    if (!Number.isInteger(x)) throw new Error(`internal: memory word ${x} is not an integer`);
    const b = ((BigInt(x) % mod) + mod) % mod;
    return b.toString(16).padStart(digits, '0');
  });
}

/** Bits needed to hold every value of `v` as signed two's complement. */
export function signedWidthOf(v: Vec | readonly number[]): number {
  let w = 2;
  for (const x of Array.from(v as ArrayLike<number>)) while (x < -(2 ** (w - 1)) || x > 2 ** (w - 1) - 1) w++;
  return w;
}
