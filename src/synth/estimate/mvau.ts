/**
 * mvau -> mvau_xnor (binary: XNOR-popcount trees) or mvau_int (multi-bit multiply-accumulate).
 * Cost: the popcount trees or multipliers (PE*SIMD lanes), the PE accumulators and output skid
 * buffer, the input replay buffer and mux, the (nf, sf) schedule; memories: the weight ROM
 * (block RAM) and the input replay buffer (one pixel's beats).
 */
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, dspBlocksTruncated, fmtOf, p, qOf } from './common.js';

/** The core and parameters of an MVAU node (as src/emit/ops/mvau.ts instantiates it). */
export const mvau: OpEstimator<'mvau'> = (n, ins, ctx) => {
  // HasRom is the core's own localparam (WeightFile != ""), derived here from the weights mode
  const common = { MW: n.cols, MH: n.rows, PE: n.pe, SIMD: n.simd, AccW: fmtOf(n).width, HasRom: ctx.weightsMode === 'rom' ? 1 : 0 };
  if (n.mode === 'xnor') return { module: 'mvau_xnor', params: common };
  return { module: 'mvau_int', params: { ...common, InW: fmtOf(ins[0]!).width, WeightW: qOf(n).wFmt.width } };
};

/** Weight ROM (block RAM, unless weights stream in) and the input replay buffer (NF > 1 only). */
function memories(x: Readonly<Record<string, number>>, ww: number, inW: number) {
  const sf = p(x, 'MW') / Math.max(1, p(x, 'SIMD'));
  const nf = p(x, 'MH') / Math.max(1, p(x, 'PE'));
  return [
    ...(!p(x, 'HasRom') ? [] : [{ depth: nf * sf, width: p(x, 'PE') * p(x, 'SIMD') * ww, style: 'block' as const }]),
    ...(nf > 1 ? [{ depth: sf, width: p(x, 'SIMD') * inW + 1, style: 'auto' as const }] : []),
  ];
}

/**
 * Binary popcount cost of one PE, in the units of the tree in templates/cores/popcount_tree.v:
 * leaves of 3 XNOR pairs (2 output bits each) and the carry-chain LUTs of the tree above them
 * (nodes of up to six children; a node of k children costs clog2(k) chain steps, one LUT per
 * column of its widest child each).
 */
export function popcountTreeBits(simd: number): { leaves: number; adderBits: number } {
  const leaves = Math.ceil(simd / 3);
  let adderBits = 0;
  // bottom-up groups of six consecutive counts = the core's left-packed tree
  let counts = Array.from({ length: leaves }, (_, k) => Math.min(3, simd - 3 * k));
  while (counts.length > 1) {
    const next: number[] = [];
    for (let k = 0; k < counts.length; k += 6) {
      const group = counts.slice(k, k + 6);
      if (group.length > 1) adderBits += clog2(group.length) * clog2(Math.max(...group) + 1);
      next.push(group.reduce((a, b) => a + b, 0));
    }
    counts = next;
  }
  return { leaves, adderBits };
}

/**
 * Bits of the output skid buffer: mvau_out has one only when a block is a single step (SF = 1);
 * otherwise its output stage is a plain register (templates/cores/mvau_out.v).
 */
function outputSkidBits(x: Readonly<Record<string, number>>): number {
  return p(x, 'MW') / Math.max(1, p(x, 'SIMD')) === 1 ? p(x, 'PE') * p(x, 'AccW') : 0;
}

/** Cost models of mvau_xnor and mvau_int. */
export const mvauCores: Readonly<Record<string, CoreModel>> = {
  mvau_xnor: {
    doc: 'popcount leaves and tree adder bits per PE, PE accumulator bits, output skid bits (SF = 1 only), replay-buffer bits, schedule counters',
    features: (x) => {
      const t = popcountTreeBits(p(x, 'SIMD'));
      const nf = p(x, 'MH') / Math.max(1, p(x, 'PE'));
      return {
        leaves: p(x, 'PE') * t.leaves,
        treeBits: p(x, 'PE') * t.adderBits,
        accBits: p(x, 'PE') * p(x, 'AccW'),
        skidBits: outputSkidBits(x),
        replayBits: nf > 1 ? p(x, 'SIMD') : 0,
        ctl: clog2(nf) + clog2(p(x, 'MW') / Math.max(1, p(x, 'SIMD'))),
        one: 1,
      };
    },
    memories: (x) => memories(x, 1, 1),
  },
  mvau_int: {
    doc: 'multiplier bit-products and DSP blocks per lane, PE accumulator bits, output skid bits (SF = 1 only), replay-buffer bits, schedule counters',
    features: (x) => {
      const lanes = p(x, 'PE') * p(x, 'SIMD');
      const nf = p(x, 'MH') / Math.max(1, p(x, 'PE'));
      // the core multiplies operands sign-extended to the dot-product width DotW (unsigned, truncated)
      const dotW = p(x, 'InW') + p(x, 'WeightW') + Math.ceil(Math.log2(Math.max(1, p(x, 'SIMD'))));
      return {
        mulBits: lanes * p(x, 'InW') * p(x, 'WeightW'),
        dotMulBits: (lanes * dotW * dotW) / 2,
        dspMul: lanes * dspBlocksTruncated(dotW, dotW, dotW),
        sumBits: lanes * p(x, 'AccW'),
        accBits: p(x, 'PE') * p(x, 'AccW'),
        skidBits: outputSkidBits(x),
        replayBits: nf > 1 ? p(x, 'SIMD') * p(x, 'InW') : 0,
        ctl: clog2(nf) + clog2(p(x, 'MW') / Math.max(1, p(x, 'SIMD'))),
        one: 1,
      };
    },
    memories: (x) => memories(x, p(x, 'WeightW'), p(x, 'InW')),
  },
};
