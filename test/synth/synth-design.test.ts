/**
 * Whole-design synthesis (xilinx) of a small generated design: rows per core type and per layer
 * from one hierarchical Yosys run, their sums, the instance-to-module netlist the script writes,
 * and the analytic estimate per layer beside it. One run of about 30 s.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSynthReport } from '../../src/cli/commands/synth.js';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import { buildDesignReport } from '../../src/report/build.js';
import { generateDesign, writeDesign } from '../../src/emit/design.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { topInstances } from '../../src/synth/instances.js';
import { synthDesign, type SynthReport } from '../../src/synth/run.js';
import { parseInstanceModules } from '../../src/synth/script.js';
import { closeYosysWorkers } from '../../src/synth/yosys.js';
import { randomWeights } from '../../src/weights/random.js';

const root = mkdtempSync(join(tmpdir(), 'bnext-synth-design-'));
const dir = join(root, 'micro');
let report: SynthReport;

beforeAll(async () => {
  const b = new NetworkBuilder({ name: 'micro', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 8, stride: 1, mixer: 'elm' });
  const net = b.head(t).build();
  writeDesign(dir, generateDesign({ net, ws: randomWeights(net, 1), weights: { seed: 1 }, quant: DEFAULT_QUANT, fold: { kind: 'fps', targetFps: 5_000, clockMhz: 200 }, recipe: { test: net.name } }));
  report = await synthDesign(dir, { target: 'xilinx', jobs: 1 });
}, 600_000);
afterAll(async () => {
  await closeYosysWorkers();
  rmSync(root, { recursive: true, force: true });
});

describe('whole-design synthesis', () => {
  it('names the module of every instance of the top in the netlist it writes', () => {
    const insts = topInstances(readFileSync(join(dir, 'micro_top.v'), 'utf8'), null);
    const modules = parseInstanceModules(readFileSync(join(dir, 'synth', 'xilinx.top.v'), 'utf8'));
    expect(insts.length).toBeGreaterThan(30);
    for (const i of insts) expect(modules.get(i.instance), i.instance).toMatch(new RegExp(`(^|\\\\)${i.module}$`));
  });

  it('rows per layer: every layer of the top in order, its cores counted, sums equal to the design total', () => {
    const insts = topInstances(readFileSync(join(dir, 'micro_top.v'), 'utf8'), null);
    const layers = [...new Set(insts.map((i) => i.layer))];
    expect(report.layers?.map((l) => l.name)).toEqual(layers);
    for (const l of report.layers!) expect(l.instances, l.name).toBe(insts.filter((i) => i.layer === l.name).length);
    const sum = (k: 'luts' | 'ffs' | 'carry' | 'bram' | 'lutram' | 'dsp') => report.layers!.reduce((a, l) => a + l.figures[k], 0);
    // the generated top is wiring only: every cell belongs to some layer's core
    for (const k of ['luts', 'ffs', 'carry', 'bram', 'lutram', 'dsp'] as const) expect(sum(k), k).toBe(report.total[k]);
    // and the per-core-type rows partition the same total
    expect(report.rows.reduce((a, r) => a + r.figures.luts, 0)).toBe(report.total.luts);
    expect(report.total.luts).toBeGreaterThan(1000);
  });

  it('the estimate of each layer with an MVAU is within 15 % of its synthesized LUTs', () => {
    const mvauLayers = report.layers!.filter((l) => l.module.startsWith('mvau_'));
    expect(mvauLayers.length).toBeGreaterThanOrEqual(3);
    for (const l of mvauLayers) expect(Math.abs(l.lutsError!), `${l.name}: ${l.lutsEstimate} estimated vs ${l.figures.luts}`).toBeLessThan(0.15);
  });

  it('report.json carries the layer rows; the text shows both tables', () => {
    const written = JSON.parse(readFileSync(join(dir, 'synth', 'report.json'), 'utf8')) as SynthReport;
    expect(written.layers?.length).toBe(report.layers!.length);
    const text = formatSynthReport(report, dir);
    expect(text).toMatch(/^core\s+inst\./m);
    expect(text).toMatch(/^layer\s+cores\s+LUTs/m);
    expect(text).toMatch(/^feature\.1\.Attention\s/m);
    expect(text).toContain('0 LUTs in the top module itself');
  });

  it('the design report puts each layer\'s synthesized figures beside its estimate', async () => {
    const r = await buildDesignReport(dir, { sqnr: false });
    const att = r.layers.find((l) => l.name === 'feature.1.Attention')!;
    const row = report.layers!.find((l) => l.name === 'feature.1.Attention')!;
    expect(att.synth?.figures.luts).toBe(row.figures.luts);
    expect(att.synth?.lutsEstimate).toBe(row.lutsEstimate);
  });
});
