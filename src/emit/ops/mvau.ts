/**
 * mvau -> templates/cores/mvau_xnor.v (binary) or mvau_int.v (multi-bit); weights in a ROM file,
 * or (weights mode `stream`) from a top-level weight stream fed with the same words.
 */
import type { Vec } from '../../ir/graph.js';
import type { EmitContext, Instance, OpBinding } from '../types.js';
import { fmt, memStem, q } from './common.js';

/**
 * ROM words in the cores' layout: word nf*SF + sf; lane p (output channel nf*PE + p) at bits
 * [(p+1)*SIMD*W-1 : p*SIMD*W]; element j of a lane (column sf*SIMD + j) at [(j+1)*W-1 : j*W].
 */
export function weightWords(rows: number, cols: number, pe: number, simd: number, w: number, value: (r: number, c: number) => number): string[] {
  const nf = rows / pe;
  const sf = cols / simd;
  const digits = Math.ceil((pe * simd * w) / 4);
  const nib = new Uint8Array(digits);
  // Hex digits as character codes, most significant first, decoded once per word (building the
  // string digit by digit made this the slowest step of generating BNext-Large).
  const chars = new Uint8Array(digits);
  const hexCode = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
  const latin1 = new TextDecoder('latin1');
  const out: string[] = [];
  for (let f = 0; f < nf; f++)
    for (let s = 0; s < sf; s++) {
      nib.fill(0);
      for (let p = 0; p < pe; p++)
        for (let j = 0; j < simd; j++) {
          const v = value(f * pe + p, s * simd + j);
          const base = (p * simd + j) * w;
          for (let b = 0; b < w; b++) if ((v >>> b) & 1) nib[(base + b) >> 2]! |= 1 << ((base + b) & 3);
        }
      for (let d = 0; d < digits; d++) chars[d] = hexCode[nib[digits - 1 - d]!]!;
      out.push(latin1.decode(chars));
    }
  return out;
}

/** Two's complement code of v in w bits (w <= 31), as a non-negative number. */
export const twos = (v: number, w: number): number => (v < 0 ? v + 2 ** w : v);

/** The weight source of an MVAU: a ROM parameter, or a weight stream brought out to the top level. */
function weightSource(ctx: EmitContext, file: string, words: string[], wordBits: number): Pick<Instance, 'mems' | 'ties' | 'open' | 'weightStream'> {
  if (ctx.placement?.weightsMode === 'stream') return { weightStream: { file, words, wordBits } };
  return {
    mems: [{ param: 'WeightFile', file, words }],
    ties: { w_tvalid_i: "1'b0", w_tdata_i: `{${wordBits}{1'b0}}`, w_tlast_i: "1'b0" },
    open: [{ port: 'w_tready_o', width: 1 }],
  };
}

/** Binds the `mvau` op to the mvau_xnor / mvau_int core. */
export const mvau: OpBinding<'mvau'> = (n, ins, ctx) => {
  const acc = fmt(n).width;
  const stem = memStem(n);
  const common = { MW: n.cols, MH: n.rows, PE: n.pe, SIMD: n.simd, AccW: acc };
  if (n.mode === 'xnor') {
    const wt: Vec = n.weight;
    const words = weightWords(n.rows, n.cols, n.pe, n.simd, 1, (r, c) => (wt[r * n.cols + c]! < 0 ? 0 : 1));
    return {
      module: 'mvau_xnor',
      params: common,
      ...weightSource(ctx, `${stem}_w.mem`, words, n.pe * n.simd),
      inputs: ['in'],
      output: 'out',
      padFlag: [true],
      uses: ['mvau_feed', 'mvau_out', 'xnor_popcount', 'popcount_tree', 'popcount_node', 'keep_add', 'delay_line', 'skid_buffer'],
    };
  }
  const qm = q(n);
  const ww = qm.wFmt.width;
  const words = weightWords(n.rows, n.cols, n.pe, n.simd, ww, (r, c) => twos(qm.w[r * n.cols + c]!, ww));
  return {
    module: 'mvau_int',
    params: { ...common, InW: fmt(ins[0]!).width, WeightW: ww },
    ...weightSource(ctx, `${stem}_w.mem`, words, n.pe * n.simd * ww),
    inputs: ['in'],
    output: 'out',
    padFlag: [true],
    uses: ['mvau_feed', 'mvau_out', 'delay_line', 'skid_buffer'],
  };
};
