/**
 * A design folder records its input files (network JSON, weights) relative to itself, so `sim`,
 * `report` and `power` rebuild it from any working directory; older manifests that named them from
 * the working directory of `generate` still load from there.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { designFile, recordedPath, reloadDesign } from '../../src/emit/reload.js';

const mainJs = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'bnext-reload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('input files of a design folder', () => {
  it('recordedPath / designFile: relative to the folder, with the old working-directory form as fallback', () => {
    expect(recordedPath('/a/b/design', '/a/b/net.json')).toBe('../net.json');
    expect(recordedPath('/a/b/design', '/a/b/design/w.safetensors')).toBe('w.safetensors');
    writeFileSync(join(root, 'x.json'), '{}');
    expect(designFile(join(root, 'sub'), '../x.json')).toBe(join(root, 'sub', '../x.json'));
    expect(designFile(join(root, 'sub'), 'elsewhere.json')).toBe('elsewhere.json');
    expect(designFile(join(root, 'sub'), '/abs/path.json')).toBe('/abs/path.json');
  });

  it('a manifest whose recipe names no network fails with one clear error', () => {
    const d = join(root, 'norecipe');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'manifest.json'), JSON.stringify({ network: { recipe: { test: 'x' } } }));
    expect(() => reloadDesign(d)).toThrow(/names no network to rebuild/);
  });

  it('a design generated with relative --network and --weights paths reloads from another working directory', async () => {
    const work = join(root, 'work');
    mkdirSync(join(work, 'nets'), { recursive: true });
    writeFileSync(
      join(work, 'nets', 'net.json'),
      JSON.stringify({ name: 'rel', input: 32, classes: 10, stem: { channels: 8, kernel: 3, stride: 2 }, blocks: [{ type: 'bnext', out: 8, stride: 1, mixer: 'elm' }] }),
    );
    const w = await execa('node', [mainJs, 'weights', '--network', 'nets/net.json', '--seed', '4', '--out', 'nets/w.safetensors', '--quiet'], { cwd: work, reject: false });
    expect(w.stderr).toBe('');
    const g = await execa('node', [mainJs, 'generate', '--network', 'nets/net.json', '--weights', 'nets/w.safetensors', '--target-fps', '5000', '--out', 'out/d', '--quiet'], { cwd: work, reject: false });
    expect(g.stderr).toBe('');
    expect(g.exitCode).toBe(0);
    const m = JSON.parse(readFileSync(join(work, 'out', 'd', 'manifest.json'), 'utf8'));
    expect(m.network.recipe.network).toBe('../../nets/net.json');
    expect(m.weights.file).toBe('../../nets/w.safetensors');
    // this process's working directory is the repository, not `work`
    const { net } = reloadDesign(join(work, 'out', 'd'));
    expect(net.name).toBe('rel');
  });
});
