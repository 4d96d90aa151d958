/**
 * Power of a small generated design from simulated activity: an all-zero image costs less than
 * random images (gate-level osu018 model and FPGA model), the vectorless estimate does not
 * depend on the images, a seed reproduces the report exactly, the report is written atomically
 * beside the design and the 45 nm cross-check counts what the graph computes. Also the
 * `bnext-rtl power` command: output, JSON, and its argument errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { reloadDesign } from '../../src/emit/reload.js';
import { writeNpy } from '../../src/io/npy.js';
import { OSU018_LIBERTY } from '../../src/power/energy-models.js';
import type { PowerReport } from '../../src/power/report.js';
import { powerDesign } from '../../src/power/run.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-power-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const design = join(dir, 'design');

/** One BNext block (ffn3x3) after the stem, 32x32 input: 15 core types. Made by the CLI, so it reloads. */
beforeAll(async () => {
  const net = join(dir, 'net.json');
  writeFileSync(net, JSON.stringify({ name: 'pw', input: 32, classes: 10, stem: { channels: 8, kernel: 3, stride: 2 }, blocks: [{ type: 'bnext', out: 16, stride: 1, mixer: 'ffn3x3' }] }));
  const g = await cli(['generate', '--network', net, '--seed', '3', '--target-fps', '10000', '--out', design]);
  if (g.code !== 0) throw new Error(g.stderr);
  writeNpy(join(dir, 'zeros.npy'), { shape: [2, 3, 32, 32], data: new Float32Array(2 * 3 * 32 * 32) });
});

describe('power from simulated activity', () => {
  let zeros: PowerReport;
  let random: PowerReport;

  it('osu018: an all-zero input costs less than random input; the vectorless figure does not move', async () => {
    zeros = await powerDesign(design, { tech: 'osu018', input: join(dir, 'zeros.npy'), write: false });
    random = await powerDesign(design, { tech: 'osu018', seed: 5, images: 2 });
    expect(zeros.simulation.pass && random.simulation.pass).toBe(true);
    expect(zeros.toggleRate.datapath!).toBeLessThan(random.toggleRate.datapath!);
    expect(zeros.total.dynamicMw).toBeLessThan(random.total.dynamicMw);
    expect(zeros.energyPerInferencePj).toBeLessThan(random.energyPerInferencePj);
    expect(zeros.total.staticMw).toBeCloseTo(random.total.staticMw, 12);
    // the vectorless estimate uses wire counts and cycles only: the images do not change it
    expect(zeros.simulation.cycles).toBe(random.simulation.cycles);
    expect(zeros.vectorless.totalMw).toBeCloseTo(random.vectorless.totalMw, 9);
    // every core type characterized at gate level, every layer reported, the split adds up
    expect(random.characterizations.map((c) => c.module)).toContain('mvau_xnor');
    expect(random.characterizations.every((c) => c.cells > 0 && c.energyPerTogglePj > 0 && c.leakageUw > 0)).toBe(true);
    expect(random.layers.map((l) => l.name)).toEqual(['feature.0', 'feature.1.Attention', 'feature.1.FFN_1', 'feature.1.FFN_2', 'feature.1.cat', 'head']);
    const s = random.split;
    expect(s.binary + s.real + s.memory).toBeCloseTo(random.total.totalMw, 9);
    expect(s.binary).toBeGreaterThan(0);
    const layerSum = random.layers.reduce((a, l) => a + l.totalMw, 0);
    expect(layerSum).toBeCloseTo(random.total.totalMw, 9);
    // written atomically beside the design, equal to what was returned
    const file = join(design, 'power', 'report.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(random)));
  }, 900_000);

  it('fpga: reproducible for a seed, and zeros cost less than random images', async () => {
    const a = await powerDesign(design, { tech: 'fpga', seed: 9, write: false });
    const b = await powerDesign(design, { tech: 'fpga', seed: 9, write: false });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const z = await powerDesign(design, { tech: 'fpga', input: join(dir, 'zeros.npy'), write: false });
    expect(z.total.dynamicMw).toBeLessThan(a.total.dynamicMw);
    const other = await powerDesign(design, { tech: 'fpga', seed: 10, write: false });
    expect(other.total.dynamicMw).not.toBe(a.total.dynamicMw);
  });

  it('45 nm: binary MACs of the graph at one bit of an 8-bit add (0.03 pJ / 8, Horowitz ISSCC 2014)', async () => {
    const r = await powerDesign(design, { tech: '45nm', write: false });
    const { design: d } = reloadDesign(design);
    const macs = d.graph.nodes.reduce((a, n) => a + (n.kind === 'mvau' && n.mode === 'xnor' ? n.rows * n.cols * n.shape[1] * n.shape[2] : 0), 0);
    expect(macs).toBeGreaterThan(0);
    expect(r.crossCheck45nm.split.binary).toBeCloseTo((macs * 0.03) / 8, 6);
    expect(r.total.energyPj).toBeCloseTo(r.crossCheck45nm.energyPj, 3);
    expect(r.vectorless.energyPj).toBeCloseTo(r.total.energyPj, 6);
  });
});

describe('bnext-rtl power', () => {
  it('prints a per-layer table and writes JSON with --json', async () => {
    const r = await cli(['power', '--design', design, '--tech', '45nm', '--clock-mhz', '100']);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^layer\s+dyn mW\s+static mW\s+uJ\/inf/m);
    expect(r.stdout).toMatch(/^total\s+/m);
    expect(r.stdout).toMatch(/clock\s+100 MHz/);
    const j = await cli(['power', '--design', design, '--tech', '45nm', '--json', '--seed', '2', '--images', '1']);
    expect(j.code).toBe(0);
    const rep = JSON.parse(j.stdout) as PowerReport;
    expect(rep.schema).toBe('bnext-rtl.power/1');
    expect(rep.input).toEqual({ source: 'random', seed: 2, images: 1 });
  });

  it('rejects bad arguments with one clear error each', async () => {
    const cases: [string[], RegExp][] = [
      [['--clock-mhz', '0'], /error\[E_ARG\] .*--clock-mhz must be a number of MHz above 0/],
      [['--cells', 'x.v'], /error\[E_ARG\] .*--cells goes with --liberty/],
      [['--tech', 'fpga', '--liberty', 'x.lib'], /error\[E_ARG\] .*--liberty applies to the osu018/],
      [['--input', join(dir, 'zeros.npy'), '--seed', '3'], /error\[E_ARG\] .*--seed and --images choose random images/],
      [['--images', '0'], /error\[E_ARG\] .*--images must be a whole number from 1 to 1000/],
      [['--liberty', join(dir, 'none.lib'), '--cells', 'x.v'], /error\[E_FILE\] .*none\.lib/],
      [['--liberty', OSU018_LIBERTY], /error\[E_ARG\] .*needs --cells, the Verilog models of its cells/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(['power', '--design', design, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(re);
    }
    const bad = join(dir, 'bad.npy');
    writeNpy(bad, { shape: [1, 3, 16, 16], data: new Float32Array(3 * 16 * 16) });
    const shape = await cli(['power', '--design', design, '--input', bad]);
    expect(shape.stderr).toMatch(/error\[E_SHAPE\] .*images must have shape \[N, 3, 32, 32\]/);
    const none = await cli(['power', '--design', join(dir, 'nowhere')]);
    expect(none.stderr).toMatch(/error\[E_DESIGN\] .*no manifest.json/);
  });
});
