/** `bnext-rtl estimate`: whole networks at 224 from the zoo, a design folder, option errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import type { Resources } from '../../src/synth/estimate/types.js';

const root = mkdtempSync(join(tmpdir(), 'bnext-estimate-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface EstimateJson {
  target: string;
  rows: { layer: string; pe?: number; simd?: number; cores: number; estimate: Resources }[];
  total: Resources;
}

describe('bnext-rtl estimate', () => {
  it('BNext-Tiny at 224: a per-layer table and total in seconds, more frames/s need more LUTs', async () => {
    const t0 = performance.now();
    const a = await cli(['estimate', '--size', 'tiny', '--target-fps', '200', '--json']);
    const secs = (performance.now() - t0) / 1000;
    console.log(`estimate tiny 224: ${secs.toFixed(1)} s`);
    expect(a.code).toBe(0);
    const ja = JSON.parse(a.stdout) as EstimateJson;
    expect(ja.rows.map((r) => r.layer)).toContain('feature.7.Attention');
    const sum = ja.rows.reduce((s, r) => s + r.estimate.luts, 0);
    expect(ja.total.luts).toBe(sum);
    expect(ja.total.bramBits).toBeGreaterThan(1_000_000); // the binary weights of BNext-Tiny (millions of bits)
    const b = await cli(['estimate', '--size', 'tiny', '--target-fps', '2000', '--json']);
    expect((JSON.parse(b.stdout) as EstimateJson).total.luts).toBeGreaterThan(ja.total.luts);
    const t = await cli(['estimate', '--size', 'tiny', '--target', 'ice40']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^layer\s+pe\s+simd\s+cores\s+LUT4\s+FFs/);
    expect(t.stdout).toMatch(/\ntotal\s+/);
    expect(t.stdout).toMatch(/estimate {2}bnext-tiny.*input 3x224x224.*ice40 \(LUT4\)/);
  });

  it('--design estimates a generated folder from its instances; --budget-luts caps the estimate', async () => {
    const net = join(root, 'net.json');
    writeFileSync(net, JSON.stringify({ name: 'mini', input: 32, classes: 10, stem: { channels: 8, kernel: 3, stride: 2 }, blocks: [{ type: 'bnext', out: 16, stride: 1, mixer: 'ffn3x3' }] }));
    const dir = join(root, 'mini');
    const g = await cli(['generate', '--network', net, '--seed', '1', '--target-fps', '5000', '--out', dir, '--vectors', '0']);
    expect(g.code).toBe(0);
    const d = await cli(['estimate', '--design', dir, '--json']);
    expect(d.code).toBe(0);
    const jd = JSON.parse(d.stdout) as EstimateJson;
    expect(jd.rows.find((r) => r.layer === 'feature.1.FFN_1')?.pe).toBeGreaterThan(0);
    expect(jd.total.luts).toBe(jd.rows.reduce((s, r) => s + r.estimate.luts, 0));
    const bud = await cli(['estimate', '--network', net, '--budget-luts', '20000', '--json']);
    expect(bud.code).toBe(0);
    expect((JSON.parse(bud.stdout) as EstimateJson).total.luts).toBeLessThanOrEqual(20000);
  });

  it('rejects mixing --design with network options, and both --target-fps and --budget-luts', async () => {
    const a = await cli(['estimate', '--design', root, '--size', 'tiny']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/error\[E_ARG\].*--size does not apply/);
    const b = await cli(['estimate', '--size', 'tiny', '--target-fps', '10', '--budget-luts', '1000']);
    expect(b.stderr).toMatch(/error\[E_ARG\].*either --target-fps or --budget-luts/);
    const c = await cli(['estimate', '--size', 'tiny', '--target', 'asic']);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/Choices: "xilinx", "ice40"/);
  });
});
