import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeNpy } from '../../src/io/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const netFile = join(dir, 'net.json');
writeFileSync(
  netFile,
  JSON.stringify({
    name: 'small',
    input: 32,
    classes: 10,
    stem: { channels: 8, kernel: 3, stride: 2 },
    blocks: [
      { type: 'bnext', out: 16, stride: 1, mixer: 'ffn3x3' },
      { type: 'bnext', out: 32, stride: 2, mixer: 'elm' },
    ],
  }),
);

describe('bnext-rtl generate, sim --design, run --model rtl', () => {
  const out = join(dir, 'design');

  it('writes a complete design folder and a readable summary', async () => {
    const r = await cli(['generate', '--network', netFile, '--seed', '3', '--target-fps', '50000', '--out', out]);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['README.md', 'cores', 'manifest.json', 'mem', 'sim', 'small_top.core', 'small_top.f', 'small_top.v']);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.performance.cyclesPerFrame).toBeLessThanOrEqual(200e6 / 50000);
    expect(m.layers.length).toBeGreaterThan(5);
    const f = readFileSync(join(out, 'small_top.f'), 'utf8').trim().split('\n');
    for (const p of f) expect(existsSync(join(out, p)), p).toBe(true);
    expect(r.stdout).toMatch(/cycles\/frame\s+[\d,]+ \(bottleneck /);
  });

  it('refuses to overwrite without --force, and rejects an illegal fold file naming the field', async () => {
    const again = await cli(['generate', '--network', netFile, '--seed', '3', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error\[E_DESIGN\] .*exists and is not empty/);
    const fold = join(dir, 'fold.json');
    writeFileSync(fold, JSON.stringify({ layers: { 'feature.1.Attention': { simd: 3 } } }));
    const bad = await cli(['generate', '--network', netFile, '--seed', '3', '--fold', fold, '--out', join(dir, 'never')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error\[E_FOLD\] .*field 'layers\.feature\.1\.Attention\.simd': simd 3 must divide the 8 input channels/m);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('sim --design passes bit-exact, and run --model rtl writes the integer model logits', async () => {
    const x = join(dir, 'x.npy');
    const data = new Float32Array(2 * 3 * 32 * 32).map((_, i) => Math.sin(i * 0.37));
    writeNpy(x, { shape: [2, 3, 32, 32], data });
    const s = await cli(['sim', '--design', out, '--input', x, '--stall', '0.2', '--quiet']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^PASS small_top: 2\/2 image\(s\) bit-exact/);
    const rtl = join(dir, 'rtl.npy');
    const intOut = join(dir, 'int.npy');
    expect((await cli(['run', '--model', 'rtl', '--design', out, '--input', x, '--out', rtl, '--quiet'])).code).toBe(0);
    expect((await cli(['run', '--network', netFile, '--seed', '3', '--model', 'int', '--input', x, '--out', intOut, '--quiet'])).code).toBe(0);
    expect(readFileSync(rtl)).toEqual(readFileSync(intOut));
  });
});
