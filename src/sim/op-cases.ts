/**
 * Random test cases for single ops, for every hardware op kind: an IR node whose quantized
 * parameters are derived from random real ones exactly as the `quantize` pass derives them
 * (src/passes/quantize.ts: code formats from the largest magnitude, internal widths from
 * worst-case range analysis, output formats calibrated on the case's own first frame), its
 * producer node(s), and random input codes spanning each input's whole format (about one in five
 * an extreme: min, max, min+1, max-1 or 0), so saturation and rounding on exact halves are
 * exercised. Used by `bnext-rtl sim --op` and the op grid tests.
 *
 * The output format of an op that quantize calibrates is calibrated on frame 0 with one fraction
 * bit more than its largest output needs, so the largest outputs saturate while most stay in range.
 */
import { z } from 'zod';
import { fail } from '../diag.js';
import { convOut } from '../dsl/builder.js';
import type { Shape3 } from '../dsl/network.js';
import { formatFor, maxCode, minCode, parseFormat, signedBitsFor, type FixFormat } from '../ir/fixed.js';
import type { Elem, Node, NodeOf, OpKind } from '../ir/graph.js';
import { OPS } from '../ir/ops/index.js';
import { REF_OPS } from '../ref/ops/index.js';
import type { OpInputs } from '../ref/ops/types.js';
import { hashString, Rng } from '../util/rng.js';

const format = z.string().regex(/^[su]\d+\.-?\d+$/, 'a fixed-point format like s10.4 or u8.2');
const count = (max: number) => z.number().int().min(1).max(max);

/** Parameters of a case (all optional; which ones an op takes: {@link caseParams}). */
export const OpCaseParams = z
  .object({
    /** Channels of the (first) input map or vector; input channels of a window / MVAU. */
    channels: count(4096),
    /** Channels of the second input of a concat. */
    channels2: count(4096),
    /** Input map rows and columns. */
    height: count(256),
    width: count(256),
    /** Output lanes per beat (the input keeps the same, except for fc and gate). */
    par: count(4096),
    /** Input lanes per beat: fc input SIMD, gate vector lanes, dwc input lanes. */
    inPar: count(4096),
    /** MVAU output channels computed in parallel (= output lanes). */
    pe: count(4096),
    /** MVAU / window input elements per beat (divides the window's input channels). */
    simd: count(4096),
    /** MVAU output channels. */
    rows: count(4096),
    /** MVAU arithmetic: binary XNOR-popcount or multi-bit. */
    mode: z.enum(['xnor', 'int']),
    /** MVAU fed by a sliding window (true) or directly by a map (1x1 only). */
    window: z.boolean(),
    /** Window / MVAU / maxpool geometry (pad defaults to kernel/2, maxpool 3/2/1). */
    kernel: count(15),
    stride: count(8),
    pad: z.number().int().min(0).max(7),
    /** Element type of a window / fork / fifo stream. */
    elem: z.enum(['bin', 'fix']),
    /** Input code width (format s<inWidth>.<inWidth - 4> unless `inFormat` is given). */
    inWidth: z.number().int().min(2).max(24),
    /** Output code width of an op whose output format is calibrated (or the sigmoid table's). */
    outWidth: z.number().int().min(2).max(24),
    /** Explicit formats of the first input, the second input and the output, e.g. `u8.2`. */
    inFormat: format,
    in2Format: format,
    outFormat: format,
    /** affine: with a PReLU slope. */
    slope: z.boolean(),
    /** fc: input and output features, and a ReLU before the output rounding. */
    inFeatures: count(4096),
    outFeatures: count(4096),
    relu: z.boolean(),
    /** fork: output streams. */
    outputs: count(8),
    /** fifo: RAM entries. */
    depth: count(1024),
  })
  .partial()
  .strict();
/** Parameters of a case, as parsed. */
export type OpCaseParams = z.infer<typeof OpCaseParams>;
type P = OpCaseParams;
type Key = keyof P;

/** One frame's input codes, one array per input in the node's input order ([C][H][W] each). */
export type FrameInputs = readonly Float64Array[];

/** A ready-to-simulate case. */
export interface OpCase {
  /** The op under test (id `op`), with quantized parameters and its output format. */
  readonly node: Node;
  /** The node's producers, in input order. */
  readonly inputs: readonly Node[];
  /** Further graph nodes the emitter binding or the stream packing needs (a window's producer, a fork's consumers). */
  readonly context: readonly Node[];
  /** Frame 0's input codes. */
  readonly values: FrameInputs;
  /** Frame k's input codes (k = 0 gives `values`); deterministic in the seed. */
  frame(k: number): FrameInputs;
}

/** What a generator returns: the node (given its output format, if calibrated) and a frame source. */
interface Draft {
  readonly inputs: readonly Node[];
  readonly context?: readonly Node[];
  readonly frame: (rng: Rng) => FrameInputs;
  /** The node; `out` is the calibrated (or given) output format when `calibrate` is set. */
  readonly make: (out: FixFormat) => Node;
  /** Output width: the output format is calibrated on frame 0 (ops whose format quantize calibrates). */
  readonly calibrate?: number;
}

const fix = (fmt: FixFormat): Elem => ({ kind: 'fix', fmt });
const BIN: Elem = { kind: 'bin' };
const s = (width: number, frac: number): FixFormat => ({ signed: true, width, frac });
const round = (v: number): number => Math.floor(v + 0.5);
const codes = (v: ArrayLike<number>, frac: number): Float64Array => Float64Array.from(v, (x) => round(x * 2 ** frac));
const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxMag = (f: FixFormat): number => Math.max(-minCode(f), maxCode(f));
/** The gate's format as quantize makes it (sigmoid output): u(bits+1).(bits). */
const GATE = { signed: false, width: 13, frac: 12 } as const;

/** `n` random integers in [lo, hi], about one in five an extreme (lo, hi, lo+1, hi-1 or 0). */
function ints(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  const special = [lo, hi, Math.min(hi, lo + 1), Math.max(lo, hi - 1), lo <= 0 && hi >= 0 ? 0 : lo];
  return Float64Array.from({ length: n }, () => (rng.uniform() < 0.2 ? special[rng.int(special.length)]! : lo + rng.int(hi - lo + 1)));
}
const codesOf = (rng: Rng, n: number, f: FixFormat): Float64Array => ints(rng, n, minCode(f), maxCode(f));
const bins = (rng: Rng, n: number): Float64Array => Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
/** Random reals of magnitude in [lo, hi] with random sign; `neg` lists indices forced negative. */
function reals(rng: Rng, n: number, lo: number, hi: number, neg: readonly number[] = []): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (neg.includes(i) || rng.uniform() < 0.5 ? -1 : 1) * rng.range(lo, hi));
}
const elements = (sh: Shape3): number => sh[0] * sh[1] * sh[2];

/** A producer node: only its shape, element type and lanes matter to the op under test. */
function source(id: string, shape: Shape3, elem: Elem, par: number, kind: 'input' | 'threshold' = 'input'): Node {
  const base = { id, inputs: [], shape, elem, par, layer: 'case' };
  return kind === 'threshold' ? { kind, ...base, t: [] } : { kind, ...base };
}
/** The fields every op node of a case shares. */
const base = (inputs: readonly Node[], shape: Shape3, elem: Elem, par: number) => ({ id: 'op', inputs: inputs.map((i) => i.id), shape, elem, par, layer: 'case' });

/** Codes of a producer's stream: +-1 for binary, the format's codes otherwise. */
const streamCodes = (rng: Rng, n: Node): Float64Array => (n.elem.kind === 'bin' ? bins(rng, elements(n.shape)) : codesOf(rng, elements(n.shape), fmtOf(n)));
function fmtOf(n: Node): FixFormat {
  if (n.elem.kind !== 'fix') throw new Error(`internal: ${n.id} is not fixed point`);
  return n.elem.fmt;
}

/** Resolved parameters: defaults filled in. */
type R = Required<Omit<P, 'inFormat' | 'in2Format' | 'outFormat'>> & { inFormat: FixFormat; in2Format: FixFormat; outFormat?: FixFormat };

/** The case generators; each op's parameter keys are listed in {@link KEYS}. */
const CASES: Partial<Record<OpKind, (p: R, rng: Rng) => Draft>> = {
  threshold: (p, rng) => {
    const f = p.inFormat;
    const x = source('x', [p.channels, p.height, p.width], fix(f), p.par);
    const [lo, hi] = [minCode(f) - 1, maxCode(f) + 1];
    // quantize clamps thresholds to [min - 1, max + 1]: "always +1" and "always -1" channels
    const t = Float64Array.from({ length: p.channels }, (_, c) => (c === 2 ? lo : c === 3 ? hi : round(rng.range(0.8 * minCode(f), 0.8 * maxCode(f)))));
    const hw = p.height * p.width;
    const frame = (r: Rng): FrameInputs => {
      // about one element in six sits exactly on its channel's threshold (the tie rule)
      const v = codesOf(r, elements(x.shape), f).map((c, i) => (r.uniform() < 0.16 ? Math.min(maxCode(f), Math.max(minCode(f), t[Math.floor(i / hw)]!)) : c));
      return [v];
    };
    return { inputs: [x], frame, make: () => ({ kind: 'threshold', ...base([x], x.shape, BIN, p.par), t: Float64Array.from(t, (v) => v * 2 ** -f.frac), q: { t } }) };
  },

  window: (p, rng) => {
    void rng;
    const elem = p.elem === 'bin' ? BIN : fix(p.inFormat);
    const x = source('x', [p.channels, p.height, p.width], elem, p.simd);
    const shape: Shape3 = [p.channels * p.kernel * p.kernel, convOut(p.height, p.kernel, p.stride, p.pad), convOut(p.width, p.kernel, p.stride, p.pad)];
    return { inputs: [x], frame: (r) => [streamCodes(r, x)], make: () => ({ kind: 'window', ...base([x], shape, elem, p.simd), kernel: p.kernel, stride: p.stride, pad: p.pad }) };
  },

  mvau: (p, rng) => {
    const xnor = p.mode === 'xnor';
    const elem = xnor ? BIN : fix(p.inFormat);
    // fed directly: a binary map comes from a threshold (BNext 1x1 convs); a multi-bit one from a pool
    const map = source('x', [p.channels, p.height, p.width], elem, p.simd, xnor && !p.window ? 'threshold' : 'input');
    const k = p.kernel;
    const win: NodeOf<'window'> | undefined = p.window
      ? { kind: 'window', id: 'win', inputs: ['x'], shape: [p.channels * k * k, convOut(p.height, k, p.stride, p.pad), convOut(p.width, k, p.stride, p.pad)], elem, par: p.simd, layer: 'case', kernel: k, stride: p.stride, pad: p.pad }
      : undefined;
    const feed = win ?? map;
    const cols = p.channels * k * k;
    const shape: Shape3 = [p.rows, feed.shape[1], feed.shape[2]];
    const frame = (r: Rng): FrameInputs => {
      const v = streamCodes(r, map);
      return [win ? REF_OPS.window.int(win, { nodes: [map], values: [v] }) : v];
    };
    const common = { mode: p.mode, rows: p.rows, cols, pe: p.pe, simd: p.simd };
    let make: () => Node;
    if (xnor) {
      // sign(W) with a few exact zeros (the integer model and the ROM count a zero as +1)
      const weight = Float64Array.from({ length: p.rows * cols }, () => (rng.uniform() < 0.04 ? 0 : rng.uniform() < 0.5 ? -1 : 1));
      make = () => ({ kind: 'mvau', ...base([feed], shape, fix(s(signedBitsFor(-cols, cols), 0)), p.pe), ...common, weight });
    } else {
      const fx = p.inFormat;
      const weight = reals(rng, p.rows * cols, 0, 1);
      const wFmt = formatFor(maxAbs(weight), 8);
      const w = codes(weight, wFmt.frac);
      let worst = 0;
      for (let r = 0; r < p.rows; r++) worst = Math.max(worst, maxMag(fx) * Array.from(w.subarray(r * cols, (r + 1) * cols)).reduce((a, b) => a + Math.abs(b), 0));
      const accWidth = signedBitsFor(-worst, worst);
      make = () => ({ kind: 'mvau', ...base([feed], shape, fix(s(accWidth, fx.frac + wFmt.frac)), p.pe), ...common, weight, q: { w, wFmt, accWidth } });
    }
    return { inputs: [feed], context: win ? [map] : [], frame, make };
  },

  affine: (p, rng) => {
    const fx = p.inFormat;
    const c = p.channels;
    const x = source('x', [c, p.height, p.width], fix(fx), p.par);
    // BN scale (channel 0 negative), shift within half the input range, PReLU slope (channel 1
    // negative); channel 2 a PReLU alone (scale 1, shift 0, slope 0.25 as initialised) and
    // channel 3 scale 0.5: few significant bits, so exact halves reach the rounding
    const scale = reals(rng, c, 0.05, 2, [0]);
    const shift = reals(rng, c, 0, 0.5 * maxMag(fx) * 2 ** -fx.frac);
    const slopeR = p.slope ? Float64Array.from(reals(rng, c, 0.02, 0.5, [Math.min(1, c - 1)])) : undefined;
    if (c > 2) [scale[2], shift[2]] = [1, 0];
    if (c > 2 && slopeR) slopeR[2] = 0.25;
    if (c > 3) scale[3] = 0.5;
    const mulFmt = formatFor(maxAbs(scale), 16);
    const zFrac = fx.frac + mulFmt.frac;
    const mul = codes(scale, mulFmt.frac);
    const add = codes(shift, zFrac);
    let worst = 0;
    mul.forEach((m, ch) => (worst = Math.max(worst, Math.abs(m) * maxMag(fx) + Math.abs(add[ch]!))));
    const slopeFrac = slopeR ? formatFor(maxAbs(slopeR), 16).frac : 0;
    const slope = slopeR ? codes(slopeR, slopeFrac) : undefined;
    const zWidth = signedBitsFor(-worst, worst) + (slope ? 16 : 0);
    const q = { mul, add, zFrac, slopeFrac, zWidth, ...(slope ? { slope } : {}) };
    return {
      inputs: [x],
      frame: (r) => [streamCodes(r, x)],
      calibrate: p.outWidth,
      make: (out) => ({ kind: 'affine', ...base([x], x.shape, fix(out), p.par), scale, shift, ...(slopeR ? { slope: slopeR } : {}), q }),
    };
  },

  avgpool: (p) => {
    const f = p.inFormat;
    const x = source('x', [p.channels, p.height, p.width], fix(f), p.par);
    const out = { signed: f.signed, width: f.width + 2, frac: f.frac + 2 };
    return { inputs: [x], frame: (r) => [streamCodes(r, x)], make: () => ({ kind: 'avgpool', ...base([x], [p.channels, Math.floor(p.height / 2), Math.floor(p.width / 2)], fix(out), p.par) }) };
  },

  maxpool: (p) => {
    const x = source('x', [p.channels, p.height, p.width], fix(p.inFormat), p.par);
    const shape: Shape3 = [p.channels, convOut(p.height, p.kernel, p.stride, p.pad), convOut(p.width, p.kernel, p.stride, p.pad)];
    return { inputs: [x], frame: (r) => [streamCodes(r, x)], make: () => ({ kind: 'maxpool', ...base([x], shape, x.elem, p.par), kernel: p.kernel, stride: p.stride, pad: p.pad }) };
  },

  gap: (p) => {
    const fin = p.inFormat;
    const x = source('x', [p.channels, p.height, p.width], fix(fin), p.par);
    const pixels = p.height * p.width;
    const frame = (r: Rng): FrameInputs => {
      // channel 0 all at the maximum code and channel 1 all at the minimum: the extreme means
      const v = codesOf(r, elements(x.shape), fin);
      v.fill(maxCode(fin), 0, pixels);
      if (p.channels > 1) v.fill(minCode(fin), pixels, 2 * pixels);
      return [v];
    };
    // quantize's fin.width + ceil(log2(pixels)) is one bit short for an unsigned input
    const sumWidth = signedBitsFor(minCode(fin) * pixels, maxCode(fin) * pixels);
    const make = (out: FixFormat): Node => {
      const r0 = 2 ** (out.frac - fin.frac) / pixels;
      const shift = 15 - Math.floor(Math.log2(r0));
      return { kind: 'gap', ...base([x], [p.channels, 1, 1], fix(out), p.par), q: { recip: round(r0 * 2 ** shift), shift, sumWidth } };
    };
    return { inputs: [x], frame, calibrate: p.outWidth, make };
  },

  mix: (p, rng) => {
    const sh: Shape3 = [p.channels, 1, 1];
    const a = source('a', sh, fix(p.inFormat), p.par);
    const b = source('b', sh, fix(p.in2Format), p.par);
    // lambda in [-0.5, 1.5]; every fourth channel at 0.5 (its initial value) and the next at 0.25:
    // few significant bits, so exact halves reach the rounding
    const lambda = Float64Array.from({ length: p.channels }, (_, c) => (c % 4 === 0 ? 0.5 : c % 4 === 1 ? 0.25 : rng.range(-0.5, 1.5)));
    const lambdaFrac = formatFor(Math.max(...Array.from(lambda, (l) => Math.max(Math.abs(l), Math.abs(1 - l)))), 16).frac;
    const q = { lambda: codes(lambda, lambdaFrac), lambdaFrac };
    return { inputs: [a, b], frame: (r) => [streamCodes(r, a), streamCodes(r, b)], calibrate: p.outWidth, make: (out) => ({ kind: 'mix', ...base([a, b], sh, fix(out), p.par), lambda, q }) };
  },

  fc: (p, rng) => {
    const [inF, outF] = [p.inFeatures, p.outFeatures];
    const fx = p.inFormat;
    const x = source('x', [inF, 1, 1], fix(fx), p.inPar);
    const weight = reals(rng, inF * outF, 0, 1);
    const bias = reals(rng, outF, 0, 2);
    const wFmt = formatFor(maxAbs(weight), 8);
    const w = codes(weight, wFmt.frac);
    const b = codes(bias, fx.frac + wFmt.frac);
    let worst = 0;
    for (let o = 0; o < outF; o++) {
      let row = Math.abs(b[o]!);
      for (let i = 0; i < inF; i++) row += Math.abs(w[o * inF + i]!) * maxMag(fx);
      worst = Math.max(worst, row);
    }
    const q = { w, wFmt, b, accWidth: signedBitsFor(-worst, worst) };
    return {
      inputs: [x],
      frame: (r) => [streamCodes(r, x)],
      calibrate: p.outWidth,
      make: (out) => ({ kind: 'fc', ...base([x], [outF, 1, 1], fix(out), p.par), inFeatures: inF, outFeatures: outF, weight, bias, relu: p.relu, q }),
    };
  },

  sigmoid: (p) => {
    const fi = p.inFormat;
    const x = source('x', [p.channels, 1, 1], fix(fi), p.par);
    const gf: FixFormat = { signed: false, width: p.outWidth, frac: p.outWidth - 1 };
    const lut = new Float64Array(maxCode(fi) - minCode(fi) + 1);
    for (let c = minCode(fi); c <= maxCode(fi); c++) lut[c - minCode(fi)] = round((1 / (1 + Math.exp(-c * 2 ** -fi.frac))) * 2 ** gf.frac);
    return { inputs: [x], frame: (r) => [streamCodes(r, x)], make: () => ({ kind: 'sigmoid', ...base([x], x.shape, fix(gf), p.par), q: { lut } }) };
  },

  gate: (p, rng) => {
    const fx = p.inFormat;
    const fg = p.in2Format;
    const x = source('x', [p.channels, p.height, p.width], fix(fx), p.par);
    const g = source('g', [p.channels, 1, 1], fix(fg), p.inPar);
    // BN2 scale (channel 0 negative) and shift; channel 1 scale 1, shift 0, and its gate 0.5
    // (sigmoid(0)) in every frame: exact halves reach the rounding
    const scaleR = reals(rng, p.channels, 0.05, 2, [0]);
    const shiftR = reals(rng, p.channels, 0, 0.5 * maxMag(fx) * 2 ** -fx.frac);
    const half = 2 ** (fg.frac - 1);
    const tie = p.channels > 1 && Number.isInteger(half) && half >= minCode(fg) && half <= maxCode(fg);
    if (tie) [scaleR[1], shiftR[1]] = [1, 0];
    const scaleFrac = formatFor(maxAbs(scaleR), 16).frac;
    const scale = codes(scaleR, scaleFrac);
    const shift = codes(shiftR, fx.frac + fg.frac + scaleFrac);
    let worst = 0;
    // quantize bounds g by maxCode (a sigmoid gate is unsigned); maxMag also covers signed gates
    scale.forEach((k, c) => (worst = Math.max(worst, Math.abs(k) * maxMag(fg) * maxMag(fx) + Math.abs(shift[c]!))));
    const q = { scale, scaleFrac, shift, prodWidth: signedBitsFor(-worst, worst) };
    return {
      inputs: [x, g],
      frame: (r) => {
        const gv = streamCodes(r, g);
        if (tie) gv[1] = half;
        return [streamCodes(r, x), gv];
      },
      calibrate: p.outWidth,
      make: (out) => ({ kind: 'gate', ...base([x, g], x.shape, fix(out), p.par), scale: scaleR, shift: shiftR, q }),
    };
  },

  mul: (p) => join('mul', p),
  add: (p) => join('add', p),

  concat: (p) => {
    const a = source('a', [p.channels, p.height, p.width], fix(p.inFormat), p.par);
    const b = source('b', [p.channels2, p.height, p.width], fix(p.in2Format), p.par);
    const sh: Shape3 = [p.channels + p.channels2, p.height, p.width];
    return { inputs: [a, b], frame: (r) => [streamCodes(r, a), streamCodes(r, b)], calibrate: p.outWidth, make: (out) => ({ kind: 'concat', ...base([a, b], sh, fix(out), p.par) }) };
  },

  fork: (p) => {
    const x = source('x', [p.channels, p.height, p.width], p.elem === 'bin' ? BIN : fix(p.inFormat), p.par);
    // the consumers only set the fork's output count
    const uses: Node[] = Array.from({ length: p.outputs }, (_, k) => ({ kind: 'fifo', id: `use${k}`, inputs: ['op'], shape: x.shape, elem: x.elem, par: p.par, layer: 'case', depth: 2 }));
    return { inputs: [x], context: uses, frame: (r) => [streamCodes(r, x)], make: () => ({ kind: 'fork', ...base([x], x.shape, x.elem, p.par) }) };
  },

  dwc: (p) => {
    const x = source('x', [p.channels, p.height, p.width], p.elem === 'bin' ? BIN : fix(p.inFormat), p.inPar);
    return { inputs: [x], frame: (r) => [streamCodes(r, x)], make: () => ({ kind: 'dwc', ...base([x], x.shape, x.elem, p.par) }) };
  },

  fifo: (p) => {
    const x = source('x', [p.channels, p.height, p.width], p.elem === 'bin' ? BIN : fix(p.inFormat), p.par);
    return { inputs: [x], frame: (r) => [streamCodes(r, x)], make: () => ({ kind: 'fifo', ...base([x], x.shape, x.elem, p.par), depth: p.depth }) };
  },
};

/** mul / add: two equally shaped maps in different formats. */
function join(kind: 'mul' | 'add', p: R): Draft {
  const sh: Shape3 = [p.channels, p.height, p.width];
  const a = source('a', sh, fix(p.inFormat), p.par);
  const b = source('b', sh, fix(p.in2Format), p.par);
  return { inputs: [a, b], frame: (r) => [streamCodes(r, a), streamCodes(r, b)], calibrate: p.outWidth, make: (out) => ({ kind, ...base([a, b], sh, fix(out), p.par) }) };
}

const MAP: readonly Key[] = ['channels', 'height', 'width', 'par', 'inWidth', 'inFormat'];
const CAL: readonly Key[] = ['outWidth', 'outFormat'];
/** The parameters each op takes. */
const KEYS: Readonly<Record<string, readonly Key[]>> = {
  threshold: MAP,
  window: ['channels', 'height', 'width', 'simd', 'kernel', 'stride', 'pad', 'elem', 'inWidth', 'inFormat'],
  mvau: ['mode', 'window', 'channels', 'rows', 'height', 'width', 'kernel', 'stride', 'pad', 'pe', 'simd', 'inWidth', 'inFormat'],
  affine: [...MAP, ...CAL, 'slope'],
  avgpool: MAP,
  maxpool: [...MAP, 'kernel', 'stride', 'pad'],
  gap: [...MAP, ...CAL],
  mix: ['channels', 'par', 'inWidth', 'inFormat', 'in2Format', ...CAL],
  fc: ['inFeatures', 'outFeatures', 'inPar', 'par', 'relu', 'inWidth', 'inFormat', ...CAL],
  sigmoid: ['channels', 'par', 'inWidth', 'inFormat', 'outWidth'],
  gate: [...MAP, 'inPar', 'in2Format', ...CAL],
  mul: [...MAP, 'in2Format', ...CAL],
  add: [...MAP, 'in2Format', ...CAL],
  concat: [...MAP, 'channels2', 'in2Format', ...CAL],
  fork: [...MAP, 'outputs', 'elem'],
  dwc: [...MAP, 'inPar', 'elem'],
  fifo: [...MAP, 'depth', 'elem'],
};

/** Op kinds with a case generator. */
export function caseKinds(): string[] {
  return Object.keys(CASES);
}

/** The parameters `kind` takes (for help texts and messages). */
export function caseParams(kind: string): readonly string[] {
  return KEYS[kind] ?? [];
}

/** Defaults that depend on the op or on other parameters. */
function resolve(kind: OpKind, d: P): R {
  const mvau = kind === 'mvau';
  const inWidth = d.inWidth ?? (kind === 'sigmoid' ? 10 : kind === 'fc' || kind === 'mvau' || kind === 'window' ? 8 : 12);
  const kernel = d.kernel ?? (kind === 'maxpool' ? 3 : mvau && d.window === false ? 1 : 3);
  const channels = d.channels ?? (kind === 'mix' || kind === 'sigmoid' ? 8 : 4);
  const inFormat = d.inFormat ? parseFormat(d.inFormat) : s(inWidth, inWidth - 4);
  return {
    channels,
    channels2: d.channels2 ?? 8,
    height: d.height ?? (kind === 'window' || mvau || kind === 'avgpool' || kind === 'maxpool' ? 4 : 3),
    width: d.width ?? (kind === 'window' || mvau || kind === 'avgpool' || kind === 'maxpool' ? 4 : 3),
    par: d.par ?? 1,
    inPar: d.inPar ?? 1,
    pe: d.pe ?? 1,
    simd: d.simd ?? channels,
    rows: d.rows ?? 4,
    mode: d.mode ?? 'xnor',
    window: d.window ?? true,
    kernel,
    stride: d.stride ?? (kind === 'maxpool' ? 2 : 1),
    pad: d.pad ?? (kind === 'maxpool' ? 1 : Math.floor(kernel / 2)),
    elem: d.elem ?? (kind === 'window' ? 'bin' : 'fix'),
    inWidth,
    outWidth: d.outWidth ?? (kind === 'sigmoid' ? GATE.width : 12),
    inFormat,
    in2Format: d.in2Format ? parseFormat(d.in2Format) : kind === 'gate' ? GATE : s(Math.max(2, inWidth - 2), inWidth - 5),
    ...(d.outFormat ? { outFormat: parseFormat(d.outFormat) } : {}),
    slope: d.slope ?? true,
    inFeatures: d.inFeatures ?? 8,
    outFeatures: d.outFeatures ?? 4,
    relu: d.relu ?? false,
    outputs: d.outputs ?? 2,
    depth: d.depth ?? 4,
  };
}

/** Core constraints beyond the IR's own checks (src/ir/ops), as messages. */
function coreRules(kind: OpKind, p: R): string[] {
  const e: string[] = [];
  const windowed = kind === 'window' || (kind === 'mvau' && p.window);
  if (windowed) {
    if (p.kernel % 2 === 0) e.push(`kernel ${p.kernel} must be odd (sliding_window)`);
    if (p.pad >= p.kernel) e.push(`pad ${p.pad} must be below kernel ${p.kernel}`);
    if (p.height + 2 * p.pad < p.kernel || p.width + 2 * p.pad < p.kernel) e.push(`the ${p.height}x${p.width} map with pad ${p.pad} is smaller than kernel ${p.kernel}`);
  }
  if (kind === 'mvau' && !p.window && (p.kernel !== 1 || p.stride !== 1 || p.pad !== 0)) e.push('an MVAU fed without a window is a 1x1 convolution: kernel 1, stride 1, pad 0');
  if (kind === 'maxpool') {
    if (p.kernel < 2 || p.kernel > 2 * p.stride) e.push(`maxpool needs 2 <= kernel <= 2*stride (got kernel ${p.kernel}, stride ${p.stride})`);
    if (p.pad >= p.stride) e.push(`maxpool needs pad < stride (got pad ${p.pad}, stride ${p.stride})`);
    if (p.height + 2 * p.pad < p.kernel || p.width + 2 * p.pad < p.kernel) e.push('the map is smaller than the pooling window');
  }
  if (kind === 'avgpool' && (p.height < 2 || p.width < 2)) e.push('avgpool needs a map of at least 2x2');
  if (!['window', 'mvau', 'fc', 'concat'].includes(kind) && p.channels % p.par !== 0) e.push(`par ${p.par} must divide channels ${p.channels}`);
  if (kind === 'gate' && p.par % p.inPar !== 0) e.push(`inPar ${p.inPar} (gate vector lanes) must divide par ${p.par}`);
  if (kind === 'dwc' && p.channels % p.inPar !== 0) e.push(`inPar ${p.inPar} must divide channels ${p.channels}`);
  if (kind === 'fc' && p.inFeatures % p.inPar !== 0) e.push(`inPar ${p.inPar} must divide inFeatures ${p.inFeatures}`);
  const core = kind === 'threshold' ? 'threshold' : kind === 'mvau' && p.mode === 'int' ? 'mvau_int' : undefined;
  if (core && !p.inFormat.signed) e.push(`the ${core} core reads signed input codes; an unsigned input format (${p.inFormat.width} bits) is not supported`);
  if (kind === 'sigmoid' && p.inFormat.width > 14) e.push(`the sigmoid table of a ${p.inFormat.width}-bit input is too large (at most 14 bits)`);
  const wide = [p.inFormat, p.in2Format, ...(p.outFormat ? [p.outFormat] : [])].find((f) => f.width < 2 || f.width > 24);
  if (wide) e.push(`format widths must be 2..24 bits (got ${wide.width})`);
  return e;
}

/**
 * Output format calibrated on frame 0 as quantize does, but with one fraction bit more than the
 * largest float output needs: the range is between half that output and that output, so the
 * largest outputs saturate while most stay in range.
 */
function calibrated(n: Node, ins: readonly Node[], codes0: FrameInputs, width: number): FixFormat {
  const values = codes0.map((v, i) => (ins[i]!.elem.kind === 'fix' ? v.map((c) => c * 2 ** -fmtOf(ins[i]!).frac) : v));
  const y = (REF_OPS[n.kind].float as (n: Node, i: OpInputs) => Float64Array)(n, { nodes: ins, values });
  const f = formatFor(maxAbs(y), width);
  return { ...f, frac: f.frac + 1 };
}

/** Builds a random case for `kind` (E_ARG on unknown kinds, parameters or illegal combinations). */
export function opCase(kind: string, params: unknown = {}, seed = 1): OpCase {
  const gen = CASES[kind as OpKind];
  if (!gen) return fail('E_ARG', `no simulation case for op '${kind}'; choose one of ${caseKinds().join(', ')}`, { field: '--op' });
  const r = OpCaseParams.safeParse(params);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return fail('E_ARG', i.message, { field: `--params${i.path.length ? '.' : ''}${i.path.join('.')}` });
  }
  const foreign = Object.keys(r.data).filter((k) => !KEYS[kind]!.includes(k as Key));
  if (foreign.length) fail('E_ARG', `op '${kind}' does not take ${foreign.join(', ')}; it takes ${KEYS[kind]!.join(', ')}`, { field: `--params.${foreign[0]}` });
  const p = resolve(kind as OpKind, r.data);
  const rules = coreRules(kind as OpKind, p);
  if (rules.length) fail('E_ARG', `illegal ${kind} parameters: ${rules.join('; ')}`, { field: '--params' });
  const d = gen(p, new Rng(seed));
  const frame = (k: number): FrameInputs => d.frame(new Rng(seed, hashString(`frame ${k}`)));
  const values = frame(0);
  let node = d.make(p.outFormat ?? s(24, 0));
  if (d.calibrate !== undefined && !p.outFormat) node = d.make(calibrated(node, d.inputs, values, d.calibrate));
  // the IR's own rules (folding divides, lengths, element kinds) decide what is legal
  const op = OPS[node.kind] as unknown as { check(n: Node, i: readonly Node[]): string[]; shape(n: Node, i: readonly Node[]): Shape3 };
  const errs = op.check(node, d.inputs);
  for (const w of d.inputs.filter((i): i is NodeOf<'window'> => i.kind === 'window'))
    errs.push(...OPS.window.check(w, d.context?.filter((c) => c.id === w.inputs[0]) ?? []));
  if (errs.length) fail('E_ARG', `illegal ${kind} parameters: ${errs.join('; ')}`, { field: '--params' });
  if (op.shape(node, d.inputs).join() !== node.shape.join()) throw new Error(`internal: ${kind} case has shape ${node.shape.join('x')}, expected ${op.shape(node, d.inputs).join('x')}`);
  return { node, inputs: d.inputs, context: d.context ?? [], values, frame };
}
