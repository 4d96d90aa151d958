import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BnextError, networkParams, numel, zooNetwork, ZOO_SIZES } from '../../src/index.js';

const keysDir = fileURLToPath(new URL('../../../shared/keys/', import.meta.url));

interface KeysFile {
  num_elements: number;
  keys: { name: string; shape: number[]; role: string; used_in_forward: boolean; dtype: string }[];
}

describe('model zoo against the official checkpoint names', () => {
  for (const size of ZOO_SIZES) {
    it(`${size}: every state_dict entry, in order, with shape, role and use`, () => {
      const keys = JSON.parse(readFileSync(`${keysDir}keys-${size}.json`, 'utf8')) as KeysFile;
      const ours = networkParams(zooNetwork(size)).map((p) => ({
        name: p.name,
        shape: [...p.shape],
        role: p.role,
        used_in_forward: p.used,
        dtype: p.dtype,
      }));
      const official = keys.keys.map((k) => ({ name: k.name, shape: k.shape, role: k.role, used_in_forward: k.used_in_forward, dtype: k.dtype }));
      expect(ours).toEqual(official);
      expect(ours.reduce((a, p) => a + numel(p.shape), 0)).toBe(keys.num_elements);
    });
  }

  it('feature map sizes halve at each widening after block 1 (224 -> 7)', () => {
    const net = zooNetwork('tiny');
    const sizes = net.layers.filter((l) => l.kind === 'module' && l.name.endsWith('Attention')).map((l) => l.outShape[1]);
    expect(sizes).toEqual([112, 56, 56, 28, 28, 14, 14, 14, 14, 14, 14, 7, 7]);
  });

  it('CIFAR rule: stride-1 stem when classes != 1000', () => {
    const net = zooNetwork('tiny', { input: 32, classes: 10 });
    expect(net.layers[1]!.outShape).toEqual([32, 32, 32]);
    const b18 = zooNetwork('bnext18', { input: 32, classes: 10 });
    expect(b18.layers.some((l) => l.kind === 'maxpool')).toBe(false);
    expect(b18.layers[1]).toMatchObject({ kind: 'stem', kernel: 3, stride: 1 });
  });

  it('rejects input sizes that are not multiples of 32 and unknown sizes', () => {
    expect(() => zooNetwork('tiny', { input: 100 })).toThrow(BnextError);
    expect(() => zooNetwork('tiny', { input: 100 })).toThrow(/multiple of 32/);
    expect(() => zooNetwork('huge')).toThrow(/unknown size 'huge'/);
  });
});
