/**
 * Every hardware op kind, co-simulated in Verilator against the integer reference model over a
 * grid: one lane and all lanes per beat, SIMD dividing and equal to the width, stride 1 and 2,
 * kernel 1 and 3, small maps (every border class), negative BN scales and PReLU slopes, extreme
 * input codes, with and without random stalls, two frames back to back.
 */
import { describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { OP_KINDS } from '../../src/ir/graph.js';
import { opCase, caseKinds, type OpCaseParams } from '../../src/sim/op-cases.js';
import { describeMismatch, simulateOp } from '../../src/sim/op.js';

interface GridCase {
  readonly kind: string;
  readonly params: OpCaseParams;
}

const GRID: readonly GridCase[] = [
  { kind: 'threshold', params: { channels: 4, par: 1 } },
  { kind: 'threshold', params: { channels: 8, height: 4, width: 4, par: 8, inWidth: 16 } },
  { kind: 'window', params: { elem: 'bin', channels: 4, kernel: 3, stride: 1, pad: 1, simd: 4 } },
  { kind: 'window', params: { elem: 'bin', channels: 4, height: 3, width: 3, kernel: 3, stride: 2, pad: 1, simd: 2 } },
  { kind: 'window', params: { elem: 'fix', inWidth: 6, channels: 2, kernel: 3, stride: 1, pad: 1, simd: 1 } },
  { kind: 'window', params: { elem: 'bin', channels: 8, kernel: 1, stride: 1, pad: 0, simd: 8 } },
  { kind: 'window', params: { elem: 'fix', channels: 4, height: 5, width: 5, kernel: 3, stride: 2, pad: 0, simd: 4 } },
  { kind: 'mvau', params: { mode: 'xnor', channels: 4, height: 3, width: 3, rows: 4, pe: 1, simd: 4 } },
  { kind: 'mvau', params: { mode: 'xnor', channels: 8, rows: 8, stride: 2, pe: 8, simd: 2 } },
  { kind: 'mvau', params: { mode: 'xnor', window: false, channels: 8, height: 3, width: 3, rows: 4, pe: 2, simd: 8 } },
  { kind: 'mvau', params: { mode: 'xnor', window: false, channels: 16, rows: 8, pe: 8, simd: 4 } },
  { kind: 'mvau', params: { mode: 'int', channels: 3, rows: 4, pe: 4, simd: 3 } },
  { kind: 'mvau', params: { mode: 'int', channels: 2, height: 3, width: 3, rows: 2, stride: 2, pe: 1, simd: 1 } },
  { kind: 'mvau', params: { mode: 'int', window: false, channels: 4, height: 3, width: 3, rows: 4, pe: 2, simd: 4 } },
  { kind: 'affine', params: { channels: 4, par: 1, slope: true } },
  { kind: 'affine', params: { channels: 4, par: 4, slope: false } },
  { kind: 'affine', params: { channels: 8, height: 4, width: 4, par: 2, slope: true, inWidth: 16, outWidth: 16 } },
  { kind: 'avgpool', params: { channels: 4, par: 1 } },
  { kind: 'avgpool', params: { channels: 4, height: 5, width: 3, par: 4 } },
  { kind: 'maxpool', params: { channels: 4, kernel: 3, stride: 2, pad: 1, par: 1 } },
  { kind: 'maxpool', params: { channels: 2, height: 5, width: 5, kernel: 3, stride: 2, pad: 1, par: 2 } },
  { kind: 'maxpool', params: { channels: 4, height: 3, width: 4, kernel: 2, stride: 2, pad: 0, par: 2 } },
  { kind: 'gap', params: { channels: 4, par: 1 } },
  { kind: 'gap', params: { channels: 8, height: 4, width: 4, par: 8, outWidth: 14 } },
  { kind: 'mix', params: { channels: 8, par: 1 } },
  { kind: 'mix', params: { channels: 8, par: 8 } },
  { kind: 'fc', params: { inFeatures: 8, outFeatures: 4, inPar: 1, par: 1, relu: false } },
  { kind: 'fc', params: { inFeatures: 8, outFeatures: 6, inPar: 2, par: 2, relu: true } },
  { kind: 'fc', params: { inFeatures: 4, outFeatures: 4, inPar: 4, par: 4, relu: true } },
  { kind: 'sigmoid', params: { channels: 8, par: 1, inWidth: 8 } },
  { kind: 'sigmoid', params: { channels: 8, par: 8 } },
  { kind: 'gate', params: { channels: 4, par: 1, inPar: 1 } },
  { kind: 'gate', params: { channels: 8, par: 4, inPar: 2 } },
  { kind: 'gate', params: { channels: 4, height: 4, width: 4, par: 4, inPar: 4 } },
  { kind: 'mul', params: { channels: 4, par: 1 } },
  { kind: 'mul', params: { channels: 4, height: 4, width: 4, par: 4 } },
  { kind: 'add', params: { channels: 4, par: 1, outWidth: 10 } },
  { kind: 'add', params: { channels: 4, height: 4, width: 4, par: 4 } },
  { kind: 'concat', params: { channels: 4, channels2: 8, par: 2 } },
  { kind: 'concat', params: { channels: 3, channels2: 2, par: 1, outWidth: 10 } },
  { kind: 'concat', params: { channels: 4, channels2: 4, height: 2, width: 3, par: 4 } },
  { kind: 'fork', params: { channels: 4, par: 2, outputs: 2 } },
  { kind: 'fork', params: { channels: 4, par: 4, outputs: 3, elem: 'bin' } },
  { kind: 'dwc', params: { channels: 8, inPar: 8, par: 2 } },
  { kind: 'dwc', params: { channels: 4, inPar: 1, par: 4, elem: 'bin' } },
  { kind: 'fifo', params: { channels: 4, par: 1, depth: 4 } },
  { kind: 'fifo', params: { channels: 4, par: 4, depth: 2, elem: 'bin' } },
];

/** Ops whose output format is calibrated so that some outputs saturate. */
const SATURATING = new Set(['affine', 'gap', 'mix', 'fc', 'gate', 'mul', 'add']);

describe('single-op co-simulation against the integer model', () => {
  it('has a case generator for every hardware op kind, and a grid case for each', () => {
    // the graph's ports and the ops that the folding passes remove have no core
    const software = new Set(['input', 'output', 'conv', 'bias', 'sign', 'batchnorm', 'prelu']);
    expect(new Set(caseKinds())).toEqual(new Set(OP_KINDS.filter((k) => !software.has(k))));
    expect(new Set(GRID.map((g) => g.kind))).toEqual(new Set(caseKinds()));
  });

  it.each(GRID)('$kind $params', async ({ kind, params }) => {
    const c = opCase(kind, params, 11);
    const frames = [c.frame(0), c.frame(1)];
    for (const stall of [0, 0.3]) {
      const r = await simulateOp(c.node, c.inputs, frames, { stall, seed: 3, context: c.context });
      expect(r.mismatches.map((m) => describeMismatch(r.op, m)), `stall ${stall}`).toEqual([]);
      // stall-free: at least the model, at most the model plus 10 % and the pipeline fill
      if (stall === 0) {
        expect(r.cycles).toBeGreaterThanOrEqual(r.modelCycles);
        expect(r.cycles).toBeLessThanOrEqual(r.modelCycles * 1.1 + 32);
      }
      if (SATURATING.has(kind)) expect(r.extremes).toBeGreaterThan(0);
    }
  });
});

describe('op cases', () => {
  it('draws a new, reproducible frame each time', () => {
    const a = opCase('affine', {}, 4);
    expect(a.frame(0)).toEqual(a.values);
    expect(a.frame(1)[0]).not.toEqual(a.frame(0)[0]);
    expect(opCase('affine', {}, 4).frame(1)).toEqual(a.frame(1));
    expect(opCase('affine', {}, 5).node).not.toEqual(a.node);
  });

  it('puts threshold inputs exactly on their thresholds (the tie rule)', () => {
    const c = opCase('threshold', { channels: 4, height: 4, width: 4 }, 2);
    const t = c.node.kind === 'threshold' ? c.node.q!.t : [];
    const ties = Array.from(c.values[0]!).filter((v, i) => v === t[Math.floor(i / 16)]).length;
    expect(ties).toBeGreaterThan(4);
  });

  it('feeds a windowed MVAU the window stream, padding taps as 0', () => {
    const c = opCase('mvau', { mode: 'xnor', channels: 2, height: 3, width: 3, rows: 2, simd: 2 }, 1);
    expect(c.inputs[0]!.kind).toBe('window');
    expect(c.context.map((n) => n.id)).toEqual([c.inputs[0]!.inputs[0]]);
    // corner pixel (0, 0): taps (ky, kx) with ky = 0 or kx = 0 are padding: 5 of 9 taps, 2 channels each
    const hw = 9;
    const corner = Array.from({ length: 18 }, (_, j) => c.values[0]![j * hw]!);
    expect(corner.filter((v) => v === 0).length).toBe(10);
  });

  it.each([
    ['nope', {}, '--op', /no simulation case for op 'nope'/],
    ['mvau', { pe: 3, rows: 4 }, '--params', /PE 3 does not divide rows 4/],
    ['mvau', { simd: 3, channels: 4 }, '--params', /SIMD 3 does not divide the 4 input channels/],
    ['mvau', { window: false, kernel: 3 }, '--params', /1x1 convolution/],
    ['maxpool', { kernel: 5, stride: 2 }, '--params', /2 <= kernel <= 2\*stride/],
    ['window', { kernel: 2 }, '--params', /must be odd/],
    ['affine', { par: 3, channels: 4 }, '--params', /par 3/],
    ['fc', { inPar: 3 }, '--params', /inPar 3 must divide inFeatures 8/],
    ['affine', { pe: 2 }, '--params.pe', /does not take pe/],
    ['threshold', { inFormat: 'u8.0' }, '--params', /threshold core reads signed input codes/],
    ['mvau', { mode: 'int', inFormat: 'u8.0' }, '--params', /mvau_int core reads signed input codes/],
    ['affine', { inFormat: 's8' }, '--params.inFormat', /fixed-point format/],
    ['affine', { chanels: 4 }, '--params', /chanels/],
  ])('rejects %s %o with E_ARG naming %s', (kind, params, field, message) => {
    let err: unknown;
    try {
      opCase(kind, params);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BnextError);
    expect((err as BnextError).code).toBe('E_ARG');
    expect((err as BnextError).message).toMatch(message);
    expect((err as BnextError).location.field).toBe(field);
  });

  it('fails a core that sends more beats than the node has', async () => {
    // an ill-formed fifo (its input has half its lanes): the core passes twice the beats through
    const c = opCase('fifo', { channels: 4, par: 2 }, 1);
    const ins = [{ ...c.inputs[0]!, par: 1 }];
    await expect(simulateOp(c.node, ins, c.values)).rejects.toThrow(/output beats beyond the expected 18/);
  });

  it('needs the window producer to simulate a windowed MVAU', async () => {
    const c = opCase('mvau', { channels: 2, rows: 2, simd: 2 }, 1);
    await expect(simulateOp(c.node, c.inputs, c.values)).rejects.toThrow(/options\.context/);
  });
});
