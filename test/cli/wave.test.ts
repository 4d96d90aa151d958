/**
 * `bnext-rtl sim --design D --wave out.fst`: a real FST file (header and hierarchy blocks as
 * GTKWave reads them) whose scopes hold every core instance the manifest lists per layer, the
 * instance names starting with the layer's name; bad --wave paths fail before any build.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { verilogName } from '../../src/emit/names.js';
import { writeNpy } from '../../src/io/npy.js';
import { requireTool } from '../../src/tools/toolchain.js';
import { readFst } from './fst.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-wave-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const netFile = join(dir, 'net.json');
writeFileSync(
  netFile,
  JSON.stringify({ name: 'wavy', input: 32, classes: 10, stem: { channels: 8, kernel: 3, stride: 2 }, blocks: [{ type: 'bnext', out: 16, stride: 2, mixer: 'elm' }] }),
);
const design = join(dir, 'design');
const x = join(dir, 'x.npy');
writeNpy(x, { shape: [1, 3, 32, 32], data: new Float32Array(3 * 32 * 32).map((_, i) => Math.sin(i * 0.21)) });

describe('sim --wave', () => {
  it('rejects a --wave that is not a writable .fst file before doing any work', async () => {
    expect((await cli(['generate', '--network', netFile, '--seed', '2', '--target-fps', '50000', '--vectors', '0', '--out', design, '--quiet'])).code).toBe(0);
    const vcd = await cli(['sim', '--design', design, '--input', x, '--wave', join(dir, 'out.vcd')]);
    expect(vcd.code).toBe(1);
    expect(vcd.stderr).toMatch(/^error\[E_ARG\] field '--wave': --wave writes an FST waveform; name a .fst file/);
    const nowhere = await cli(['sim', '--design', design, '--input', x, '--wave', join(dir, 'no', 'such', 'out.fst')]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^error\[E_FILE\] .*folder '.*no\/such' does not exist/);
  });

  it('writes an FST whose hierarchy holds every layer instance of the manifest', async () => {
    await requireTool('verilator');
    const wave = join(dir, 'out.fst');
    const r = await cli(['sim', '--design', design, '--input', x, '--wave', wave, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.pass).toBe(true);
    const m = JSON.parse(readFileSync(join(design, 'manifest.json'), 'utf8'));
    expect(res.wave).toEqual({ file: wave, scope: `TOP.${m.top}` });
    expect(existsSync(wave)).toBe(true);

    const fst = readFst(wave);
    expect(fst.header.scopes).toBe(fst.scopes.length);
    expect(fst.header.vars).toBe(fst.vars);
    expect(fst.header.endTime).toBeGreaterThan(0n);
    let instances = 0;
    for (const layer of m.layers as { name: string; nodes: number; instances: string[] }[]) {
      if (layer.name === 'input') continue;
      expect(layer.instances.length, layer.name).toBeGreaterThan(0);
      for (const inst of layer.instances) {
        const prefix = `u_${verilogName(layer.name)}`;
        expect(inst === prefix || inst.startsWith(`${prefix}_`), `${layer.name}: ${inst}`).toBe(true);
        expect(fst.scopes, `${layer.name}: ${inst}`).toContain(`${res.wave.scope}.${inst}`);
        instances++;
      }
    }
    // Every core instance directly under the top belongs to exactly one layer.
    const direct = fst.scopes.filter((s) => s.startsWith(`${res.wave.scope}.`) && s.split('.').length === 3);
    expect(direct.length).toBe(instances);
  }, 600_000);
});
