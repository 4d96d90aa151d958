/**
 * Pass `quantize`: fixed-point formats for every edge and integer parameters for every op.
 *
 * Formats come from calibration (the float interpretation run on sample images; per-node max |v|
 * times a headroom) or from user overrides, at the widths of {@link QuantSettings}. Integer
 * parameters are derived from the float ones so that the integer semantics of src/ref/ops
 * approximate the float semantics as closely as the widths allow. Internal widths (accumulators,
 * products, sums) come from worst-case range analysis over the input formats' full ranges, so no
 * intermediate can overflow for any input; outputs saturate.
 *
 * Fixed choices (documented in the README): binary accumulators are exact; 2x2 average pooling is
 * exact (+2 fraction bits); the sigmoid table covers [-8, 8) with 2^sigmoidIn entries and outputs
 * u(gate+1).(gate) (round to nearest; clamping the input to [-8, 8) adds at most 3.4e-4);
 * GAP multiplies the exact sum by a 16-bit rounded reciprocal of H*W (relative error <= 2^-16).
 */
import { fail } from '../diag.js';
import { formatFor, maxCode, minCode, signedBitsFor, type FixFormat } from '../ir/fixed.js';
import type { Elem, Graph, Node, Vec } from '../ir/graph.js';
import { interpret } from '../ref/interp.js';
import type { Tensor } from '../tensor.js';
import { DEFAULT_QUANT, type QuantSettings } from './quant-settings.js';
import { withNodes } from './util.js';

/** Options of the quantize pass. */
export interface QuantizeOptions {
  /**
   * Calibration images [3, H, W] (at least one), or `nominal`: every node's max |value| taken as 1
   * without running the float model. Nominal formats have the settings' widths and differ from
   * calibrated ones only in fraction bits, which is all a shape-level use (the resource estimate)
   * needs.
   */
  readonly calibration: readonly Tensor[] | 'nominal';
  readonly settings?: QuantSettings;
}

/** Format of the gate g in [0, 1]: u(bits+1).(bits), so g = 1.0 is representable. */
export function gateFormat(bits: number): FixFormat {
  return { signed: false, width: bits + 1, frac: bits };
}
/** Bits of the GAP reciprocal. */
export const RECIP_BITS = 16;

const fix = (fmt: FixFormat): Elem => ({ kind: 'fix', fmt });
const maxAbsOf = (v: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
};
const round = (v: number): number => Math.floor(v + 0.5);
const codes = (v: Vec, frac: number): Float64Array => {
  const out = new Float64Array(v.length);
  const k = 2 ** frac;
  for (let i = 0; i < v.length; i++) out[i] = round(v[i]! * k);
  return out;
};
/** Largest |code| of a format. */
const maxMag = (f: FixFormat): number => Math.max(Math.abs(minCode(f)), maxCode(f));

/** Calibrates: max |value| of every node over the images (float interpretation). */
export function calibrate(g: Graph, images: readonly Tensor[]): Map<string, number> {
  if (!images.length) fail('E_QUANT', 'quantization needs at least one calibration image');
  const m = new Map<string, number>();
  for (const img of images)
    interpret(g, img, 'float', { onNode: (n, v) => m.set(n.id, Math.max(m.get(n.id) ?? 0, maxAbsOf(v))) });
  return m;
}

/** Quantizes a float hardware graph (after split-conv). */
export function quantize(g: Graph, opts: QuantizeOptions): Graph {
  const s = opts.settings ?? DEFAULT_QUANT;
  const range = opts.calibration === 'nominal' ? new Map(g.nodes.map((n) => [n.id, 1])) : calibrate(g, opts.calibration);
  const done = new Map<string, Node>();
  const fmtIn = (n: Node, i = 0): FixFormat => {
    const p = done.get(n.inputs[i]!)!;
    if (p.elem.kind !== 'fix') throw new Error(`internal: ${p.id} feeds ${n.id} but is not fixed point`);
    return p.elem.fmt;
  };
  for (const [id, f] of Object.entries(s.formats))
    if (!f.signed) fail('E_QUANT', `format override for '${id}' must be signed (the cores read feature maps as two's complement)`, { field: `formats.${id}` });
  const calibrated = (n: Node, width: number): FixFormat => s.formats[n.id] ?? formatFor((range.get(n.id) ?? 0) * s.headroom, width);
  const role = (n: Node): string => n.id.slice(n.id.lastIndexOf('/') + 1);

  for (const n of g.nodes) {
    let q: Node;
    switch (n.kind) {
      case 'input':
        q = { ...n, elem: fix(s.formats[n.id] ?? formatFor((range.get(n.id) ?? 0) * s.headroom, s.input)) };
        break;
      case 'threshold': {
        const f = fmtIn(n);
        const lo = minCode(f) - 1;
        const hi = maxCode(f) + 1;
        const t = Float64Array.from(n.t as ArrayLike<number>, (v) => Math.min(hi, Math.max(lo, Math.ceil(v * 2 ** f.frac))));
        q = { ...n, q: { t } };
        break;
      }
      case 'window':
      case 'maxpool':
      case 'fork':
      case 'dwc':
      case 'fifo':
      case 'output':
        q = { ...n, elem: done.get(n.inputs[0]!)!.elem } as Node;
        break;
      case 'mvau': {
        if (n.mode === 'xnor') {
          const w = signedBitsFor(-n.cols, n.cols);
          q = { ...n, elem: fix({ signed: true, width: w, frac: 0 }) };
          break;
        }
        const fx = fmtIn(n);
        const wBits = n.id.includes('/ds_') ? s.downsampleWeights : s.stemWeights;
        const wFmt = formatFor(maxAbsOf(n.weight as ArrayLike<number>), wBits);
        const w = codes(n.weight, wFmt.frac);
        let worst = 0;
        for (let r = 0; r < n.rows; r++) {
          let row = 0;
          for (let j = 0; j < n.cols; j++) row += Math.abs(w[r * n.cols + j]!);
          worst = Math.max(worst, row * maxMag(fx));
        }
        const accWidth = signedBitsFor(-worst, worst);
        q = { ...n, elem: fix({ signed: true, width: accWidth, frac: fx.frac + wFmt.frac }), q: { w, wFmt, accWidth } };
        break;
      }
      case 'affine': {
        const fx = fmtIn(n);
        const out = calibrated(n, s.act);
        const mulFmt = formatFor(maxAbsOf(n.scale as ArrayLike<number>), 16);
        const zFrac = fx.frac + mulFmt.frac;
        const mul = codes(n.scale, mulFmt.frac);
        const add = codes(n.shift, zFrac);
        let worst = 0;
        mul.forEach((m, c) => (worst = Math.max(worst, Math.abs(m) * maxMag(fx) + Math.abs(add[c]!))));
        const slopeFrac = n.slope ? formatFor(maxAbsOf(n.slope as ArrayLike<number>), 16).frac : 0;
        const slope = n.slope ? codes(n.slope, slopeFrac) : undefined;
        const zWidth = signedBitsFor(-worst, worst) + (slope ? 16 : 0);
        q = { ...n, elem: fix(out), q: { mul, add, zFrac, slopeFrac, zWidth, ...(slope ? { slope } : {}) } };
        break;
      }
      case 'avgpool': {
        const f = fmtIn(n);
        q = { ...n, elem: fix({ signed: f.signed, width: f.width + 2, frac: f.frac + 2 }) };
        break;
      }
      case 'gap': {
        const fin = fmtIn(n);
        const src = done.get(n.inputs[0]!)!;
        const count = src.shape[1] * src.shape[2];
        const out = calibrated(n, n.layer === 'head' ? s.fcAct : s.act);
        const r0 = 2 ** (out.frac - fin.frac) / count;
        const shift = RECIP_BITS - 1 - Math.floor(Math.log2(r0));
        const recip = round(r0 * 2 ** shift);
        const sumWidth = signedBitsFor(minCode(fin) * count, maxCode(fin) * count);
        q = { ...n, elem: fix(out), q: { recip, shift, sumWidth } };
        break;
      }
      case 'mix': {
        const out = calibrated(n, s.se);
        const lam = n.lambda as ArrayLike<number>;
        let m = 0;
        for (let c = 0; c < lam.length; c++) m = Math.max(m, Math.abs(lam[c]!), Math.abs(1 - lam[c]!));
        const lambdaFrac = formatFor(m, 16).frac;
        q = { ...n, elem: fix(out), q: { lambda: codes(n.lambda, lambdaFrac), lambdaFrac } };
        break;
      }
      case 'fc': {
        const fx = fmtIn(n);
        const head = n.layer === 'head';
        const wFmt = formatFor(maxAbsOf(n.weight as ArrayLike<number>), head ? s.fcWeights : s.se);
        const w = codes(n.weight, wFmt.frac);
        const b = codes(n.bias, fx.frac + wFmt.frac);
        const mx = maxMag(fx);
        let worst = 0;
        for (let o = 0; o < n.outFeatures; o++) {
          let row = 0;
          for (let i = 0; i < n.inFeatures; i++) row += Math.abs(w[o * n.inFeatures + i]!);
          worst = Math.max(worst, Math.abs(b[o]!) + row * mx);
        }
        const out =
          role(n) === 'se_fc2'
            ? (s.formats[n.id] ?? { signed: true, width: s.sigmoidIn, frac: s.sigmoidIn - 4 })
            : calibrated(n, head ? s.act : s.se);
        q = { ...n, elem: fix(out), q: { w, wFmt, b, accWidth: signedBitsFor(-worst, worst) } };
        break;
      }
      case 'sigmoid': {
        const fi = fmtIn(n);
        const lut = new Float64Array(maxCode(fi) - minCode(fi) + 1);
        const gf = gateFormat(s.gate);
        for (let c = minCode(fi); c <= maxCode(fi); c++) lut[c - minCode(fi)] = round((1 / (1 + Math.exp(-c * 2 ** -fi.frac))) * 2 ** gf.frac);
        q = { ...n, elem: fix(gf), q: { lut } };
        break;
      }
      case 'gate': {
        const fx = fmtIn(n);
        const fg = fmtIn(n, 1);
        const out = calibrated(n, s.act);
        const scaleFrac = formatFor(maxAbsOf(n.scale as ArrayLike<number>), 16).frac;
        const scale = codes(n.scale, scaleFrac);
        const shift = codes(n.shift, fx.frac + fg.frac + scaleFrac);
        let worst = 0;
        scale.forEach((k, c) => (worst = Math.max(worst, Math.abs(k) * maxMag(fg) * maxMag(fx) + Math.abs(shift[c]!))));
        q = { ...n, elem: fix(out), q: { scale, scaleFrac, shift, prodWidth: signedBitsFor(-worst, worst) } };
        break;
      }
      case 'mul':
      case 'add':
      case 'concat':
        q = { ...n, elem: fix(calibrated(n, s.act)) } as Node;
        break;
      case 'conv':
      case 'bias':
      case 'sign':
      case 'batchnorm':
      case 'prelu':
        return fail('E_IR', `quantize needs the folded hardware graph; '${n.id}' (${n.kind}) is still there`);
    }
    done.set(q.id, q);
  }
  return withNodes(g, g.nodes.map((n) => done.get(n.id)!), 'quantize');
}
