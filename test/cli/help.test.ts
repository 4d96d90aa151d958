/**
 * Every command registered in the CLI shows examples in its --help; every command that can run
 * cheaply honours --json (one JSON document on stdout, nothing on stderr) and --quiet (nothing on
 * stderr) while doing real work.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli as run } from '../helpers/cli.js';
import { writeNpy } from '../../src/io/npy.js';

const cli = (args: string[], tty = false) => run(args, { stderrIsTty: tty });

/** The commands the top-level help lists (every registered command). */
async function commands(): Promise<string[]> {
  const { stdout } = await cli(['--help']);
  const section = stdout.split(/^Commands:$/m)[1]!.split(/^Options:$/m)[0]!;
  return [...section.matchAll(/^ {2}bnext-rtl (\S+)/gm)].map((m) => m[1]!);
}

describe('help', () => {
  it('every command has an Examples section with runnable command lines', async () => {
    const names = await commands();
    expect(names).toEqual(expect.arrayContaining(['info', 'weights', 'run', 'ir', 'quant-report', 'generate', 'doctor', 'sim', 'synth']));
    for (const name of names) {
      const r = await cli([name, '--help']);
      expect(r.code, name).toBe(0);
      const examples = r.stdout.split(/^Examples:$/m)[1];
      expect(examples, `${name} --help has no Examples section`).toBeDefined();
      expect(examples!, name).toMatch(new RegExp(`^ {2}bnext-rtl ${name}\\b`, 'm'));
      expect(examples!, name).toMatch(/^ {2}# \S/m); // each example says what it does
    }
  });
});

describe('--json and --quiet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bnext-modes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const x = join(dir, 'x.npy');
  writeNpy(x, { shape: [1, 3, 32, 32], data: new Float32Array(3 * 32 * 32).map((_, i) => Math.cos(i * 0.1)) });
  const net = join(dir, 'net.json');
  writeFileSync(net, JSON.stringify({ name: 'm', input: 32, classes: 10, stem: { channels: 8, kernel: 3, stride: 2 }, blocks: [{ type: 'bnext', out: 16, stride: 1, mixer: 'elm' }] }));
  const runs: Record<string, (k: number) => string[]> = {
    info: () => ['info', '--network', net],
    weights: (k) => ['weights', '--network', net, '--seed', '1', '--out', join(dir, `w${k}.safetensors`)],
    ir: () => ['ir', '--network', net, '--seed', '1'],
    run: (k) => ['run', '--network', net, '--seed', '1', '--model', 'int', '--input', x, '--out', join(dir, `y${k}.npy`)],
    'quant-report': () => ['quant-report', '--network', net, '--seed', '1', '--input', x],
    generate: (k) => ['generate', '--network', net, '--seed', '1', '--target-fps', '50000', '--vectors', '1', '--out', join(dir, `d${k}`)],
    doctor: () => ['doctor'],
  };

  it.each(Object.keys(runs))('%s', async (name) => {
    const json = await cli([...runs[name]!(1), '--json'], true);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    const quiet = await cli([...runs[name]!(2), '--quiet'], true);
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(0);
  });
});
