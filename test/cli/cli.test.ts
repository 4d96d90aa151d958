import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { countNetwork } from '../../src/dsl/count.js';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';

const mainJs = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bnext-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process, capturing its output. */
/** A deterministic [n, 3, s, s] image batch in [-1, 1). */
function images(n: number, s: number) {
  const data = new Float32Array(n * 3 * s * s);
  for (let i = 0; i < data.length; i++) data[i] = (((i * 2654435761) >>> 0) % 2000) / 1000 - 1;
  return { shape: [n, 3, s, s], data };
}

describe('bnext-rtl info', () => {
  it('--json prints the counts as one JSON document', async () => {
    const r = await cli(['info', '--size', 'tiny', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const c = countNetwork(zooNetwork('tiny'));
    expect(j.params).toEqual(c.params);
    expect(j.ops).toEqual(c.ops);
    expect(j.layers).toHaveLength(c.layers.length);
    expect(j.layers[0]).toMatchObject({ name: 'feature.0', kind: 'stem', inShape: [3, 224, 224], outShape: [32, 112, 112] });
    expect(j.binaryWeightBits).toBe(c.binaryWeightBits);
    expect(j.size.bits).toEqual({ binary: 1, stem: 8, se: 4, fc: 8, other: 32 });
  });

  it('prints an aligned table and the totals', async () => {
    const r = await cli(['info', '--size', 'tiny', '--input', '32', '--classes', '10', '--bits', 'se=8']);
    expect(r.code).toBe(0);
    const c = countNetwork(zooNetwork('tiny', { input: 32, classes: 10 }));
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('layer'))!;
    const stem = lines.find((l) => l.startsWith('feature.0 '))!;
    // right-aligned numeric columns end at the same position as their header
    expect(stem.length).toBe(header.length);
    expect(r.stdout).toContain(c.params.total.toLocaleString('en-US'));
    expect(r.stdout).toMatch(/binary weights\s+28\.25 Mbit/);
    expect(r.stdout).toContain('se=8');
  });

  it('rejects bad options with one line and exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [['info', '--size', 'huge'], /error\[E_SIZE\].*unknown size 'huge'/],
      [['info'], /error\[E_ARG\].*--size/],
      [['info', '--size', 'tiny', '--network', 'x.json'], /either --size or --network/],
      [['info', '--size', 'tiny', '--bogus'], /^error: Unknown argument: bogus/],
      [['info', '--size'], /^error: Not enough arguments following: size/],
      [['info', '--size', 'tiny', '--bits', 'se=x'], /error\[E_ARG\].*bit width of 'se'/],
      [['info', '--size', 'tiny', '--input', 'big'], /error\[E_ARG\].*--input must be a whole number/],
      [['info', '--network', join(dir, 'nope.json')], /error\[E_FILE\].*nope\.json/],
      [['frobnicate'], /^error: Unknown argument: frobnicate/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('with --json, errors are JSON on stdout', async () => {
    const r = await cli(['info', '--size', 'huge', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_SIZE', location: { field: 'size' } });
  });

  it('reports an unexpected exception as an internal error, exit 2, stack only with BNEXT_DEBUG=1', async () => {
    const broken = (): void => {
      throw new Error('stdout closed');
    };
    const r = await cli(['info', '--size', 'tiny'], { stdout: broken });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^internal error: stdout closed/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const d = await cli(['info', '--size', 'tiny'], { stdout: broken, env: { BNEXT_DEBUG: '1' } });
    expect(d.stderr).toMatch(/\n\s+at /);
  });
});

describe('help', () => {
  for (const cmd of ['info', 'weights', 'run']) {
    it(`${cmd} --help shows options and an example`, async () => {
      const r = await cli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`bnext-rtl ${cmd}`);
      expect(r.stdout).toMatch(new RegExp(`Examples:\\n(.*\\n)*\\s+bnext-rtl ${cmd} --`));
      expect(r.stdout).toContain('--json');
    });
  }
  it('info --help states the counting rules', async () => {
    const r = await cli(['info', '--help']);
    expect(r.stdout).toMatch(/BOPs\s+binary MACs/);
    expect(r.stdout).toMatch(/not counted/);
  });
});

describe('bnext-rtl weights and run', () => {
  const x = join(dir, 'x.npy');
  writeNpy(x, images(2, 32));
  const net = ['--size', 'tiny', '--classes', '10'];

  it('run --seed on tiny@32 writes [N, classes] logits and prints the top classes', async () => {
    const out = join(dir, 'logits.npy');
    const r = await cli(['run', ...net, '--input-size', '32', '--seed', '3', '--input', x, '--out', out]);
    expect(r.code).toBe(0);
    expect(readNpy(out).shape).toEqual([2, 10]);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/^image 0: \d+ \(-?\d+\.\d{4}\), /);
  });

  it('weights then run --weights gives the logits of run --seed (custom network file)', async () => {
    const netFile = join(dir, 'small-net.json');
    writeFileSync(
      netFile,
      JSON.stringify({
        name: 'small',
        input: 32,
        classes: 7,
        stem: { channels: 16, kernel: 3, stride: 2 },
        blocks: [{ type: 'bnext', out: 32, stride: 2, mixer: 'elm' }],
      }),
    );
    const w = join(dir, 'w.safetensors');
    const wr = await cli(['weights', '--network', netFile, '--seed', '3', '--out', w, '--json']);
    expect(wr.code).toBe(0);
    expect(JSON.parse(wr.stdout)).toMatchObject({ network: 'small', seed: 3, out: w });
    const byWeights = join(dir, 'l1.npy');
    const bySeed = join(dir, 'l2.npy');
    const r1 = await cli(['run', '--network', netFile, '--weights', w, '--input', x, '--out', byWeights, '--json', '--top', '3']);
    const r2 = await cli(['run', '--network', netFile, '--seed', '3', '--input', x, '--out', bySeed, '--quiet']);
    expect([r1.code, r2.code]).toEqual([0, 0]);
    expect(r2.stdout).toBe('');
    expect(readNpy(byWeights).shape).toEqual([2, 7]);
    expect(readNpy(byWeights).data).toEqual(readNpy(bySeed).data);
    const j = JSON.parse(r1.stdout);
    expect(j.shape).toEqual([2, 7]);
    expect(j.top[1]).toHaveLength(3);
    const row1 = Array.from(readNpy(byWeights).data.subarray(7, 14));
    expect(j.top[1][0].logit).toBe(Math.max(...row1));
  });

  it('a failing run writes nothing', async () => {
    const bad = join(dir, 'nan.npy');
    const nan = images(1, 32);
    nan.data[5] = Number.NaN;
    writeNpy(bad, nan);
    const before = readdirSync(dir).length;
    const cases: [string[], RegExp][] = [
      [['--input-size', '64', '--seed', '1', '--input', x], /E_SHAPE.*\[N, 3, 64, 64\].*got \[2, 3, 32, 32\].*--input-size 32/],
      [['--input-size', '32', '--seed', '1', '--input', bad], /E_NAN/],
      [['--input-size', '32', '--weights', join(dir, 'none.safetensors'), '--input', x], /E_FILE/],
      [['--input-size', '32', '--seed', '1', '--weights', x, '--input', x], /either --weights or --seed/],
      [['--input-size', '32', '--input', x], /--weights file.safetensors or --seed/],
    ];
    for (const [args, msg] of cases) {
      const out = join(dir, 'fail.npy');
      const r = await cli(['run', ...net, ...args, '--out', out]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
    expect(readdirSync(dir).length).toBe(before);
  });

  it('run --model accepts only the implemented models, and rtl needs a design', async () => {
    const r = await cli(['run', ...net, '--input-size', '32', '--seed', '1', '--input', x, '--out', join(dir, 'm.npy'), '--model', 'quantum']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid values: Argument: model, Given: "quantum", Choices: "float", "int", "rtl"/);
    const rtl = await cli(['run', ...net, '--input-size', '32', '--seed', '1', '--input', x, '--out', join(dir, 'm.npy'), '--model', 'rtl']);
    expect(rtl.code).toBe(1);
    expect(rtl.stderr).toMatch(/^error\[E_ARG\] field '--design': --model rtl needs --design/);
    expect(existsSync(join(dir, 'm.npy'))).toBe(false);
  });
});

describe('the bnext-rtl executable', () => {
  it('exits 1 with the multiple-of-32 message and no stack trace', async () => {
    const r = await execa('node', [mainJs, 'info', '--size', 'tiny', '--input', '100'], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[E_INPUT_SIZE\].*multiple of 32/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints JSON and exits 0', async () => {
    const r = await execa('node', [mainJs, 'info', '--size', 'bnext18', '--input', '64', '--json'], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).params.total).toBe(countNetwork(zooNetwork('bnext18', { input: 64 })).params.total);
  });
});
