import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { fieldPath, loadNetworkJson, networkFromJson } from '../../src/dsl/json.js';
import { networkParams } from '../../src/dsl/params.js';
import { zooNetwork } from '../../src/dsl/zoo.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

/** The single BnextError thrown by `f`. */
function errorOf(f: () => unknown): BnextError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BnextError);
    return err as BnextError;
  }
  throw new Error('expected an error');
}

const mini = {
  name: 'mini',
  input: 32,
  classes: 10,
  stem: { channels: 16, kernel: 3, stride: 1 },
  blocks: [
    { type: 'bnext', out: 32, stride: 1, mixer: 'ffn3x3' },
    { type: 'bnext', out: 64, stride: 2, mixer: 'elm' },
    { type: 'bnext', out: 64, stride: 1, mixer: 'ffn3x3' },
  ],
};

describe('network JSON files', () => {
  it('loads a zoo reference with the same state_dict as the zoo', () => {
    const net = loadNetworkJson(file('zoo.json', { size: 'tiny', input: 64, classes: 10 }));
    expect(net.name).toBe('bnext-tiny-64');
    expect(networkParams(net)).toEqual(networkParams(zooNetwork('tiny', { input: 64, classes: 10 })));
  });

  it('builds a custom network named like BNext', () => {
    const net = loadNetworkJson(file('mini.json', mini));
    expect(net.family).toBe('custom');
    expect(net.input).toEqual([3, 32, 32]);
    expect(net.layers.map((l) => l.name)).toEqual([
      'input',
      'feature.0',
      'feature.1.Attention',
      'feature.1.FFN_1',
      'feature.1.FFN_2',
      'feature.1.cat',
      'feature.2.Attention',
      'feature.2.FFN_1',
      'feature.2.FFN_2',
      'feature.2.cat',
      'feature.3.Attention',
      'feature.3.FFN',
      'head',
    ]);
    expect(net.layers.find((l) => l.name === 'feature.2.Attention')).toMatchObject({ variant: 'elm', stride: 2, outShape: [32, 16, 16] });
    expect(net.layers.at(-1)!.outShape).toEqual([10, 1, 1]);
  });

  it('accepts [3, H, W], a max pool, BNext-18 blocks, and names a nameless network after its file', () => {
    const net = loadNetworkJson(
      file('b18ish.json', {
        input: [3, 64, 32],
        classes: 5,
        stem: { channels: 16, kernel: 3, stride: 1, padding: 1 },
        maxpool: true,
        blocks: [
          { type: 'bnext18', out: 16, stride: 1 },
          { type: 'bnext18', out: 32, stride: 2 },
        ],
      }),
    );
    expect(net.name).toBe('b18ish');
    expect(net.layers.map((l) => l.kind)).toContain('maxpool');
    expect(net.layers.find((l) => l.name === 'feature.2.Attention')).toMatchObject({ downsample: true, outShape: [32, 16, 8] });
  });

  it('names the file, the field path and the rule for schema errors', () => {
    const bad = { ...mini, blocks: [mini.blocks[0], { type: 'bnext', out: 64, stride: 3, mixer: 'elm' }] };
    const e = errorOf(() => loadNetworkJson(file('stride.json', bad)));
    expect(e.code).toBe('E_NETWORK');
    expect(e.location).toMatchObject({ file: join(dir, 'stride.json'), field: 'blocks[1].stride' });
    expect(e.message).toMatch(/must be 1 or 2/);
  });

  it('reports each kind of schema error at its field', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ size: 'huge' }, 'size', /one of "tiny"/],
      [{ size: 'tiny', input: 100 }, 'input', /multiple of 32/],
      [{ size: 'tiny', inputs: 64 }, 'inputs', /not a known field/],
      [{ ...mini, classes: 0 }, 'classes', /at least 1/],
      [{ ...mini, input: [4, 32, 32] }, 'input', /H or \[3, H, W\]/],
      [{ ...mini, stem: { channels: 16.5, kernel: 3, stride: 1 } }, 'stem.channels', /whole number/],
      [{ ...mini, blocks: [] }, 'blocks', /at least one block/],
      [{ ...mini, blocks: [{ type: 'resnet', out: 16, stride: 1 }] }, 'blocks[0].type', /"bnext" or "bnext18"/],
      [{ ...mini, blocks: [{ type: 'bnext', out: 16, stride: 1 }] }, 'blocks[0].mixer', /required/],
      [{ ...mini, blocks: [{ type: 'bnext', out: 16, stride: 1, mixer: 'elm', extra: 1 }] }, 'blocks[0].extra', /not a known field/],
      [{ ...mini, maxpool: 'yes' }, 'maxpool', /true or false/],
    ];
    for (const [value, field, rule] of cases) {
      const e = errorOf(() => networkFromJson(value, 'net.json'));
      expect(e.code, field).toBe('E_NETWORK');
      expect(e.location, field).toEqual({ file: 'net.json', field });
      expect(e.message, field).toMatch(rule);
    }
  });

  it('lists further problems of the same file as details', () => {
    const e = errorOf(() => networkFromJson({ input: 'x', classes: 0 }, 'net.json'));
    expect(e.location.field).toBe('input');
    expect(e.details).toEqual(expect.arrayContaining([expect.stringMatching(/^also: classes: /), expect.stringMatching(/^also: stem: is required/)]));
  });

  it('maps builder errors to the block that caused them', () => {
    const cases: [unknown[], string, RegExp][] = [
      // 32 -> 16 -> 8 -> 4 -> 2 -> 1, then a sixth stride-2 block meets an odd (1x1) map
      [Array.from({ length: 6 }, () => ({ type: 'bnext', out: 16, stride: 2, mixer: 'elm' })), 'blocks[5].stride', /even input size/],
      [[{ type: 'bnext', out: 24, stride: 1, mixer: 'elm' }], 'blocks[0].out', /keeps or doubles/],
      [[{ type: 'bnext18', out: 32, stride: 1 }], 'blocks[0].stride', /stride 2/],
    ];
    for (const [blocks, field, rule] of cases) {
      const e = errorOf(() => networkFromJson({ ...mini, blocks }, 'net.json'));
      expect(e.code, field).toBe('E_NETWORK');
      expect(e.location, field).toEqual({ file: 'net.json', field });
      expect(e.message, field).toMatch(rule);
    }
    const tiny = errorOf(() => networkFromJson({ ...mini, stem: { channels: 4, kernel: 3, stride: 1 }, blocks: [{ type: 'bnext', out: 4, stride: 1, mixer: 'elm' }] }, 'n.json'));
    expect(tiny.location.field).toBe('blocks[0].out');
  });

  it('reports unreadable files and invalid JSON', () => {
    expect(errorOf(() => loadNetworkJson(join(dir, 'missing.json'))).code).toBe('E_FILE');
    const e = errorOf(() => loadNetworkJson(file('broken.json', '{ "size": ')));
    expect(e.code).toBe('E_NETWORK');
    expect(e.message).toMatch(/not valid JSON/);
    expect(errorOf(() => loadNetworkJson(file('array.json', [1, 2]))).message).toMatch(/one JSON object/);
  });

  it('formats field paths', () => {
    expect(fieldPath(['blocks', 3, 'stride'])).toBe('blocks[3].stride');
    expect(fieldPath(['input', 1])).toBe('input[1]');
  });
});
