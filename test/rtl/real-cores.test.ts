/**
 * The real-valued Verilog cores (templates/cores): the lint gate over a parameter grid, the
 * requantizer over every input code, and each core co-simulated through its emitter binding
 * (src/sim/op.ts `simulateOp` on `opCase` cases) against the integer reference semantics of
 * src/ref/ops at explicit edge formats (unsigned codes, left and right shifts, narrow and wide
 * outputs): every output beat under random input gaps and output back-pressure (p = 0.3) must
 * equal the reference, and the stall-free cycle count must match the op's analytic cycle model
 * (src/ir/ops) to within the core's pipeline latency. The op grid (test/sim/op.test.ts) covers
 * folding, kernels, strides and borders.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CORES_DIR } from '../../src/emit/env.js';
import { maxCode, minCode, saturate, shiftRound, type FixFormat } from '../../src/ir/fixed.js';
import { buildModel } from '../../src/sim/build.js';
import { loadModel } from '../../src/sim/harness.js';
import { formatLintIssues, lintAll } from '../../src/sim/lint.js';
import { opCase, type OpCaseParams } from '../../src/sim/op-cases.js';
import { describeMismatch, simulateOp } from '../../src/sim/op.js';
import { closeYosysWorkers } from '../../src/synth/yosys.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/real-cores/', import.meta.url));
const STALL = 0.3;
/** Cycles a core may take beyond its analytic model in a stall-free run (pipeline fill). */
const LATENCY = 8;

const s = (width: number, frac: number): FixFormat => ({ signed: true, width, frac });
const u = (width: number, frac: number): FixFormat => ({ signed: false, width, frac });

/** Absolute paths of the named cores. */
function coreFiles(...names: readonly string[]): string[] {
  return names.map((n) => `${CORES_DIR}${n}.v`);
}

/** Options of {@link cosim}. */
interface CosimOptions {
  /** Frames sent back to back, each with new random codes. Default 3. */
  readonly frames?: number;
  /** Extra cycles per frame beyond the op's cycle model (documented per core). Default 0. */
  readonly extraCycles?: number;
  /** The data saturates some outputs (checked, so the saturation logic is exercised). */
  readonly saturates?: boolean;
  readonly seed?: number;
}

/**
 * Runs random frames of an `opCase` through its core twice (p = 0.3 gaps and back-pressure, then
 * none): no mismatch either time, and the stall-free cycles within the model plus the latency.
 */
async function cosim(kind: string, params: OpCaseParams, o: CosimOptions = {}): Promise<void> {
  const c = opCase(kind, params, o.seed ?? 7);
  const nf = o.frames ?? 3;
  const frames = Array.from({ length: nf }, (_, k) => c.frame(k));
  for (const stall of [STALL, 0]) {
    const r = await simulateOp(c.node, c.inputs, frames, { stall, seed: 7, context: c.context });
    expect(r.mismatches.map((m) => describeMismatch(r.op, m)), `stall ${stall}`).toEqual([]);
    if (o.saturates !== undefined) expect(r.extremes > 0, 'some outputs saturate').toBe(o.saturates);
    if (stall === 0) {
      const model = r.modelCycles + nf * (o.extraCycles ?? 0);
      expect(r.cycles).toBeGreaterThanOrEqual(model);
      expect(r.cycles).toBeLessThanOrEqual(model + LATENCY);
    }
  }
}

/** Every core over a few parameter sets, including edge cases (one channel, unsigned codes, left shifts). */
const LINT_GRID: readonly { top: string; deps: readonly string[]; params: readonly Record<string, number>[] }[] = [
  { top: 'requant', deps: [], params: [{}, { Shift: -3, OutW: 8, OutSigned: 0 }, { InW: 4, InSigned: 0, Shift: 9, OutW: 2 }] },
  { top: 'affine', deps: ['requant', 'skid_buffer'], params: [{}, { Par: 4, Channels: 8, HasSlope: 1, InSigned: 0 }, { Channels: 1, HasSlope: 1, SlopeFrac: -2, ZFrac: 0 }] },
  { top: 'eltwise_mul', deps: ['requant', 'skid_buffer'], params: [{}, { Par: 3, ASigned: 0, OutSigned: 0, OutW: 8 }, { AW: 1, BW: 2, OutFrac: 30 }] },
  { top: 'eltwise_add', deps: ['requant', 'skid_buffer'], params: [{}, { Par: 2, AFrac: 12, BFrac: -2, BSigned: 0 }, { AW: 2, BW: 2, OutW: 2, OutFrac: -5 }] },
  { top: 'sigmoid_lut', deps: ['skid_buffer'], params: [{}, { Par: 4, InW: 4, InSigned: 0, OutW: 1 }, { InW: 1 }] },
  { top: 'concat', deps: ['requant', 'skid_buffer'], params: [{}, { Par: 2, ChannelsA: 2, ChannelsB: 6, ASigned: 0, BFrac: 3 }, { ChannelsA: 1, ChannelsB: 1 }] },
  { top: 'pool_line', deps: ['skid_buffer'], params: [{}, { Op: 1, Kernel: 2, Stride: 2, Pad: 0, OutW: 17, Items: 1, Positions: 2 }, { Kernel: 4, Items: 3, Seqs: 2, InSigned: 0 }] },
  { top: 'maxpool', deps: ['pool_line', 'skid_buffer'], params: [{}, { Par: 2, Channels: 6, Height: 5, Width: 7 }, { Kernel: 2, Pad: 0, Height: 2, Width: 2, InSigned: 0 }] },
  { top: 'avgpool2', deps: ['pool_line', 'skid_buffer'], params: [{}, { Par: 2, Channels: 6, Height: 5, Width: 7 }, { Channels: 1, Height: 2, Width: 3, InSigned: 0 }] },
  { top: 'gap', deps: ['requant', 'skid_buffer'], params: [{}, { Par: 2, Channels: 6, Pixels: 7, InSigned: 0 }, { Channels: 1, Pixels: 1, Recip: 1, Shift: -2, OutSigned: 0 }] },
  { top: 'mix', deps: ['requant', 'skid_buffer'], params: [{}, { Par: 2, Channels: 6, ASigned: 0, AFrac: 2, BFrac: 9 }, { Channels: 1, LambdaFrac: 0, OutSigned: 0 }] },
  { top: 'fc', deps: ['requant', 'skid_buffer'], params: [{}, { InPar: 2, OutPar: 2, InF: 8, OutF: 6, Relu: 1 }, { InF: 1, OutF: 1, InSigned: 0, OutSigned: 0 }] },
  { top: 'gate', deps: ['requant', 'skid_buffer'], params: [{}, { Par: 4, GPar: 2, Channels: 8, Pixels: 3, InSigned: 0 }, { Channels: 1, Pixels: 1, GSigned: 1 }] },
];

afterAll(() => closeYosysWorkers());

describe('lint gate', () => {
  it.each(LINT_GRID)('$top passes Verilator -Wall, Yosys and Icarus without a single warning at every parameter set', async ({ top, deps, params }) => {
    for (const p of params) {
      const r = await lintAll(coreFiles(top, ...deps), top, p);
      expect(formatLintIssues(r.issues), JSON.stringify(p)).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it('rejects illegal parameters in every tool, naming the rule', async () => {
    const r = await lintAll(coreFiles('affine', 'requant', 'skid_buffer'), 'affine', { Par: 3, Channels: 8 });
    expect(r.results.map((x) => x.ok)).toEqual([false, false, false]);
    // Verilator and Icarus name the missing error module; Yosys runs the core's $display + $finish
    for (const x of [r.results[0]!, r.results[2]!]) expect(x.issues.map((i) => i.message).join('\n')).toContain('affine_error_par_must_divide_channels');
    const v = await lintAll(coreFiles('pool_line', 'skid_buffer'), 'pool_line', { Kernel: 5, Stride: 2 });
    expect(v.ok).toBe(false);
    expect(v.issues.map((i) => i.message).join('\n')).toContain('pool_line_error_unsupported_window');
  });
});

describe('requant', () => {
  it.each([
    { x: s(8, 0), out: s(5, 0), shift: 3 },
    { x: s(8, 0), out: u(4, 0), shift: 1 },
    { x: u(7, 0), out: s(6, 0), shift: -2 },
    { x: s(6, 0), out: s(9, 0), shift: 0 },
    { x: s(5, 0), out: s(3, 0), shift: 9 },
  ])('equals saturate(shiftRound(x, $shift)) for every input code, $x.width -> $out.width bits', async ({ x, out, shift }) => {
    const built = await buildModel({
      top: 'requant_reg',
      files: [join(FIXTURES, 'requant_reg.v'), ...coreFiles('requant')],
      params: { InW: x.width, InSigned: x.signed ? 1 : 0, OutW: out.width, OutSigned: out.signed ? 1 : 0, Shift: shift },
    });
    const m = loadModel(built);
    try {
      const got: number[] = [];
      const want: number[] = [];
      for (let v = minCode(x); v <= maxCode(x); v++) {
        m.set('x_i', v);
        m.step();
        const y = m.getNum('y_o');
        got.push(out.signed && y >= 2 ** (out.width - 1) ? y - 2 ** out.width : y);
        want.push(saturate(shiftRound(v, shift), out) + 0);
      }
      expect(got).toEqual(want);
    } finally {
      m.close();
    }
  });
});

describe('affine', () => {
  it.each([
    { par: 1, slope: false, outFormat: 's8.3', saturates: true },
    { par: 2, slope: true, outFormat: 's8.2', saturates: true },
    { par: 4, slope: true, outFormat: 's16.6', saturates: false }, // wide enough never to saturate
    { par: 2, slope: false, outFormat: 'u8.2', saturates: true },
  ])('matches the reference: par $par, slope $slope, out $outFormat', async ({ saturates, ...p }) => {
    await cosim('affine', { channels: 8, inFormat: 's10.4', ...p }, { saturates });
  });
});

describe.each([
  {
    kind: 'mul',
    cases: [
      { par: 2, inFormat: 's10.6', in2Format: 's9.5', outFormat: 's10.4', saturates: true },
      { par: 4, inFormat: 's12.5', in2Format: 'u6.4', outFormat: 'u8.1', saturates: true },
      { par: 1, inFormat: 's6.2', in2Format: 's5.1', outFormat: 's16.6', saturates: false }, // wide enough never to saturate
    ],
  },
  {
    kind: 'add',
    cases: [
      { par: 2, inFormat: 's10.6', in2Format: 's12.2', outFormat: 's11.1', saturates: true },
      { par: 4, inFormat: 's8.2', in2Format: 's8.0', outFormat: 's12.4', saturates: true },
      { par: 1, inFormat: 'u8.3', in2Format: 's10.3', outFormat: 'u8.0', saturates: true },
    ],
  },
])('eltwise $kind', ({ kind, cases }) => {
  it.each(cases)('matches the reference: par $par, $inFormat x $in2Format -> $outFormat', async ({ saturates, ...p }) => {
    await cosim(kind, { channels: 8, ...p }, { saturates });
  });
});

describe('sigmoid_lut', () => {
  it.each([
    { par: 1, inFormat: 's8.4' },
    { par: 4, inFormat: 's10.6' },
    { par: 2, inFormat: 'u6.3' },
  ])('matches the reference: par $par, input $inFormat', async (p) => {
    await cosim('sigmoid', { channels: 8, outWidth: 13, ...p }, { frames: 8 });
  });
});

describe('concat', () => {
  it.each([
    { par: 2, channels: 4, channels2: 8, inFormat: 's10.6', in2Format: 's8.1', outFormat: 's9.4', saturates: true },
    // cannot saturate (the extremes of a pass through reach the output's limits, so no check)
    { par: 1, channels: 3, channels2: 2, inFormat: 's8.2', in2Format: 'u8.4', outFormat: 's8.2', saturates: undefined },
    { par: 4, channels: 4, channels2: 4, inFormat: 's9.3', in2Format: 's9.3', outFormat: 's9.3', saturates: undefined },
  ])('matches the reference: par $par, $channels + $channels2 channels', async ({ saturates, ...p }) => {
    await cosim('concat', { height: 3, width: 2, ...p }, saturates === undefined ? {} : { saturates });
  });
});

describe('maxpool', () => {
  it.each([
    { par: 2, channels: 4, height: 5, width: 6, kernel: 3, stride: 2, pad: 1, inFormat: 's8.3' },
    { par: 1, channels: 3, height: 4, width: 4, kernel: 3, stride: 2, pad: 1, inFormat: 'u6.0' },
    { par: 4, channels: 4, height: 7, width: 5, kernel: 2, stride: 2, pad: 0, inFormat: 's10.2' },
    { par: 1, channels: 2, height: 6, width: 7, kernel: 4, stride: 2, pad: 1, inFormat: 's7.0' },
  ])('matches the reference: $height x $width, kernel $kernel stride $stride pad $pad, par $par', async (p) => {
    await cosim('maxpool', p);
  });
});

describe('avgpool2', () => {
  it.each([
    { par: 2, channels: 4, height: 4, width: 4, inFormat: 's8.3' },
    { par: 1, channels: 3, height: 5, width: 3, inFormat: 's6.1' },
    { par: 4, channels: 8, height: 3, width: 6, inFormat: 'u5.2' },
  ])('matches the reference: $height x $width, par $par', async (p) => {
    await cosim('avgpool', p);
  });
});

describe('gap', () => {
  it.each([
    { par: 2, channels: 8, height: 3, width: 5, inFormat: 's10.4', outFormat: 's8.5' },
    { par: 1, channels: 4, height: 3, width: 3, inFormat: 'u8.0', outFormat: 'u6.-1' },
    // one pixel and an output finer than the input: a negative shift (the reciprocal scales up)
    { par: 4, channels: 4, height: 1, width: 1, inFormat: 's6.0', outFormat: 's8.17' },
    { par: 1, channels: 2, height: 4, width: 4, inFormat: 's6.0', outFormat: 's8.2' },
  ])('matches the reference: par $par, $channels x $height x $width, $inFormat -> $outFormat', async (p) => {
    await cosim('gap', p, { frames: 4, saturates: true });
  });
});

describe('mix', () => {
  it.each([
    { par: 1, channels: 8, inFormat: 's8.5', in2Format: 's8.3', outFormat: 's8.4' },
    { par: 2, channels: 8, inFormat: 's10.2', in2Format: 'u8.6', outFormat: 's9.3' },
    { par: 4, channels: 4, inFormat: 's6.0', in2Format: 's6.0', outFormat: 's7.2' },
  ])('matches the reference: par $par, $inFormat and $in2Format -> $outFormat', async (p) => {
    await cosim('mix', p, { frames: 12, saturates: true });
  });
});

describe('fc', () => {
  it.each([
    { inPar: 1, par: 1, inFeatures: 8, outFeatures: 4, relu: false, inFormat: 's6.2', outFormat: 's8.4' },
    { inPar: 2, par: 2, inFeatures: 8, outFeatures: 6, relu: true, inFormat: 's6.2', outFormat: 's8.4' },
    { inPar: 4, par: 4, inFeatures: 4, outFeatures: 4, relu: false, inFormat: 'u6.2', outFormat: 's8.4' },
    { inPar: 2, par: 1, inFeatures: 6, outFeatures: 3, relu: false, inFormat: 's8.4', outFormat: 's8.5' },
  ])('matches the reference: $inFeatures -> $outFeatures, SIMD $inPar, PE $par, relu $relu', async (p) => {
    await cosim('fc', p, { frames: 6, saturates: true });
  });
});

describe('gate', () => {
  it.each([
    { par: 2, inPar: 1, channels: 8, height: 3, width: 3, inFormat: 's8.3', in2Format: 'u9.8', outFormat: 's10.4' },
    { par: 4, inPar: 2, channels: 8, height: 2, width: 2, inFormat: 's10.5', in2Format: 'u13.12', outFormat: 'u9.0' },
    { par: 1, inPar: 1, channels: 3, height: 4, width: 4, inFormat: 'u6.2', in2Format: 's8.6', outFormat: 's8.2' },
    { par: 4, inPar: 1, channels: 4, height: 2, width: 3, inFormat: 's8.3', in2Format: 'u9.8', outFormat: 's9.4' },
  ])('matches the reference: par $par, gate par $inPar, $channels x $height x $width', async (p) => {
    // the cycle model counts the map only; the core first loads the channels/inPar gate beats
    await cosim('gate', p, { extraCycles: p.channels / p.inPar, saturates: true });
  });
});
