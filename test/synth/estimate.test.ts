/**
 * The analytic resource model without synthesis: every op's core parameters agree with what the
 * emitter instantiates, the proxy-input compilation of `estimate` reproduces the graph compiled at
 * the real input size, the fit recovers known coefficients, and block-RAM geometry.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import type { Network } from '../../src/dsl/network.js';
import { generateDesign, writeDesign } from '../../src/emit/design.js';
import { autoFold } from '../../src/passes/fold.js';
import { compile, runPasses } from '../../src/passes/index.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { defaultCalibration } from '../../src/ref/int.js';
import { fitLinear } from '../../src/synth/estimate/fit.js';
import { CORE_MODELS, estimateCore, estimateResources, instanceShape } from '../../src/synth/estimate/index.js';
import { bramBlocks, placeMemory } from '../../src/synth/estimate/memory.js';
import { estimateNetwork, proxyWeights, scaleInput } from '../../src/synth/estimate/network.js';
import { topInstances } from '../../src/synth/instances.js';
import { randomWeights } from '../../src/weights/random.js';

const root = mkdtempSync(join(tmpdir(), 'bnext-estimate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function mini(input: number): Network {
  const b = new NetworkBuilder({ name: 'mini', input: [3, input, input], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  t = b.bnextBlock(t, { name: 'feature.2', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

describe('core parameters of every op', () => {
  it('equal the parameters the emitter gives each instance of a generated design', () => {
    const net = mini(32);
    const d = generateDesign({ net, ws: randomWeights(net, 2), weights: { seed: 2 }, quant: DEFAULT_QUANT, fold: { kind: 'fps', targetFps: 20_000, clockMhz: 200 }, recipe: {}, extMemThresholdBits: 20_000 });
    const dir = join(root, 'design');
    writeDesign(dir, d);
    const insts = topInstances(readFileSync(join(dir, `${d.manifest.top}.v`), 'utf8'), null);
    const est = estimateResources(d.graph, { extMemThresholdBits: 20_000 });
    expect(insts.length).toBe(est.cores.size);
    const modules = new Set<string>();
    for (const i of insts) {
      const mine = est.cores.get(i.node);
      expect(mine, i.node).toBeDefined();
      expect(mine!.module, i.node).toBe(i.module);
      // AddrW of a fifo_ext comes from the design's external memory map, not from the node
      const { AddrW: _a, ...given } = instanceShape(i.module, i.params).params;
      for (const [k, v] of Object.entries(given)) expect(mine!.params[k], `${i.node} ${k}`).toBe(v);
      expect(Object.keys(mine!.params).sort(), i.node).toEqual(Object.keys(given).sort());
      expect(CORE_MODELS[i.module], i.module).toBeDefined();
      modules.add(i.module);
    }
    // the design exercises most cores, including a FIFO in external memory
    expect(modules.has('fifo_ext')).toBe(true);
    expect(modules.size).toBeGreaterThanOrEqual(15);
  });
});

describe('estimate of a network at a proxy input', () => {
  it('scaling the 32x32 graph by 2 gives the 64x64 graph: same nodes, shapes, folding and LUT estimate within 2 %', () => {
    const small = mini(32);
    const big = mini(64);
    const ws = proxyWeights(small);
    const quant = DEFAULT_QUANT;
    const direct = compile(big, ws, 'hw', { calibration: defaultCalibration(big), quant });
    const scaled = scaleInput(compile(small, ws, 'hw', { calibration: defaultCalibration(small), quant }), 2);
    expect(scaled.nodes.map((n) => `${n.id} ${n.kind} ${n.shape.join('x')}`)).toEqual(direct.nodes.map((n) => `${n.id} ${n.kind} ${n.shape.join('x')}`));
    const gapOf = (g: typeof direct) => g.nodes.filter((n) => n.kind === 'gap').map((n) => (n.kind === 'gap' ? n.q!.sumWidth : 0));
    expect(gapOf(scaled)).toEqual(gapOf(direct));
    const cycles = 40_000;
    const a = runPasses(direct, ['fold', 'size-fifos'], { fold: autoFold(direct, cycles) });
    const b = runPasses(scaled, ['fold', 'size-fifos'], { fold: autoFold(scaled, cycles) });
    expect(b.nodes.map((n) => `${n.id} ${n.par}`)).toEqual(a.nodes.map((n) => `${n.id} ${n.par}`));
    const la = estimateResources(a).total.luts;
    const lb = estimateResources(b).total.luts;
    expect(la).toBeGreaterThan(1000);
    expect(Math.abs(lb - la) / la).toBeLessThan(0.02);
  });

  it('the shape-level compile (nominal ranges, zero binary weights) matches the calibrated compile: same nodes, shapes, widths, folding; LUTs within 3 %', () => {
    const net = mini(32);
    const ws = proxyWeights(net);
    const quant = DEFAULT_QUANT;
    const full = compile(net, ws, 'hw', { calibration: defaultCalibration(net), quant });
    const fast = compile(net, ws, 'hw', { calibration: 'nominal', quant, shapesOnly: true });
    const sig = (g: typeof full) => g.nodes.map((n) => `${n.id} ${n.kind} ${n.shape.join('x')} ${n.elem.kind === 'fix' ? n.elem.fmt.width : n.elem.kind}`);
    expect(sig(fast)).toEqual(sig(full));
    const binary = fast.nodes.filter((n) => n.kind === 'mvau' && n.mode === 'xnor');
    expect(binary.length).toBeGreaterThan(0);
    for (const n of binary) if (n.kind === 'mvau') expect(n.weight.every((v) => v === 0)).toBe(true);
    const cycles = 20_000;
    const a = runPasses(full, ['fold', 'size-fifos'], { fold: autoFold(full, cycles) });
    const b = runPasses(fast, ['fold', 'size-fifos'], { fold: autoFold(fast, cycles) });
    expect(b.nodes.map((n) => `${n.id} ${n.par} ${n.kind === 'mvau' ? `${n.pe}x${n.simd}` : ''}`)).toEqual(a.nodes.map((n) => `${n.id} ${n.par} ${n.kind === 'mvau' ? `${n.pe}x${n.simd}` : ''}`));
    const la = estimateResources(a).total.luts;
    const lb = estimateResources(b).total.luts;
    expect(Math.abs(lb - la) / la).toBeLessThan(0.03);
  });

  it('estimateNetwork folds under a LUT budget, and more LUTs buy more throughput; iCE40 LUT4s cost more than LUT6s', () => {
    const at = (input: number) => mini(input);
    const net = mini(64);
    const tight = estimateNetwork(net, at, DEFAULT_QUANT, { kind: 'luts', budgetLuts: 16_000, clockMhz: 200 }, { target: 'xilinx' });
    const loose = estimateNetwork(net, at, DEFAULT_QUANT, { kind: 'luts', budgetLuts: 40_000, clockMhz: 200 }, { target: 'xilinx' });
    expect(tight.total.luts).toBeLessThanOrEqual(16_000);
    expect(loose.total.luts).toBeLessThanOrEqual(40_000);
    expect(loose.total.luts).toBeGreaterThan(tight.total.luts);
    const pes = (e: typeof tight) => e.graph.nodes.reduce((s, n) => s + (n.kind === 'mvau' ? n.pe * n.simd : 0), 0);
    expect(pes(loose)).toBeGreaterThan(pes(tight));
    expect(() => estimateNetwork(net, at, DEFAULT_QUANT, { kind: 'luts', budgetLuts: 500, clockMhz: 200 })).toThrow(/over the budget of 500/);
    // same folding on both families: the multipliers of the real-valued ops go to LUT4s on iCE40
    const fold = { kind: 'file' as const, config: tight.fold };
    const x = estimateNetwork(net, at, DEFAULT_QUANT, fold, { target: 'xilinx' }).total;
    const i = estimateNetwork(net, at, DEFAULT_QUANT, fold, { target: 'ice40' }).total;
    expect(i.luts).toBeGreaterThan(x.luts);
    expect(x.dsp).toBeGreaterThan(0);
    expect(i.dsp).toBe(0);
  });
});

describe('fit', () => {
  it('recovers the coefficients of noisy linear data and drops a feature that does not matter', () => {
    const rows: Record<string, number>[] = [];
    const ys: number[] = [];
    let s = 7;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let k = 0; k < 30; k++) {
      const r = { a: Math.floor(rnd() * 100) + 1, b: Math.floor(rnd() * 20) + 1, junk: Math.floor(rnd() * 50), one: 1 };
      rows.push(r);
      ys.push((1.5 * r.a + 4 * r.b + 10) * (1 + (rnd() - 0.5) * 0.02));
    }
    const c = fitLinear(rows, ys);
    expect(c['a']).toBeCloseTo(1.5, 1);
    expect(c['b']).toBeCloseTo(4, 0);
    expect(c['one']).toBeGreaterThan(5);
    expect(c['junk']).toBeUndefined();
    expect(fitLinear(rows, rows.map(() => 0))).toEqual({});
  });
});

describe('memory placement', () => {
  it('block RAM geometry: one RAMB18 holds 512x36 or 1024x18; iCE40 stacks 256x16 blocks and multiplexes them', () => {
    expect(bramBlocks({ depth: 512, width: 36, style: 'block' }, 'xilinx')).toBe(1);
    expect(bramBlocks({ depth: 1024, width: 18, style: 'block' }, 'xilinx')).toBe(1);
    expect(bramBlocks({ depth: 1024, width: 19, style: 'block' }, 'xilinx')).toBe(2);
    expect(placeMemory({ depth: 576, width: 64, style: 'block' }, 'ice40')).toEqual({ kind: 'bram', blocks: 12, muxBits: 128 });
    expect(placeMemory({ depth: 16, width: 8, style: 'auto' }, 'ice40').kind).toBe('bram');
    expect(placeMemory({ depth: 2, width: 8, style: 'auto' }, 'xilinx').kind).toBe('logic');
    expect(placeMemory({ depth: 64, width: 8, style: 'auto' }, 'xilinx').kind).toBe('lutram');
  });

  it('an MVAU estimate puts its weights in block RAM bit for bit; with weight streams there is no ROM', () => {
    const rom = estimateCore(instanceShape('mvau_xnor', { MW: 576, MH: 64, PE: 8, SIMD: 64, AccW: 11, WeightFile: 'mem/w.mem' }), 'xilinx');
    expect(rom.bramBits).toBe(576 * 64);
    expect(rom.luts).toBeGreaterThan(0);
    const stream = estimateCore(instanceShape('mvau_xnor', { MW: 576, MH: 64, PE: 8, SIMD: 64, AccW: 11 }), 'xilinx');
    expect(stream.bramBits).toBe(0);
  });
});
