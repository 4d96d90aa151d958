import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { compileHw, runGraphInt } from '../../src/ref/int.js';
import { randomWeights } from '../../src/weights/random.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-cli-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function images(n: number, s: number) {
  const data = new Float32Array(n * 3 * s * s);
  for (let i = 0; i < data.length; i++) data[i] = (((i * 2654435761) >>> 0) % 2000) / 1000 - 1;
  return { shape: [n, 3, s, s], data };
}

const net = ['--size', 'tiny', '--classes', '10'];

describe('bnext-rtl run --model int, ir, quant-report', () => {
  const x = join(dir, 'x.npy');
  writeNpy(x, images(2, 32));

  it('run --model int writes the integer model logits', async () => {
    const out = join(dir, 'int.npy');
    const r = await cli(['run', ...net, '--input-size', '32', '--seed', '4', '--input', x, '--out', out, '--model', 'int', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = readNpy(out);
    const n = zooNetwork('tiny', { input: 32, classes: 10 });
    const ws = randomWeights(n, 4);
    const want = runGraphInt(compileHw(n, ws), images(2, 32));
    expect(got.shape).toEqual([2, 10]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
  });

  it('ir prints a canonical dump that names every pass', async () => {
    const r = await cli(['ir', ...net, '--input', '32', '--seed', '4', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^; ir bnext-tiny-32 \(\d+ nodes\) passes: lower, fold-sign-threshold, fold-bn-prelu, split-conv, quantize, insert-forks/);
    expect(r.stdout).toMatch(/%feature\.1\.Attention\/threshold = threshold\(%feature\.0\/bn_fork\) 32x32x32 bin/);
    const again = await cli(['ir', ...net, '--input', '32', '--seed', '4', '--quiet']);
    expect(again.stdout).toBe(r.stdout);
    const ops = await cli(['ir', '--ops']);
    expect(ops.stdout).toMatch(/^mvau\s+matrix-vector unit/m);
  });

  it('quant-report prints per-layer SQNR and logit agreement; --json has the fields', async () => {
    const r = await cli(['quant-report', ...net, '--input-size', '32', '--seed', '4', '--input', x, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.images).toBe(2);
    expect(j.layers.slice(0, 2).map((l: { layer: string }) => l.layer)).toEqual(['input', 'feature.0']);
    expect(typeof j.logits.minCosine).toBe('number');
    expect(j.logits.top1Agree).toBeGreaterThanOrEqual(0);
  });

  it('bad quantization settings: one error naming the file and field, exit 1', async () => {
    const q = join(dir, 'q.json');
    writeFileSync(q, JSON.stringify({ se: 40 }));
    const out = join(dir, 'never.npy');
    const r = await cli(['run', ...net, '--input-size', '32', '--seed', '4', '--input', x, '--out', out, '--model', 'int', '--quant', q]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[E_QUANT\] .*q\.json, field 'se'/);
    expect(existsSync(out)).toBe(false);
  });
});
