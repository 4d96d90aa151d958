/**
 * The real-valued Verilog cores (templates/cores) against the integer reference semantics of
 * src/ref/ops: every output beat of a Verilator simulation with random input gaps and output
 * back-pressure (p = 0.3) must equal the reference op's `int` result on the same codes and
 * constants, and the stall-free cycle count must match the op's analytic cycle model
 * (src/ir/ops) to within the core's pipeline latency.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Shape3 } from '../../src/dsl/network.js';
import { maxCode, minCode, saturate, shiftRound, signedBitsFor, type FixFormat } from '../../src/ir/fixed.js';
import { elements, type AffineNode, type Node, type NodeBase, type NodeOf, type OpKind } from '../../src/ir/graph.js';
import { OPS } from '../../src/ir/ops/index.js';
import { REF_OPS } from '../../src/ref/ops/index.js';
import { buildModel } from '../../src/sim/build.js';
import { loadModel } from '../../src/sim/harness.js';
import { formatLintIssues, lintAll } from '../../src/sim/lint.js';
import { closeYosysWorkers } from '../../src/synth/yosys.js';
import { fmtOf, type OpInputs } from '../../src/ref/ops/types.js';
import { Rng } from '../../src/util/rng.js';
import { buildCore, coreFiles, fix, mapBeats, mapLanes, memFile, packedMemFile, randomCodes, randomInts, runCore, source, type Core } from '../fixtures/real-cores/cosim.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/real-cores/', import.meta.url));
const STALL = 0.3;
/** Cycles a core may take beyond its analytic model in a stall-free run (pipeline fill). */
const LATENCY = 8;

const s = (width: number, frac: number): FixFormat => ({ signed: true, width, frac });
const u = (width: number, frac: number): FixFormat => ({ signed: false, width, frac });

/** A node of the op under test (id = kind, inputs named in0, in1, ...). */
function opNode<K extends OpKind>(kind: K, shape: Shape3, out: FixFormat, par: number, inputs: number, extra: Omit<NodeOf<K>, keyof NodeBase | 'kind'>): NodeOf<K> {
  const ids = Array.from({ length: inputs }, (_, k) => `in${k}`);
  return { kind, id: kind, inputs: ids, shape, elem: fix(out), par, layer: 'test', ...extra } as unknown as NodeOf<K>;
}

/** Checks the stall-free cycle count of `frames` back-to-back frames against the op's model. */
function expectCycles(measured: number, n: Node, ins: readonly Node[], frames: number, extra = 0): void {
  const model = frames * ((OPS[n.kind].cycles as (n: Node, ins: readonly Node[]) => number)(n, ins) + extra);
  expect(measured).toBeGreaterThanOrEqual(model);
  expect(measured).toBeLessThanOrEqual(model + LATENCY);
}

/** The test data saturates some outputs, but most stay in range (so rounding is visible). */
function expectSomeSaturation(outs: readonly Float64Array[], fmt: FixFormat, limit = 0.5): void {
  const all = outs.flatMap((o) => [...o]);
  const sat = all.filter((v) => v === minCode(fmt) || v === maxCode(fmt)).length;
  expect(sat).toBeGreaterThan(0);
  expect(sat).toBeLessThan(all.length * limit);
}

/** Options of {@link cosim}. */
interface CosimOptions {
  /** Stream prefixes of the inputs, in the node's input order. Default `in`. */
  readonly prefixes?: readonly string[];
  /** Frames sent back to back. Default 3. */
  readonly frames?: number;
  /** Extra cycles per frame beyond the op's cycle model (documented per core). Default 0. */
  readonly extraCycles?: number;
  /** Fraction of saturated outputs allowed in the test data. Default 0.5. */
  readonly satLimit?: number;
  /** Skip the saturation coverage check (ops that cannot saturate). */
  readonly noSaturation?: boolean;
}

/**
 * Runs `frames` random frames through a core twice (p = 0.3 gaps and back-pressure, then none)
 * and compares every output beat and tlast with the reference op's integer result.
 */
function cosim(core: Core, n: Node, ins: readonly Node[], rng: Rng, o: CosimOptions = {}): void {
  const nf = o.frames ?? 3;
  const prefixes = o.prefixes ?? ['in'];
  const fmt = fmtOf;
  // random codes of each input's format, extremes over-represented
  const xs = Array.from({ length: nf }, () => ins.map((x) => randomCodes(rng, elements(x), fmt(x))));
  const ref = REF_OPS[n.kind].int as (n: Node, ins: OpInputs) => Float64Array;
  const want = xs.map((v) => ref(n, { nodes: ins, values: v }));
  if (!o.noSaturation) expectSomeSaturation(want, fmt(n), o.satLimit);
  const feeds = ins.map((x, k) => ({ prefix: prefixes[k]!, items: xs.flatMap((v) => mapBeats(v[k]!, x.shape, x.par, fmt(x).width)) }));
  const perFrame = (n.shape[0] / n.par) * n.shape[1] * n.shape[2];
  const run = { feeds, count: nf * perFrame, par: n.par, width: fmt(n).width, signed: fmt(n).signed, seed: 7 };
  const r = runCore(core, { ...run, stall: STALL });
  expect(r.lanes).toEqual(want.flatMap((y) => mapLanes(y, n.shape, n.par)));
  expect(r.last).toEqual(want.flatMap(() => Array.from({ length: perFrame }, (_, i) => i === perFrame - 1)));
  const fast = runCore(core, { ...run, stall: 0 });
  expect(fast.lanes).toEqual(r.lanes);
  expectCycles(fast.cycles, n, ins, nf, o.extraCycles ?? 0);
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
  const C = 8;
  const H = 3;
  const W = 3;
  const shape: Shape3 = [C, H, W];
  const inFmt = s(10, 4);
  const mulW = 16;
  const addW = 24;

  /**
   * A random affine node. Channel 0 of every 4 gets full-range 16-bit multipliers and slopes (wide
   * products, mostly saturating); the others get small constants so most outputs stay in range
   * and exact halves occur often. Slopes include negative codes.
   */
  function node(rng: Rng, par: number, slope: boolean, outFmt: FixFormat, zFrac: number, slopeFrac: number): AffineNode {
    const full = (c: number) => c % 4 === 0;
    const mul = Float64Array.from({ length: C }, (_, c) => (full(c) ? randomInts(rng, 1, -(2 ** 15), 2 ** 15 - 1)[0]! : rng.int(17) - 8));
    const add = Float64Array.from({ length: C }, (_, c) => (full(c) ? randomInts(rng, 1, -(2 ** (addW - 1)), 2 ** (addW - 1) - 1)[0]! : rng.int(2049) - 1024));
    const sl = slope ? Float64Array.from({ length: C }, (_, c) => (full(c) ? randomInts(rng, 1, -(2 ** 15), 2 ** 15 - 1)[0]! : rng.int(17) - 8)) : undefined;
    let worst = 0;
    mul.forEach((m, c) => (worst = Math.max(worst, Math.abs(m) * 2 ** (inFmt.width - 1) + Math.abs(add[c]!))));
    return {
      kind: 'affine',
      id: 'affine',
      inputs: ['x'],
      shape,
      elem: fix(outFmt),
      par,
      layer: 'test',
      scale: [],
      shift: [],
      q: { mul, add, zFrac, slopeFrac, zWidth: signedBitsFor(-worst, worst) + (slope ? 16 : 0), ...(sl ? { slope: sl } : {}) },
    };
  }

  it.each([
    { par: 1, slope: false, out: s(8, 3), zFrac: 8, slopeFrac: 2 },
    { par: 2, slope: true, out: s(8, 2), zFrac: 7, slopeFrac: 3 },
    { par: 4, slope: true, out: s(16, 6), zFrac: 4, slopeFrac: -1 },
    { par: 2, slope: false, out: u(8, 2), zFrac: 7, slopeFrac: 0 },
  ])('matches the reference: par $par, slope $slope, out $out.width bits, zFrac $zFrac', async ({ par, slope, out, zFrac, slopeFrac }) => {
    const rng = new Rng(100 + par);
    const n = node(rng, par, slope, out, zFrac, slopeFrac);
    const q = n.q!;
    const tag = `affine-p${par}-${slope}`;
    const core = await buildCore('affine', ['requant', 'skid_buffer'], {
      Par: par,
      Channels: C,
      InW: inFmt.width,
      MulW: mulW,
      AddW: addW,
      ZFrac: zFrac,
      HasSlope: slope ? 1 : 0,
      SlopeFrac: slopeFrac,
      OutW: out.width,
      OutSigned: out.signed ? 1 : 0,
      OutFrac: out.frac,
      MulFile: memFile(`${tag}-mul`, q.mul, mulW),
      AddFile: memFile(`${tag}-add`, q.add, addW),
      SlopeFile: memFile(`${tag}-slope`, q.slope ?? new Float64Array(C), 16),
    });
    cosim(core, n, [source('x', shape, inFmt, par)], rng, { satLimit: out.signed ? 0.5 : 0.75 });
  });
});

describe.each([
  { kind: 'mul' as const, top: 'eltwise_mul' },
  { kind: 'add' as const, top: 'eltwise_add' },
])('$top', ({ kind, top }) => {
  const shape: Shape3 = [8, 3, 3];
  const cases =
    kind === 'mul'
      ? [
          { par: 2, a: s(10, 6), b: s(9, 5), out: s(10, 4) },
          { par: 4, a: s(12, 5), b: u(6, 4), out: u(8, 1), sat: 0.75 },
          { par: 1, a: s(6, 2), b: s(5, 1), out: s(16, 6), sat: 0 }, // wide enough never to saturate
        ]
      : [
          { par: 2, a: s(10, 6), b: s(12, 2), out: s(11, 1) },
          { par: 4, a: s(8, 2), b: s(8, 0), out: s(12, 4) },
          { par: 1, a: u(8, 3), b: s(10, 3), out: u(8, 0) },
        ];
  /** `sat`: fraction of saturated outputs allowed in the data (default 0.5; 0: cannot saturate). */
  it.each(cases)('matches the reference: par $par', async ({ par, a, b, out, sat }: { par: number; a: FixFormat; b: FixFormat; out: FixFormat; sat?: number }) => {
    const core = await buildCore(top, ['requant', 'skid_buffer'], {
      Par: par,
      AW: a.width,
      ASigned: a.signed ? 1 : 0,
      AFrac: a.frac,
      BW: b.width,
      BSigned: b.signed ? 1 : 0,
      BFrac: b.frac,
      OutW: out.width,
      OutSigned: out.signed ? 1 : 0,
      OutFrac: out.frac,
    });
    const n = opNode(kind, shape, out, par, 2, {});
    const ins = [source('in0', shape, a, par), source('in1', shape, b, par)];
    cosim(core, n, ins, new Rng(200 + par), { prefixes: ['a', 'b'], satLimit: sat ?? 0.5, noSaturation: sat === 0 });
  });
});

describe('sigmoid_lut', () => {
  it.each([
    { par: 1, inFmt: s(8, 4) },
    { par: 4, inFmt: s(10, 6) },
    { par: 2, inFmt: u(6, 3) },
  ])('matches the reference: par $par, input $inFmt.width bits', async ({ par, inFmt }) => {
    const gate = u(13, 12);
    // the table as the quantize pass builds it (the table's contents are data here, not semantics)
    const lut = Float64Array.from({ length: 2 ** inFmt.width }, (_, k) => Math.floor(4096 / (1 + Math.exp(-(k + minCode(inFmt)) * 2 ** -inFmt.frac)) + 0.5));
    const core = await buildCore('sigmoid_lut', ['skid_buffer'], {
      Par: par,
      InW: inFmt.width,
      InSigned: inFmt.signed ? 1 : 0,
      OutW: gate.width,
      LutFile: memFile(`sigmoid-p${par}`, lut, gate.width),
    });
    const shape: Shape3 = [8, 1, 1];
    const n = opNode('sigmoid', shape, gate, par, 1, { q: { lut } });
    cosim(core, n, [source('in0', shape, inFmt, par)], new Rng(300 + par), { frames: 8, noSaturation: true });
  });
});

describe('concat', () => {
  it.each([
    { par: 2, ca: 4, cb: 8, a: s(10, 6), b: s(8, 1), out: s(9, 4), canSaturate: true },
    { par: 1, ca: 3, cb: 2, a: s(8, 2), b: u(8, 4), out: s(8, 2), canSaturate: false },
    { par: 4, ca: 4, cb: 4, a: s(9, 3), b: s(9, 3), out: s(9, 3), canSaturate: false },
  ])('matches the reference: par $par, $ca + $cb channels', async ({ par, ca, cb, a, b, out, canSaturate }) => {
    const core = await buildCore('concat', ['requant', 'skid_buffer'], {
      Par: par,
      ChannelsA: ca,
      ChannelsB: cb,
      AW: a.width,
      ASigned: a.signed ? 1 : 0,
      AFrac: a.frac,
      BW: b.width,
      BSigned: b.signed ? 1 : 0,
      BFrac: b.frac,
      OutW: out.width,
      OutSigned: out.signed ? 1 : 0,
      OutFrac: out.frac,
    });
    const n = opNode('concat', [ca + cb, 3, 2], out, par, 2, {});
    const ins = [source('in0', [ca, 3, 2], a, par), source('in1', [cb, 3, 2], b, par)];
    cosim(core, n, ins, new Rng(400 + par), { prefixes: ['a', 'b'], noSaturation: !canSaturate });
  });
});

describe('maxpool', () => {
  it.each([
    { par: 2, c: 4, h: 5, w: 6, k: 3, st: 2, pad: 1, fmt: s(8, 3) },
    { par: 1, c: 3, h: 4, w: 4, k: 3, st: 2, pad: 1, fmt: u(6, 0) },
    { par: 4, c: 4, h: 7, w: 5, k: 2, st: 2, pad: 0, fmt: s(10, 2) },
    { par: 1, c: 2, h: 6, w: 7, k: 4, st: 2, pad: 1, fmt: s(7, 0) },
  ])('matches the reference: $h x $w, kernel $k stride $st pad $pad, par $par', async ({ par, c, h, w, k, st, pad, fmt }) => {
    const core = await buildCore('maxpool', ['pool_line', 'skid_buffer'], {
      Par: par,
      Channels: c,
      Height: h,
      Width: w,
      InW: fmt.width,
      InSigned: fmt.signed ? 1 : 0,
      Kernel: k,
      Stride: st,
      Pad: pad,
    });
    const ho = Math.floor((h + 2 * pad - k) / st) + 1;
    const wo = Math.floor((w + 2 * pad - k) / st) + 1;
    const n = opNode('maxpool', [c, ho, wo], fmt, par, 1, { kernel: k, stride: st, pad });
    cosim(core, n, [source('in0', [c, h, w], fmt, par)], new Rng(500 + h * w), { noSaturation: true });
  });
});

describe('avgpool2', () => {
  it.each([
    { par: 2, c: 4, h: 4, w: 4, fmt: s(8, 3) },
    { par: 1, c: 3, h: 5, w: 3, fmt: s(6, 1) },
    { par: 4, c: 8, h: 3, w: 6, fmt: u(5, 2) },
  ])('matches the reference: $h x $w, par $par', async ({ par, c, h, w, fmt }) => {
    const core = await buildCore('avgpool2', ['pool_line', 'skid_buffer'], {
      Par: par,
      Channels: c,
      Height: h,
      Width: w,
      InW: fmt.width,
      InSigned: fmt.signed ? 1 : 0,
    });
    const out = { signed: fmt.signed, width: fmt.width + 2, frac: fmt.frac + 2 };
    const n = opNode('avgpool', [c, Math.floor(h / 2), Math.floor(w / 2)], out, par, 1, {});
    cosim(core, n, [source('in0', [c, h, w], fmt, par)], new Rng(600 + h * w), { noSaturation: true });
  });
});

describe('gap', () => {
  /** Reciprocal and shift as the quantize pass derives them (the test's data, not semantics). */
  function recipOf(inFmt: FixFormat, out: FixFormat, count: number): { recip: number; shift: number } {
    const r0 = 2 ** (out.frac - inFmt.frac) / count;
    const shift = 15 - Math.floor(Math.log2(r0));
    return { recip: Math.floor(r0 * 2 ** shift + 0.5), shift };
  }
  it.each([
    { par: 2, c: 8, h: 3, w: 5, inFmt: s(10, 4), out: s(8, 5), custom: undefined },
    { par: 1, c: 4, h: 3, w: 3, inFmt: u(8, 0), out: u(6, -1), custom: undefined },
    { par: 4, c: 4, h: 1, w: 1, inFmt: s(6, 0), out: s(8, 1), custom: { recip: 3, shift: -1 } },
    { par: 1, c: 2, h: 4, w: 4, inFmt: s(6, 0), out: s(8, 2), custom: { recip: 1, shift: 0 } },
  ])('matches the reference: par $par, $c x $h x $w', async ({ par, c, h, w, inFmt, out, custom }) => {
    const { recip, shift } = custom ?? recipOf(inFmt, out, h * w);
    const core = await buildCore('gap', ['requant', 'skid_buffer'], {
      Par: par,
      Channels: c,
      Pixels: h * w,
      InW: inFmt.width,
      InSigned: inFmt.signed ? 1 : 0,
      Recip: recip,
      Shift: shift,
      OutW: out.width,
      OutSigned: out.signed ? 1 : 0,
    });
    const sumWidth = signedBitsFor(minCode(inFmt) * h * w, maxCode(inFmt) * h * w);
    const n = opNode('gap', [c, 1, 1], out, par, 1, { q: { recip, shift, sumWidth } });
    cosim(core, n, [source('in0', [c, h, w], inFmt, par)], new Rng(700 + c * h), { frames: 4, satLimit: 0.7 });
  });
});

describe('mix', () => {
  it.each([
    { par: 1, c: 8, a: s(8, 5), b: s(8, 3), out: s(8, 4), lf: 14, lam: 2 },
    { par: 2, c: 8, a: s(10, 2), b: u(8, 6), out: s(9, 3), lf: 15, lam: 1 },
    { par: 4, c: 4, a: s(6, 0), b: s(6, 0), out: s(8, 1), lf: 3, lam: 2 },
  ])('matches the reference: par $par, lambdaFrac $lf', async ({ par, c, a, b, out, lf, lam }) => {
    const rng = new Rng(800 + par);
    // lambda in [-lam, lam] (lambda and 1 - lambda within 16 signed bits, as quantize guarantees)
    const lambda = randomInts(rng, c, Math.max(-(2 ** 15), 2 ** lf - (2 ** 15 - 1), -lam * 2 ** lf), Math.min(2 ** 15 - 1, lam * 2 ** lf));
    const core = await buildCore('mix', ['requant', 'skid_buffer'], {
      Par: par,
      Channels: c,
      AW: a.width,
      ASigned: a.signed ? 1 : 0,
      AFrac: a.frac,
      BW: b.width,
      BSigned: b.signed ? 1 : 0,
      BFrac: b.frac,
      LambdaW: 16,
      LambdaFrac: lf,
      OutW: out.width,
      OutSigned: out.signed ? 1 : 0,
      OutFrac: out.frac,
      LambdaFile: memFile(`mix-p${par}`, lambda, 16),
    });
    const n = opNode('mix', [c, 1, 1], out, par, 2, { lambda: [], q: { lambda, lambdaFrac: lf } });
    const ins = [source('in0', [c, 1, 1], a, par), source('in1', [c, 1, 1], b, par)];
    cosim(core, n, ins, rng, { prefixes: ['a', 'b'], frames: 12, satLimit: 0.7 });
  });
});

describe('fc', () => {
  it.each([
    { inPar: 1, outPar: 1, inF: 8, outF: 4, relu: false, x: s(6, 2), wf: s(5, 3), bw: 10, out: s(8, 2) },
    { inPar: 2, outPar: 2, inF: 8, outF: 6, relu: true, x: s(6, 2), wf: s(5, 3), bw: 10, out: s(8, 2) },
    { inPar: 4, outPar: 4, inF: 4, outF: 4, relu: false, x: u(6, 2), wf: s(6, 3), bw: 12, out: s(8, 1) },
    { inPar: 2, outPar: 1, inF: 6, outF: 3, relu: false, x: s(8, 4), wf: s(8, 6), bw: 17, out: s(8, 1) },
  ])('matches the reference: $inF -> $outF, SIMD $inPar, PE $outPar, relu $relu', async ({ inPar, outPar, inF, outF, relu, x, wf, bw, out }) => {
    const rng = new Rng(900 + inF * outF);
    const w = randomCodes(rng, inF * outF, wf);
    const b = randomInts(rng, outF, -(2 ** (bw - 1)), 2 ** (bw - 1) - 1);
    let worst = 0;
    for (let o = 0; o < outF; o++) {
      let row = Math.abs(b[o]!);
      for (let i = 0; i < inF; i++) row += Math.abs(w[o * inF + i]!) * Math.max(-minCode(x), maxCode(x));
      worst = Math.max(worst, row);
    }
    // folded weight words: word g*(inF/inPar) + k holds w[g*outPar + p][k*inPar + j] at lane p*inPar + j
    const words: number[][] = [];
    for (let g = 0; g < outF / outPar; g++)
      for (let k = 0; k < inF / inPar; k++)
        words.push(Array.from({ length: outPar * inPar }, (_, l) => w[(g * outPar + Math.floor(l / inPar)) * inF + k * inPar + (l % inPar)]!));
    const tag = `fc-${inF}x${outF}`;
    const core = await buildCore('fc', ['requant', 'skid_buffer'], {
      InPar: inPar,
      OutPar: outPar,
      InF: inF,
      OutF: outF,
      InW: x.width,
      InSigned: x.signed ? 1 : 0,
      InFrac: x.frac,
      WW: wf.width,
      WFrac: wf.frac,
      BiasW: bw,
      Relu: relu ? 1 : 0,
      OutW: out.width,
      OutSigned: out.signed ? 1 : 0,
      OutFrac: out.frac,
      WeightFile: packedMemFile(`${tag}-w`, words, wf.width),
      BiasFile: memFile(`${tag}-b`, b, bw),
    });
    const n = opNode('fc', [outF, 1, 1], out, outPar, 1, {
      inFeatures: inF,
      outFeatures: outF,
      weight: [],
      bias: [],
      relu,
      q: { w, wFmt: wf, b, accWidth: signedBitsFor(-worst, worst) },
    });
    cosim(core, n, [source('in0', [inF, 1, 1], x, inPar)], rng, { frames: 6 });
  });
});

describe('gate', () => {
  it.each([
    { par: 2, gpar: 1, c: 8, h: 3, w: 3, x: s(8, 3), g: u(9, 8), scaleFrac: 2, out: s(10, 4) },
    { par: 4, gpar: 2, c: 8, h: 2, w: 2, x: s(10, 5), g: u(13, 12), scaleFrac: 1, out: u(9, 0) },
    { par: 1, gpar: 1, c: 3, h: 4, w: 4, x: u(6, 2), g: s(8, 6), scaleFrac: 3, out: s(8, 2) },
    { par: 4, gpar: 1, c: 4, h: 2, w: 3, x: s(8, 3), g: u(9, 8), scaleFrac: 2, out: s(10, 4) },
  ])('matches the reference: par $par, gate par $gpar, $c x $h x $w', async ({ par, gpar, c, h, w, x, g, scaleFrac, out }) => {
    const rng = new Rng(1000 + c * h * w);
    const shiftW = 20;
    // channel 0 of every 4: full-range 16-bit scale and shift (saturating); others small
    const full = (ch: number) => ch % 4 === 0;
    const scale = Float64Array.from({ length: c }, (_, ch) => (full(ch) ? randomInts(rng, 1, -(2 ** 15), 2 ** 15 - 1)[0]! : rng.int(17) - 8));
    const shift = Float64Array.from({ length: c }, (_, ch) => (full(ch) ? randomInts(rng, 1, -(2 ** (shiftW - 1)), 2 ** (shiftW - 1) - 1)[0]! : rng.int(8193) - 4096));
    let worst = 0;
    scale.forEach((k, ch) => (worst = Math.max(worst, Math.abs(k) * Math.max(-minCode(g), maxCode(g)) * Math.max(-minCode(x), maxCode(x)) + Math.abs(shift[ch]!))));
    const tag = `gate-p${par}-g${gpar}-c${c}`;
    const core = await buildCore('gate', ['requant', 'skid_buffer'], {
      Par: par,
      GPar: gpar,
      Channels: c,
      Pixels: h * w,
      InW: x.width,
      InSigned: x.signed ? 1 : 0,
      XFrac: x.frac,
      GW: g.width,
      GSigned: g.signed ? 1 : 0,
      GFrac: g.frac,
      ScaleW: 16,
      ScaleFrac: scaleFrac,
      ShiftW: shiftW,
      OutW: out.width,
      OutSigned: out.signed ? 1 : 0,
      OutFrac: out.frac,
      ScaleFile: memFile(`${tag}-scale`, scale, 16),
      ShiftFile: memFile(`${tag}-shift`, shift, shiftW),
    });
    const n = opNode('gate', [c, h, w], out, par, 2, { scale: [], shift: [], q: { scale, scaleFrac, shift, prodWidth: signedBitsFor(-worst, worst) } });
    const ins = [source('in0', [c, h, w], x, par), source('in1', [c, 1, 1], g, gpar)];
    // the cycle model counts the map only; the core first loads the c/gpar gate beats
    cosim(core, n, ins, rng, { prefixes: ['x', 'g'], extraCycles: c / gpar, satLimit: out.signed ? 0.5 : 0.85 });
  });
});
