/**
 * Between reference-model tensors and stream beats: a frame of codes [C][H][W] becomes the beats
 * the cores exchange (pixels row-major, C/par beats per pixel, lane i in bits [(i+1)W-1 : iW],
 * two's complement; binary lanes 1 = +1; a window beat carries a padding flag above its lanes).
 */
import type { Node } from '../ir/graph.js';
import { elemWidth } from '../emit/stream.js';

/** One beat: data and end-of-frame flag. */
export interface Beat {
  readonly data: bigint;
  readonly last: boolean;
}

/** Geometry of a window's input, needed to know which taps are padding. */
export interface WindowGeometry {
  readonly inShape: readonly [number, number, number];
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
}

function laneBits(n: Node, v: number, w: number): bigint {
  if (n.elem.kind === 'bin') return v > 0 ? 1n : 0n;
  const m = 1n << BigInt(w);
  return ((BigInt(v) % m) + m) % m;
}

function laneValue(n: Node, bits: bigint, w: number): number {
  if (n.elem.kind === 'bin') return bits === 1n ? 1 : -1;
  const signed = n.elem.kind === 'fix' && n.elem.fmt.signed;
  const v = Number(bits);
  return signed && v >= 2 ** (w - 1) ? v - 2 ** w : v;
}

/** The beats of node `n`'s output stream for one frame of codes. */
export function packStream(n: Node, codes: ArrayLike<number>, win?: WindowGeometry): Beat[] {
  const [c, h, w] = n.shape;
  const W = elemWidth(n);
  const par = n.par;
  const beats: Beat[] = [];
  const blocks = c / par;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let b = 0; b < blocks; b++) {
        let data = 0n;
        for (let i = 0; i < par; i++) data |= laneBits(n, codes[((b * par + i) * h + y) * w + x]!, W) << BigInt(i * W);
        if (n.kind === 'window') {
          if (!win) throw new Error('internal: packing a window stream needs its geometry');
          const cin = win.inShape[0];
          const tap = Math.floor((b * par) / cin);
          const ky = Math.floor(tap / win.kernel);
          const kx = tap % win.kernel;
          const iy = y * win.stride - win.pad + ky;
          const ix = x * win.stride - win.pad + kx;
          const isPad = iy < 0 || iy >= win.inShape[1] || ix < 0 || ix >= win.inShape[2];
          if (isPad) data = 1n << BigInt(par * W);
        }
        beats.push({ data, last: y === h - 1 && x === w - 1 && b === blocks - 1 });
      }
  return beats;
}

/**
 * Codes [C][H][W] from the beats of node `n`'s output stream. A window beat whose padding flag is
 * set reads as zeros (the reference's padding value; a binary lane could not say 0 otherwise).
 */
export function unpackStream(n: Node, beats: readonly bigint[]): Float64Array {
  const [c, h, w] = n.shape;
  const W = elemWidth(n);
  const par = n.par;
  const blocks = c / par;
  const mask = (1n << BigInt(W)) - 1n;
  const out = new Float64Array(c * h * w);
  let k = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let b = 0; b < blocks; b++) {
        const d = beats[k++] ?? 0n;
        const pad = n.kind === 'window' && (d >> BigInt(par * W)) & 1n;
        for (let i = 0; i < par; i++) out[((b * par + i) * h + y) * w + x] = pad ? 0 : laneValue(n, (d >> BigInt(i * W)) & mask, W);
      }
  return out;
}

/** Channel, row, column of a flat [C][H][W] index. */
export function chw(n: Node, index: number): [number, number, number] {
  const [, h, w] = n.shape;
  return [Math.floor(index / (h * w)), Math.floor(index / w) % h, index % w];
}
