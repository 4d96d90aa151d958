/**
 * The real-valued Verilog cores (templates/cores) against the integer reference semantics of
 * src/ref/ops: every output beat of a Verilator simulation with random input gaps and output
 * back-pressure (p = 0.3) must equal the reference op's `int` result on the same codes and
 * constants, and the stall-free cycle count must match the op's analytic cycle model
 * (src/ir/ops) to within the core's pipeline latency.
 */
import { describe, expect, it } from 'vitest';
import type { Shape3 } from '../../src/dsl/network.js';
import { maxCode, minCode, signedBitsFor, type FixFormat } from '../../src/ir/fixed.js';
import { elements, type AffineNode, type Node } from '../../src/ir/graph.js';
import { OPS } from '../../src/ir/ops/index.js';
import { REF_OPS } from '../../src/ref/ops/index.js';
import { fmtOf, type OpInputs } from '../../src/ref/ops/types.js';
import { Rng } from '../../src/util/rng.js';
import { buildCore, fix, mapBeats, mapLanes, memFile, randomCodes, randomInts, runCore, source, type Core } from '../fixtures/real-cores/cosim.js';

const STALL = 0.3;
/** Cycles a core may take beyond its analytic model in a stall-free run (pipeline fill). */
const LATENCY = 8;

const s = (width: number, frac: number): FixFormat => ({ signed: true, width, frac });

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
  /** Draws an input frame; default random codes of the input's format with extremes. */
  readonly draw?: (k: number, n: Node) => Float64Array;
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
  const fmt = (x: Node) => fmtOf(x);
  const draw = o.draw ?? ((_k: number, x: Node) => randomCodes(rng, elements(x), fmt(x)));
  const xs = Array.from({ length: nf }, () => ins.map((x, k) => draw(k, x)));
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
  ])('matches the reference: par $par, slope $slope, out $out.width bits, zFrac $zFrac', async ({ par, slope, out, zFrac, slopeFrac }) => {
    const rng = new Rng(100 + par);
    const n = node(rng, par, slope, out, zFrac, slopeFrac);
    const q = n.q!;
    const tag = `affine-p${par}`;
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
      OutFrac: out.frac,
      MulFile: memFile(`${tag}-mul`, q.mul, mulW),
      AddFile: memFile(`${tag}-add`, q.add, addW),
      SlopeFile: memFile(`${tag}-slope`, q.slope ?? new Float64Array(C), 16),
    });
    cosim(core, n, [source('x', shape, inFmt, par)], rng);
  });
});
