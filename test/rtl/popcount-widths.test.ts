/**
 * popcount_tree at every width of a few ranges (1..64 in full, then around 128 and 200), plain and
 * XNOR, against a behavioural count in Icarus (test/fixtures/cores/tb_popcount_widths.v): random
 * operands plus the extremes. The tree's shape (leaves, node arity, partial nodes) changes with the
 * width, so every width is its own structure. Pipelining and stalls are covered by tb_popcount in
 * cores-lint.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../../src/tools/toolchain.js';

const FILES = ['test/fixtures/cores/tb_popcount_widths.v', ...['popcount_tree', 'popcount_node', 'keep_add'].map((m) => `templates/cores/${m}.v`)];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bnext-popcount-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent('popcount_tree widths (Icarus)', () => {
  it.each([
    { MinWidth: 1, MaxWidth: 64, Seed: 1 },
    { MinWidth: 120, MaxWidth: 136, Seed: 2 },
    { MinWidth: 196, MaxWidth: 200, Seed: 3 },
  ])('Width %j', async (p) => {
    const iverilog = await requireTool('iverilog');
    const vvp = iverilog.path.includes('/') ? join(dirname(iverilog.path), 'vvp') : 'vvp';
    const out = join(dir, `w${p.MinWidth}.vvp`);
    const defs = Object.entries(p).map(([k, v]) => `-Ptb_popcount_widths.${k}=${v}`);
    const c = await execa(iverilog.path, ['-g2005', '-Wall', '-s', 'tb_popcount_widths', ...defs, '-o', out, ...FILES], { reject: false, all: true });
    expect(c.all ?? '', 'iverilog output').toBe('');
    expect(c.exitCode).toBe(0);
    const r = await execa(vvp, ['-n', out], { reject: false, all: true, timeout: 120_000 });
    expect(r.all ?? '').not.toMatch(/FAIL/);
    expect(r.all ?? '').toMatch(/^PASS tb_popcount_widths/m);
  }, 180_000);
});
