/**
 * The binary convolution, bit-packed: activations sign(x + move) and weights sign(W) as bits,
 * XNOR-popcount over 32-bit words (64-bit loads in the WebAssembly kernel), exact integer results.
 *
 * Semantics (PyTorch, BNEXT.md section 5): sign(0) = 0 for activations and weights, and the
 * binarized map is zero-padded, so padding and zeros contribute nothing. Bit layout: channel c of a
 * pixel is bit (c & 31) of word (c >> 5); a pixel owns `words = ceil(C / 32)` words; unused tail
 * bits and padding pixels are 0. A set bit means +1. A second "nonzero" plane marks entries that are
 * +-1 (not 0); it is only built when some entry is exactly 0.
 *
 * With both masks M = ma & mw (M is 0 on padding and tails):
 *   dot = 2 * popcount(~(a ^ w) & M) - popcount(M) = popcount(M) - 2 * popcount((a ^ w) & M).
 * Fast path (no zeros anywhere): over the whole k x k window, padding taps (a = 0) each add
 * popcount(w_tap) disagreements, so dot = nValid * C - 2 * (xorcount - sum over padding taps of
 * popcount(w_tap)). Sparse exact-zero activations are then corrected one by one (a 0 was read as
 * -1); weights with exact zeros take the masked path. The fast path runs in WebAssembly (wasm.ts)
 * when available, else in JS.
 */
import { fail } from '../../diag.js';
import type { Tensor } from '../../tensor.js';
import { bconvKernel, ensureMemory } from './wasm.js';

/** Signs of a [C, H, W] map, bit-packed per pixel, with `pad` pixels of zero padding all round. */
export interface PackedSigns {
  /** Channels of the map. */
  readonly c: number;
  /** Height of the unpadded map. */
  readonly h: number;
  /** Width of the unpadded map. */
  readonly w: number;
  /** Padding (pixels) on each side. */
  readonly pad: number;
  /** 32-bit words per pixel: ceil(c / 32). */
  readonly words: number;
  /** [(h + 2 pad) * (w + 2 pad) * words]: bit set = +1. */
  readonly bits: Uint32Array;
  /** Same layout: bit set = nonzero (+-1). Null when no entry is 0 (padding is then implied). */
  readonly mask: Uint32Array | null;
  /** Number of exact zeros (entries with x + move = 0). */
  readonly zeros: number;
}

/** Binarized weights of a [Cout, Cin, k, k] tensor, one row of packed taps per output channel. */
export interface PackedWeights {
  /** Output channels. */
  readonly cout: number;
  /** Input channels. */
  readonly cin: number;
  /** Kernel size (square). */
  readonly k: number;
  /** 32-bit words per tap: ceil(cin / 32). */
  readonly words: number;
  /** 32-bit words per output-channel row: k*k*words rounded up to even (64-bit loads). */
  readonly rowWords: number;
  /** [cout * rowWords], taps in (ky, kx) order: bit set = sign(W) = +1. */
  readonly bits: Uint32Array;
  /** Same layout: bit set = W nonzero. Null when no weight is exactly 0. */
  readonly mask: Uint32Array | null;
  /** [cout * k * k]: number of +1 bits per tap (the padding correction of the fast path). */
  readonly tapPop: Int32Array;
}

/** Which implementation computes the dot products. `auto`: wasm fast path, else JS; zero weights force `masked`. */
export type BinconvEngine = 'auto' | 'wasm' | 'js' | 'masked';

/** Population count of a 32-bit word (bit trick). */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Mask of the valid bits of word j of a c-channel pixel. */
function tailMask(c: number, j: number): number {
  const rem = c - 32 * j;
  return rem >= 32 ? 0xffffffff : ((1 << rem) - 1) >>> 0;
}

/**
 * Packs sign(x + move) of a [C, H, W] map (move: per-channel bias, or null for 0) with zero padding.
 * The sum is rounded to float32 as PyTorch computes it; rounding keeps the sign bit, and the sum is
 * exactly 0 only when x = -move exactly, so the signs equal PyTorch's.
 */
export function packSigns(x: Tensor, move: ArrayLike<number> | null, pad: number): PackedSigns {
  const [c, h, w] = x.shape as [number, number, number];
  const words = Math.ceil(c / 32);
  const wp = w + 2 * pad;
  const hw = h * w;
  const bits = new Uint32Array((h + 2 * pad) * wp * words);
  let mask: Uint32Array | null = null;
  let zeroCount = 0;
  const d = x.data;
  // Signs come from the float32 bit pattern of x + move (rounding to float32 keeps the sign, and
  // keeps exact zeros exact), which avoids a data-dependent branch per element.
  const sum = new Float32Array(hw);
  const sumBits = new Int32Array(sum.buffer);
  const word = new Int32Array(hw);
  for (let j = 0; j < words; j++) {
    const c0 = 32 * j;
    const nb = Math.min(32, c - c0);
    word.fill(0);
    let zeroWord = 0;
    for (let b = 0; b < nb; b++) {
      const base = (c0 + b) * hw;
      const m = move ? move[c0 + b]! : 0;
      let anyZero = 0;
      for (let p = 0; p < hw; p++) {
        sum[p] = d[base + p]! + m;
        const u = sumBits[p]!;
        word[p] |= (~u >>> 31) << b; // sign bit clear -> +1 (zeros fixed below)
        anyZero |= +(((u & 0x7fffffff) - 1) >>> 0 >= 0x7f800000); // +-0 or NaN
      }
      if (anyZero !== 0) zeroWord |= 1 << b;
    }
    for (let y = 0; y < h; y++) {
      let dst = ((y + pad) * wp + pad) * words + j;
      for (let p = y * w; p < (y + 1) * w; p++, dst += words) bits[dst] = word[p]!;
    }
    // rare: channels of this word that hold an exact zero (or a NaN) somewhere
    for (let b = 0; b < nb; b++) {
      if (!((zeroWord >>> b) & 1)) continue;
      const base = (c0 + b) * hw;
      const m = move ? move[c0 + b]! : 0;
      for (let p = 0; p < hw; p++) {
        const v = d[base + p]! + m;
        if (Number.isNaN(v)) fail('E_NAN', `binary conv input has a NaN at [${c0 + b}, ${Math.floor(p / w)}, ${p % w}] (after adding move)`);
        if (v !== 0) continue;
        const dst = ((Math.floor(p / w) + pad) * wp + (p % w) + pad) * words + j;
        mask ??= impliedSignMask(c, h, w, pad);
        mask[dst] = mask[dst]! & ~(1 << b);
        bits[dst] = bits[dst]! & ~(1 << b);
        zeroCount++;
      }
    }
  }
  return { c, h, w, pad, words, bits, mask, zeros: zeroCount };
}

/** The nonzero plane of a map without zeros: all real bits set, padding and tails clear. */
function impliedSignMask(c: number, h: number, w: number, pad: number): Uint32Array {
  const words = Math.ceil(c / 32);
  const wp = w + 2 * pad;
  const m = new Uint32Array((h + 2 * pad) * wp * words);
  for (let y = 0; y < h; y++)
    for (let xx = 0; xx < w; xx++) {
      const base = ((y + pad) * wp + xx + pad) * words;
      for (let j = 0; j < words; j++) m[base + j] = tailMask(c, j);
    }
  return m;
}

/**
 * Packs sign(W) of a [Cout, Cin, k, k] weight tensor (latent real weights; sign(0) = 0, sign(+-inf)
 * = +-1). A NaN fails with E_NAN naming `name` (the tensor's checkpoint name, for the message).
 */
export function packWeights(wt: Tensor, name = 'binary conv weight'): PackedWeights {
  if (wt.shape.length !== 4 || wt.shape[2] !== wt.shape[3]) fail('E_SHAPE', `${name} must be [Cout, Cin, k, k], got [${wt.shape.join(', ')}]`);
  const [cout, cin, k] = wt.shape as [number, number, number, number];
  const words = Math.ceil(cin / 32);
  const taps = k * k;
  const rowWords = (taps * words + 1) & ~1;
  const bits = new Uint32Array(cout * rowWords);
  const tapPop = new Int32Array(cout * taps);
  // signs from float32 bit patterns (no data-dependent branch per weight); zeros and NaN flagged
  const f32 = wt.data instanceof Float32Array ? wt.data : Float32Array.from(wt.data);
  const u32 = new Int32Array(f32.buffer, f32.byteOffset, f32.length);
  const row = new Int32Array(rowWords);
  let special = 0;
  for (let co = 0; co < cout; co++) {
    row.fill(0);
    let src = co * cin * taps;
    for (let ci = 0; ci < cin; ci++) {
      const j = ci >>> 5;
      const sh = ci & 31;
      for (let t = 0; t < taps; t++, src++) {
        const u = u32[src]!;
        row[t * words + j] |= (~u >>> 31) << sh;
        special |= ((u & 0x7fffffff) - 1) >>> 0 >= 0x7f800000 ? 1 : 0; // +-0 or NaN
      }
    }
    for (let t = 0; t < taps; t++) {
      let pop = 0;
      for (let jj = 0; jj < words; jj++) pop += popcount32(row[t * words + jj]!);
      tapPop[co * taps + t] = pop;
    }
    bits.set(row, co * rowWords);
  }
  return { cout, cin, k, words, rowWords, bits, mask: special ? fixZeroWeights(wt.data, bits, tapPop, cout, cin, k, rowWords, name) : null, tapPop };
}

/** Slow path for weights with exact zeros (or NaN): builds the nonzero mask and clears zero bits. */
function fixZeroWeights(d: Float32Array | Float64Array, bits: Uint32Array, tapPop: Int32Array, cout: number, cin: number, k: number, rowWords: number, name: string): Uint32Array | null {
  const taps = k * k;
  const words = Math.ceil(cin / 32);
  let mask: Uint32Array | null = null;
  for (let co = 0; co < cout; co++)
    for (let ci = 0; ci < cin; ci++)
      for (let t = 0; t < taps; t++) {
        const v = d[(co * cin + ci) * taps + t]!;
        if (Number.isNaN(v)) fail('E_NAN', `${name} has a NaN at [${co}, ${ci}, ${Math.floor(t / k)}, ${t % k}]`, { field: name });
        if (v !== 0) continue;
        if (!mask) {
          mask = new Uint32Array(cout * rowWords);
          for (let r = 0; r < cout; r++)
            for (let tt = 0; tt < taps; tt++) for (let jj = 0; jj < words; jj++) mask[r * rowWords + tt * words + jj] = tailMask(cin, jj);
        }
        const at = co * rowWords + t * words + (ci >>> 5);
        const bit = 1 << (ci & 31);
        if (bits[at]! & bit) tapPop[co * taps + t]!--;
        bits[at] = bits[at]! & ~bit;
        mask[at] = mask[at]! & ~bit;
      }
  return mask;
}

/** Output size of the binary conv along one axis (padding k // 2). */
export function binconvOut(size: number, k: number, stride: number): number {
  return Math.floor((size + 2 * Math.floor(k / 2) - k) / stride) + 1;
}

/**
 * Binary convolution of packed signs with packed weights (stride `stride`, padding k // 2 already in
 * `a`). Returns the exact integer dot products as an Int32Array [cout * ho * wo] (CHW order).
 */
export function binaryConv2dPacked(a: PackedSigns, w: PackedWeights, stride: number, engine: BinconvEngine = 'auto'): Int32Array {
  if (a.c !== w.cin) fail('E_SHAPE', `binary conv: input has ${a.c} channels, weights expect ${w.cin}`);
  if (a.pad !== Math.floor(w.k / 2)) fail('E_SHAPE', `binary conv: input padded by ${a.pad}, kernel ${w.k} needs ${Math.floor(w.k / 2)}`);
  const ho = binconvOut(a.h, w.k, stride);
  const wo = binconvOut(a.w, w.k, stride);
  // zero weights, or so many zero activations that one-by-one correction costs more: masked path
  const manyZeros = engine === 'auto' && a.zeros * 16 > a.c * a.h * a.w;
  if (engine === 'masked' || w.mask || manyZeros) return maskedConv(a, w, stride, ho, wo);
  const kern = engine === 'js' ? null : bconvKernel();
  if (engine === 'wasm' && !kern) fail('E_ARG', 'binary conv engine wasm requested but WebAssembly is unavailable');
  const xc = kern ? fullDotsWasm(a, w, stride, ho, wo) : fullDotsJs(a, w, stride, ho, wo);
  // full-window dots (padding read as -1) -> dots over the valid taps, border pixels only:
  // dot = nValid*C - 2*(xor - corr) = (taps*C - 2*xor) - nPad*C + 2*corr
  const { k, tapPop, cin, cout } = w;
  const taps = k * k;
  const hw = ho * wo;
  const wp = a.w + 2 * a.pad;
  const hp = a.h + 2 * a.pad;
  const padTaps: number[] = [];
  for (let oy = 0; oy < ho; oy++)
    for (let ox = 0; ox < wo; ox++) {
      padTaps.length = 0;
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++) {
          const py = oy * stride + ky;
          const px = ox * stride + kx;
          if (py < a.pad || py >= hp - a.pad || px < a.pad || px >= wp - a.pad) padTaps.push(ky * k + kx);
        }
      if (padTaps.length === 0) continue;
      const pix = oy * wo + ox;
      for (let co = 0; co < cout; co++) {
        let corr = 0;
        for (const t of padTaps) corr += tapPop[co * taps + t]!;
        xc[co * hw + pix] += 2 * corr - padTaps.length * cin;
      }
    }
  if (a.mask) correctZeroSigns(a, w, stride, ho, wo, xc);
  return xc;
}

/**
 * The fast path reads a 0 activation as -1. For each exact zero (channel c at padded pixel
 * (py, px)) and each output it reaches through tap t, add back sign(W[co][c][t]) (weights here have
 * no zeros), turning its contribution -sign(W) into 0.
 */
function correctZeroSigns(a: PackedSigns, w: PackedWeights, stride: number, ho: number, wo: number, dots: Int32Array): void {
  const am = a.mask!;
  const { k, words, rowWords, bits: wb, cout } = w;
  const wp = a.w + 2 * a.pad;
  const hw = ho * wo;
  for (let y = 0; y < a.h; y++)
    for (let x = 0; x < a.w; x++) {
      const py = y + a.pad;
      const px = x + a.pad;
      const base = (py * wp + px) * words;
      for (let j = 0; j < words; j++) {
        let zeros = ~am[base + j]! & tailMask(a.c, j);
        while (zeros !== 0) {
          const b = 31 - Math.clz32(zeros & -zeros);
          zeros &= zeros - 1;
          for (let ky = 0; ky < k; ky++) {
            const oy = (py - ky) / stride;
            if (!Number.isInteger(oy) || oy < 0 || oy >= ho) continue;
            for (let kx = 0; kx < k; kx++) {
              const ox = (px - kx) / stride;
              if (!Number.isInteger(ox) || ox < 0 || ox >= wo) continue;
              const at = (ky * k + kx) * words + j;
              for (let co = 0; co < cout; co++) dots[co * hw + oy * wo + ox] += (wb[co * rowWords + at]! >>> b) & 1 ? 1 : -1;
            }
          }
        }
      }
    }
}

/** Full-window dots k*k*cin - 2*xorcount in JS (32-bit words), same contract as the wasm kernel. */
function fullDotsJs(a: PackedSigns, w: PackedWeights, stride: number, ho: number, wo: number): Int32Array {
  const { k, words, rowWords, bits: wb, cout } = w;
  const wp = a.w + 2 * a.pad;
  const ab = a.bits;
  const hw = ho * wo;
  const out = new Int32Array(cout * hw);
  const patch = new Uint32Array(rowWords);
  const rowLen = k * words;
  const full = k * k * w.cin;
  for (let oy = 0; oy < ho; oy++)
    for (let ox = 0; ox < wo; ox++) {
      for (let ky = 0; ky < k; ky++) {
        const src = ((oy * stride + ky) * wp + ox * stride) * words;
        patch.set(ab.subarray(src, src + rowLen), ky * rowLen);
      }
      const pix = oy * wo + ox;
      for (let co = 0, wr = 0; co < cout; co++, wr += rowWords) {
        let acc = 0;
        for (let i = 0; i < rowWords; i++) acc += popcount32(patch[i]! ^ wb[wr + i]!);
        out[co * hw + pix] = full - 2 * acc;
      }
    }
  return out;
}

/** Full-window dots through the WebAssembly kernel. */
function fullDotsWasm(a: PackedSigns, w: PackedWeights, stride: number, ho: number, wo: number): Int32Array {
  const kern = bconvKernel()!;
  const planeBytes = a.bits.length * 4;
  const wtsBytes = w.bits.length * 4;
  const patchBytes = w.rowWords * 4;
  const outBytes = w.cout * ho * wo * 4;
  const align8 = (n: number) => (n + 7) & ~7;
  const pPlane = 0;
  const pWts = align8(pPlane + planeBytes);
  const pPatch = align8(pWts + wtsBytes);
  const pOut = align8(pPatch + patchBytes);
  const buf = ensureMemory(kern, pOut + outBytes);
  new Uint32Array(buf, pPlane, a.bits.length).set(a.bits);
  new Uint32Array(buf, pWts, w.bits.length).set(w.bits);
  new Uint32Array(buf, pPatch, w.rowWords).fill(0);
  const wp = a.w + 2 * a.pad;
  kern.bconv(pPlane, wp, a.words, pWts, w.rowWords / 2, w.cout, w.k, stride, ho, wo, pPatch, pOut, w.k * w.k * w.cin);
  return new Int32Array(kern.memory.buffer, pOut, w.cout * ho * wo).slice();
}

/** General path with nonzero masks (exact zeros present): JS, 32-bit words. */
function maskedConv(a: PackedSigns, w: PackedWeights, stride: number, ho: number, wo: number): Int32Array {
  const { k, words, rowWords, bits: wb, cout, cin } = w;
  const am = a.mask ?? impliedSignMask(a.c, a.h, a.w, a.pad);
  let wm = w.mask;
  if (!wm) {
    wm = new Uint32Array(cout * rowWords);
    for (let r = 0; r < cout; r++)
      for (let t = 0; t < k * k; t++) for (let j = 0; j < words; j++) wm[r * rowWords + t * words + j] = tailMask(cin, j);
  }
  const wp = a.w + 2 * a.pad;
  const ab = a.bits;
  const hw = ho * wo;
  const out = new Int32Array(cout * hw);
  const rowLen = k * words;
  const pa = new Uint32Array(rowWords);
  const pm = new Uint32Array(rowWords);
  for (let oy = 0; oy < ho; oy++)
    for (let ox = 0; ox < wo; ox++) {
      for (let ky = 0; ky < k; ky++) {
        const src = ((oy * stride + ky) * wp + ox * stride) * words;
        pa.set(ab.subarray(src, src + rowLen), ky * rowLen);
        pm.set(am.subarray(src, src + rowLen), ky * rowLen);
      }
      const pix = oy * wo + ox;
      for (let co = 0, wr = 0; co < cout; co++, wr += rowWords) {
        let dot = 0;
        for (let i = 0; i < rowWords; i++) {
          const m = pm[i]! & wm[wr + i]!;
          dot += popcount32(m) - 2 * popcount32((pa[i]! ^ wb[wr + i]!) & m);
        }
        out[co * hw + pix] = dot;
      }
    }
  return out;
}

/** Options of {@link binaryConv2d}. */
export interface BinaryConvOptions {
  /** Stride (default 1). Padding is always k // 2. */
  readonly stride?: number;
  /** Per-channel bias added before the sign (the module's `move`); default none. */
  readonly move?: ArrayLike<number>;
  /** Implementation choice (default `auto`). */
  readonly engine?: BinconvEngine;
}

/**
 * conv2d(sign(x + move), sign(W)), stride s, zero padding k // 2, PyTorch semantics (sign(0) = 0).
 * x: [Cin, H, W]; wt: [Cout, Cin, k, k] latent weights. Returns [Cout, Ho, Wo] float32 (integers).
 */
export function binaryConv2d(x: Tensor, wt: Tensor, opts: BinaryConvOptions = {}): Tensor {
  const stride = opts.stride ?? 1;
  const pw = packWeights(wt);
  const pa = packSigns(x, opts.move ?? null, Math.floor(pw.k / 2));
  const dots = binaryConv2dPacked(pa, pw, stride, opts.engine ?? 'auto');
  return { shape: [pw.cout, binconvOut(pa.h, pw.k, stride), binconvOut(pa.w, pw.k, stride)], data: Float32Array.from(dots) };
}

/** sign(x + move) as a float tensor of -1, 0, +1 (for dumps and tests). */
export function signTensor(x: Tensor, move: ArrayLike<number> | null): Tensor {
  const [c, h, w] = x.shape as [number, number, number];
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    const m = move ? move[ch]! : 0;
    for (let i = ch * h * w; i < (ch + 1) * h * w; i++) out[i] = Math.sign(x.data[i]! + m);
  }
  return { shape: [c, h, w], data: out };
}
