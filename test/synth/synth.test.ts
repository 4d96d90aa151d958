/**
 * Yosys synthesis of a generated design folder: per-layer runs for the generic gate library and
 * for iCE40, the written scripts, the cache, the report parsing on real Yosys output, and the CLI.
 * To keep the suite fast the tests synthesize each layer's MVAU on its own (`perLayer`); whole-design
 * synthesis of the same design takes minutes (see the report of the synth task).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { BnextError } from '../../src/diag.js';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import type { Network } from '../../src/dsl/network.js';
import { generateDesign, writeDesign } from '../../src/emit/design.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { coreClosure } from '../../src/synth/jobs.js';
import { synthDesign, subtreeStats, topInstances, type SynthReport } from '../../src/synth/run.js';
import { cleanStatJson, synthScript } from '../../src/synth/script.js';
import { parseStatJson, summarizeResources } from '../../src/synth/stat.js';
import { closeYosysWorkers, resolveYosysEngine, runYosys } from '../../src/synth/yosys.js';
import { OSU018_LIBERTY } from '../../src/power/energy-models.js';
import { formatSynthReport } from '../../src/cli/commands/synth.js';
import { randomWeights } from '../../src/weights/random.js';

const root = mkdtempSync(join(tmpdir(), 'bnext-synth-'));
const dir = join(root, 'mini');
const native = (await resolveYosysEngine('auto')) === 'native';

function mini(): Network {
  const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  t = b.bnextBlock(t, { name: 'feature.2', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

beforeAll(() => {
  const net = mini();
  const d = generateDesign({
    net,
    ws: randomWeights(net, 1),
    weights: { seed: 1 },
    quant: DEFAULT_QUANT,
    fold: { kind: 'fps', targetFps: 5_000, clockMhz: 200 },
    recipe: { test: net.name },
  });
  writeDesign(dir, d);
});
afterAll(async () => {
  await closeYosysWorkers();
  rmSync(root, { recursive: true, force: true });
});

describe('synthScript', () => {
  it('reads the filelist, overrides parameters, maps per target and writes stat -json', () => {
    const s = synthScript({ top: 'mvau_xnor', files: ['cores/a.v', 'top.v'], target: 'ice40', params: { PE: 4, WeightFile: 'mem/w.mem' }, statFile: 'synth/x.json' });
    expect(s).toContain('read_verilog -defer cores/a.v top.v');
    expect(s).toContain('chparam -set PE 4 -set WeightFile "mem/w.mem" mvau_xnor');
    expect(s).toContain('synth_ice40 -top mvau_xnor -noflatten');
    expect(s).toContain('tee -q -o synth/x.json stat -json');
    expect(synthScript({ top: 't', files: ['t.v'], target: 'generic' })).toContain('stat -json -tech cmos');
    expect(synthScript({ top: 't', files: ['t.v'], target: 'generic', liberty: 'lib/c.lib' })).toMatch(/abc -liberty lib\/c\.lib[\s\S]*stat -json -liberty lib\/c\.lib/);
  });

  it('rejects paths that escape the design folder and Liberty on FPGA targets', () => {
    expect(() => synthScript({ top: 't', files: ['../t.v'], target: 'generic' })).toThrow(BnextError);
    expect(() => synthScript({ top: 't', files: ['t.v'], target: 'xilinx', liberty: 'c.lib' })).toThrow(/generic target only/);
  });
});

describe('coreClosure', () => {
  it('lists a core with the cores it instantiates, transitively, and nothing else', () => {
    const c = coreClosure(dir, 'mvau_xnor');
    expect(c).toEqual(expect.arrayContaining(['cores/mvau_xnor.v', 'cores/xnor_popcount.v', 'cores/popcount_tree.v', 'cores/popcount_node.v', 'cores/keep_add.v']));
    expect(c).not.toContain('cores/threshold.v');
    expect(c).toEqual([...c].sort());
    expect(coreClosure(dir, 'stream_fork')).toEqual(['cores/stream_fork.v']);
    expect(() => coreClosure(dir, 'no_such_core')).toThrow(/no core file cores\/no_such_core\.v/);
  });
});

describe('topInstances', () => {
  it('finds every MVAU of the top with its parameters and memory file', () => {
    const top = readFileSync(join(dir, 'mini_top.v'), 'utf8');
    const insts = topInstances(top);
    expect(insts.map((i) => i.layer)).toEqual(['feature.0', 'feature.1.Attention', 'feature.1.FFN_1', 'feature.1.FFN_2', 'feature.2.Attention', 'feature.2.FFN_1', 'feature.2.FFN_2']);
    for (const i of insts) {
      expect(i.module).toMatch(/^mvau_(int|xnor)$/);
      expect(existsSync(join(dir, String(i.params['WeightFile'])))).toBe(true);
      expect(typeof i.params['PE']).toBe('number');
    }
  });
});

describe('synthDesign (per layer)', () => {
  const reports: Partial<Record<'generic' | 'ice40', SynthReport>> = {};

  it.each(['generic', 'ice40'] as const)('%s: positive resources per layer, report written', async (target) => {
    const lines: string[] = [];
    const t0 = performance.now();
    const r = await synthDesign(dir, { target, perLayer: true, onProgress: (l) => lines.push(l) });
    console.log(`synth ${target} per-layer (${r.engine}): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    reports[target] = r;
    expect(r.rows).toHaveLength(7);
    expect(r.runs).toBe(7);
    expect(lines.at(-1)).toMatch(/^synth: 7\/7 done \(\d+\.\d s\)$/);
    for (const row of r.rows) {
      expect(row.figures.ffs).toBeGreaterThan(0);
      expect(row.depth).toBeGreaterThan(1);
      if (target === 'generic') {
        expect(row.figures.gates).toBeGreaterThan(0);
        expect(row.figures.transistors).toBeGreaterThan(0);
      } else {
        expect(row.figures.luts).toBeGreaterThan(0);
        expect(row.figures.bram).toBeGreaterThan(0); // the weight ROM
        expect(row.figures.byClass.other).toBe(0);
      }
    }
    expect(r.depth).toBe(Math.max(...r.rows.map((x) => x.depth!)));
    if (target === 'ice40') {
      expect(r.estimateFamily).toBe('ice40');
      expect(r.estimateError).toBeCloseTo((r.lutsEstimate - r.total.luts) / r.total.luts, 12);
      expect(r.lutsEstimate).toBe(r.rows.reduce((a, x) => a + x.lutsEstimate!, 0));
      for (const x of r.rows) expect(x.lutsError).toBeCloseTo((x.lutsEstimate! - x.figures.luts) / x.figures.luts, 12);
    } else {
      expect(r.estimate).toBeUndefined();
      expect(r.rows[0]!.lutsError).toBeUndefined();
    }
    const { runs: _r, cacheHits: _h, ...stable } = r;
    expect(JSON.parse(readFileSync(join(dir, 'synth', 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(stable)));
    for (const s of r.scripts) expect(existsSync(join(dir, s))).toBe(true);
  });

  it('a second run is served from the cache with the same figures and a byte-identical report', async () => {
    const before = readFileSync(join(dir, 'synth', 'report.json'), 'utf8');
    const t0 = performance.now();
    const again = await synthDesign(dir, { target: 'ice40', perLayer: true });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(again.runs).toBe(0);
    expect(again.cacheHits).toBe(7);
    expect(again.rows).toEqual(reports.ice40!.rows);
    expect(readFileSync(join(dir, 'synth', 'report.json'), 'utf8')).toBe(before);
  });

  it('a corrupted cache entry is not trusted: that layer runs again', async () => {
    const cache = join(dir, 'synth', 'cache');
    const generic = readdirSync(cache).sort().find((f) => readFileSync(join(cache, f), 'utf8').includes('stat -json -tech cmos'))!;
    writeFileSync(join(cache, generic), '{ truncated');
    const r = await synthDesign(dir, { target: 'generic', perLayer: true });
    expect(r.runs).toBe(1);
    expect(r.cacheHits).toBe(6);
    expect(r.rows).toEqual(reports.generic!.rows);
  });

  it.skipIf(!native)('the written script runs with a plain yosys from the design folder', async () => {
    const script = reports.ice40!.scripts.find((s) => s.includes('FFN_1'))!;
    const r = await execa('yosys', ['-q', '-s', script], { cwd: dir, reject: false });
    expect(r.exitCode).toBe(0);
    const text = readFileSync(join(dir, script.replace(/\.ys$/, '.stat.json')), 'utf8');
    const design = parseStatJson(cleanStatJson(text)).design!;
    expect(summarizeResources(design, 'ice40').byClass.lut).toBe(reports.ice40!.rows.find((x) => x.name === 'feature.1.FFN_1')!.figures.luts);
  });

  it.skipIf(!existsSync(OSU018_LIBERTY))('with a Liberty library: cells count as the library\'s gates and flip-flops, and the area equals Yosys\' own "Chip area"', async () => {
    const r = await synthDesign(dir, { target: 'generic', perLayer: true, layers: ['feature.1.FFN_1'], liberty: OSU018_LIBERTY });
    // a library outside the folder is copied in, so the written script runs from the folder
    expect(readFileSync(join(dir, r.scripts[0]!), 'utf8')).toContain('-liberty synth/lib/osu018_stdcells.lib');
    expect(existsSync(join(dir, 'synth', 'lib', 'osu018_stdcells.lib'))).toBe(true);
    const f = r.rows[0]!.figures;
    expect(f.byClass.other).toBe(0);
    expect(f.gates).toBeGreaterThan(100);
    expect(f.ffs).toBeGreaterThan(10);
    expect(r.total.area).toBe(f.area);
    // Yosys' text report computes the area itself from the same library
    const script = readFileSync(join(dir, r.scripts[0]!), 'utf8').replace(/^tee -q -o \S+ stat -json -liberty (\S+)$/m, 'tee -q -o synth/area.txt stat -liberty $1');
    const y = await runYosys({ script, cwd: dir, outputs: ['synth/area.txt'], engine: await resolveYosysEngine('auto'), label: 'area check' });
    const chip = /Chip area for top module '[^']*': ([\d.]+)/.exec(y.outputs['synth/area.txt']!);
    expect(chip).not.toBeNull();
    expect(f.area).toBeCloseTo(Number(chip![1]), 3);
    expect(formatSynthReport(r, dir)).toMatch(/^layer\s+module\s+gates\s+FFs\s+area/m);
  });

  it('report parsing: the hierarchy roll-up of real output equals Yosys own design totals', () => {
    for (const row of reports.generic!.rows) {
      const file = join(dir, 'synth', 'layers', `${row.name}.generic.stat.json`);
      const rep = parseStatJson(cleanStatJson(readFileSync(file, 'utf8')), file);
      expect(rep.modules.length).toBeGreaterThan(1); // the popcount tree keeps its hierarchy
      const top = rep.modules.find((m) => m.module === row.module)!;
      const mine = subtreeStats(rep, top.module);
      expect(mine.byType).toEqual(rep.design!.byType);
      expect(mine.transistors).toBe(rep.design!.transistors);
    }
  });
});

describe('fmax by place and route (nextpnr-ice40)', () => {
  it('places and routes one layer on an iCE40 part and reports its fmax; other targets refuse --fmax', async () => {
    const t0 = performance.now();
    const r = await synthDesign(dir, { target: 'ice40', perLayer: true, layers: ['feature.1.FFN_1'], fmax: true });
    console.log(`fmax one layer: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const f = r.rows[0]!.fmax!;
    expect('skipped' in f).toBe(false);
    if ('skipped' in f) return;
    expect(['up5k', 'hx8k']).toContain(f.part);
    expect(f.mhz).toBeGreaterThan(10);
    expect(f.mhz).toBeLessThan(1000);
    // the layer's own cells plus one register per wrapped port bit
    expect(f.lcs).toBeGreaterThanOrEqual(r.rows[0]!.figures.luts);
    expect(existsSync(join(dir, 'synth', 'fmax', 'feature.1.FFN_1.wrap.v'))).toBe(true);
    await expect(synthDesign(dir, { target: 'generic', perLayer: true, fmax: true })).rejects.toThrow(/use --target ice40/);
  });
});

describe('synthDesign (WASM engine)', () => {
  it('runs a chosen layer in the bundled Yosys and agrees with the report shape', async () => {
    const t0 = performance.now();
    const r = await synthDesign(dir, { target: 'ice40', perLayer: true, layers: ['feature.1.FFN_1'], engine: 'wasm' });
    console.log(`synth ice40 one layer (wasm): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(r.engine).toBe('wasm');
    expect(r.yosys).toMatch(/^Yosys \d+\.\d+/);
    expect(r.rows.map((x) => x.name)).toEqual(['feature.1.FFN_1']);
    expect(r.total.luts).toBeGreaterThan(0);
    expect(r.total.bram).toBeGreaterThan(0);
    await expect(synthDesign(dir, { target: 'ice40', perLayer: true, layers: ['feature.9'] })).rejects.toThrow(/no MVAU layer 'feature.9'/);
  });
});

describe('bnext-rtl synth', () => {
  it('prints a per-layer table with totals and the estimate; --json parses', async () => {
    const t = await cli(['synth', '--design', dir, '--target', 'ice40', '--per-layer']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^layer\s+module\s+LUTs\s+FFs\s+carry\s+BRAM\s+LUTRAM\s+DSP\s+LUT est\./);
    expect(t.stdout).toMatch(/\nfeature\.1\.FFN_1\s+mvau_xnor\s+\d/);
    expect(t.stdout).toMatch(/\ntotal\s+[\d,]+/);
    expect(t.stdout).toMatch(/LUTs estimated \(ice40 model\) vs [\d,]+ synthesized \(estimate [+-]\d+\.\d %\)/);
    expect(t.stdout).toMatch(/\ndepth {5}\d+ cells on the longest combinational path \(deepest layer\)/);
    const j = await cli(['synth', '--design', dir, '--target', 'ice40', '--per-layer', '--json']);
    expect(j.code).toBe(0);
    const parsed = JSON.parse(j.stdout) as { report: SynthReport };
    expect(parsed.report.rows).toHaveLength(7);
    const written = JSON.parse(readFileSync(join(dir, 'synth', 'report.json'), 'utf8')) as SynthReport;
    const { runs: _r, cacheHits: _h, ...stable } = parsed.report;
    expect(stable).toEqual(written);
    expect(parsed.report.total.luts).toBeGreaterThan(0);
  });

  it('missing folder or manifest: E_DESIGN; unknown target: usage error', async () => {
    const a = await cli(['synth', '--design', join(root, 'nope'), '--json']);
    expect(a.code).toBe(1);
    expect(JSON.parse(a.stdout).error.code).toBe('E_DESIGN');
    const b = await cli(['synth', '--design', root]);
    expect(b.stderr).toMatch(/error\[E_DESIGN\].*no manifest\.json/);
    const c = await cli(['synth', '--design', dir, '--target', 'asic']);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/Choices: "generic", "ice40"/);
  });
});
