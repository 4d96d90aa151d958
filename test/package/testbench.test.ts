/**
 * The standalone C++ testbench of a generated design folder: `make -C <design>/sim` builds it with
 * Verilator and replays the image vectors against the integer model's logits without Node (PASS,
 * exit 0); one corrupted expected logit makes it FAIL with a non-zero exit status.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/app.js';
import { requireTool } from '../../src/tools/toolchain.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-tb-'));
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

async function make(design: string, ...vars: string[]) {
  const ccache = (await execa('ccache', ['--version'], { reject: false }).catch(() => undefined))?.exitCode === 0;
  return execa('make', ['-C', join(design, 'sim'), ...vars], { reject: false, all: true, env: { MAKEFLAGS: '', ...(ccache ? { OBJCACHE: 'ccache' } : {}) } });
}

describe('standalone Verilator testbench (make -C <design>/sim)', () => {
  it('passes on the generated vectors, and fails with a non-zero exit on a corrupted expected logit', async () => {
    await requireTool('verilator');
    const design = join(dir, 'design');
    const gen = await runCli(['generate', '--network', netFile, '--seed', '3', '--target-fps', '50000', '--vectors', '3', '--out', design, '--quiet'], {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      stderrIsTty: false,
    });
    expect(gen).toBe(0);
    const ok = await make(design);
    expect(ok.all).toMatch(/^PASS small_top: 3\/3 image\(s\) bit-exact against the integer model/m);
    expect(ok.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(design, 'manifest.json'), 'utf8'));
    const cpf = Number(/; (\d+) cycles per frame measured, (\d+) modelled/.exec(ok.all ?? '')?.[1]);
    expect(Math.abs(cpf / m.performance.cyclesPerFrame - 1)).toBeLessThan(0.05);

    // Random gaps and back-pressure: still bit-exact (the same build).
    const stalled = await make(design, 'run', 'STALL=300', 'SEED=5');
    expect(stalled.all).toMatch(/^PASS small_top: 3\/3 image\(s\) bit-exact .*stall 300 per mille, seed 5/m);

    // Corrupt one logit of image 1: flip its lowest bit.
    const file = join(design, 'sim', 'vectors', 'expected.hex');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.indexOf('// image 1') + 1;
    const beat = lines[at]!;
    lines[at] = beat.slice(0, -1) + (parseInt(beat.slice(-1), 16) ^ 1).toString(16);
    writeFileSync(file, lines.join('\n'));
    const bad = await make(design, 'run');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.all).toMatch(/^FAIL small_top: 2\/3 image\(s\) bit-exact/m);
    expect(bad.all).toMatch(/image 1 class 0: expected -?\d+, got -?\d+/);
  }, 600_000);
});
