import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { networkParams, numel } from '../../src/dsl/params.js';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { readSafetensorsHeader, writeSafetensors, type SafetensorsWriteEntry } from '../../src/io/safetensors.js';
import type { Tensor } from '../../src/tensor.js';
import { binarySign, binaryWeights, loadWeights, param } from '../../src/weights/load.js';
import { saveWeights } from '../../src/weights/save.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const net = zooNetwork('tiny', { input: 32, classes: 10 });
const specs = networkParams(net);

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random weights for every entry (integers for the I64 counters). */
function randomWeights(seed: number): Map<string, Tensor> {
  const r = prng(seed);
  const ws = new Map<string, Tensor>();
  for (const p of specs) {
    const data = new Float32Array(numel(p.shape));
    for (let k = 0; k < data.length; k++) data[k] = p.dtype === 'I64' ? Math.floor(r() * 1e6) : r() * 2 - 1;
    ws.set(p.name, { shape: [...p.shape], data });
  }
  return ws;
}

/** Entries to write, in official order, optionally renamed/altered. */
function entriesOf(ws: Map<string, Tensor>, rename: (n: string) => string = (n) => n): SafetensorsWriteEntry[] {
  return specs.map((p) => ({ name: rename(p.name), dtype: p.dtype, tensor: ws.get(p.name)! }));
}

function caught(f: () => unknown): BnextError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BnextError);
    return err as BnextError;
  }
  throw new Error('expected a BnextError');
}

let ws: Map<string, Tensor>;
beforeAll(() => {
  ws = randomWeights(42);
});

const bytesOf = (a: Float32Array | Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameWeights(got: ReadonlyMap<string, Tensor>): void {
  expect([...got.keys()]).toEqual(specs.map((p) => p.name));
  for (const [name, t] of ws) {
    const g = got.get(name)!;
    expect(g.shape, name).toEqual(t.shape);
    // bitwise comparison (a deep toEqual over 30 M elements takes minutes)
    expect(g.data, name).toBeInstanceOf(Float32Array);
    expect(bytesOf(g.data).equals(bytesOf(t.data)), name).toBe(true);
  }
}

describe('saveWeights / loadWeights on BNext-Tiny (32x32, 10 classes)', () => {
  it('round-trips every tensor, in official order, with official dtypes', () => {
    const p = join(dir, 'tiny.safetensors');
    saveWeights(net, ws, p);
    const h = readSafetensorsHeader(p);
    expect(h.entries.map((e) => [e.name, e.dtype, e.shape])).toEqual(specs.map((s) => [s.name, s.dtype, s.shape]));
    expect(h.metadata?.['format']).toBe('pt');
    expectSameWeights(loadWeights(net, p));
  });

  it('strips the nn.DataParallel `module.` prefix when every name has it', () => {
    const p = join(dir, 'dp.safetensors');
    writeSafetensors(p, entriesOf(ws, (n) => `module.${n}`));
    expectSameWeights(loadWeights(net, p));
  });

  it('reports every missing, unexpected and wrongly shaped tensor in one error', () => {
    const p = join(dir, 'mismatch.safetensors');
    const drop = new Set(['feature.1.Attention.norm1.running_var', 'fc.bias']);
    const entries = entriesOf(ws).filter((e) => !drop.has(e.name));
    const fix = (name: string, shape: number[]): void => {
      const e = entries.findIndex((x) => x.name === name);
      entries[e] = { ...entries[e]!, tensor: { shape, data: entries[e]!.tensor.data } };
    };
    const scale = specs.find((s) => s.name === 'feature.2.Attention.scale')!;
    fix('feature.2.Attention.scale', [scale.shape[1]!]); // [C] where [1, C, 1, 1] is expected
    fix('fc.weight', [...specs.find((s) => s.name === 'fc.weight')!.shape].reverse());
    entries.push({ name: 'extra.one', dtype: 'F32', tensor: { shape: [3], data: new Float32Array(3) } });
    entries.push({ name: 'module.fc.bias', dtype: 'F32', tensor: { shape: [10], data: new Float32Array(10) } });
    writeSafetensors(p, entries);
    const e = caught(() => loadWeights(net, p));
    expect(e.code).toBe('E_WEIGHTS');
    expect(e.location.file).toBe(p);
    expect(e.message).toContain('2 missing, 2 unexpected, 2 with wrong shape');
    const C = scale.shape[1]!;
    expect(e.details).toEqual([
      'missing: feature.1.Attention.norm1.running_var [32]',
      'missing: fc.bias [10]',
      'unexpected: extra.one [3]',
      'unexpected: module.fc.bias [10]',
      `wrong shape: feature.2.Attention.scale: expected [1, ${C}, 1, 1], got [${C}]`,
      'wrong shape: fc.weight: expected [10, 1024], got [1024, 10]',
    ]);
  });

  it('caps the detail list with "... and N more"', () => {
    const p = join(dir, 'one.safetensors');
    writeSafetensors(p, [{ name: 'fc.bias', dtype: 'F32', tensor: ws.get('fc.bias')! }]);
    const e = caught(() => loadWeights(net, p));
    expect(e.message).toContain(`${specs.length - 1} missing, 0 unexpected, 0 with wrong shape`);
    expect(e.details).toHaveLength(51);
    expect(e.details[50]).toBe(`... and ${specs.length - 1 - 50} more`);
  });

  it('rejects NaN/inf in a used tensor, naming it, and ignores unused buffers', () => {
    const used = 'feature.3.FFN.binary_conv.weight';
    const bad = new Map(ws);
    const data = Float32Array.from(ws.get(used)!.data);
    data[17] = NaN;
    bad.set(used, { shape: ws.get(used)!.shape, data });
    const p = join(dir, 'nan.safetensors');
    writeSafetensors(p, entriesOf(bad));
    const e = caught(() => loadWeights(net, p));
    expect(e.code).toBe('E_NAN');
    expect(e.location.field).toBe(used);
    expect(e.message).toContain(`tensor '${used}' contains NaN at flat index 17`);

    const unused = specs.find((s) => !s.used && s.dtype === 'F32')!.name;
    const ok = new Map(ws);
    ok.set(unused, { shape: ws.get(unused)!.shape, data: new Float32Array(ws.get(unused)!.data.length).fill(Infinity) });
    writeSafetensors(p, entriesOf(ok));
    expect(loadWeights(net, p).get(unused)!.data[0]).toBe(Infinity);
  });

  it('saveWeights reports missing and unexpected names and writes nothing', () => {
    const p = join(dir, 'partial.safetensors');
    const part = new Map(ws);
    part.delete('fc.weight');
    part.set('bogus', { shape: [1], data: new Float32Array(1) });
    const e = caught(() => saveWeights(net, part, p));
    expect(e.code).toBe('E_WEIGHTS');
    expect(e.details).toEqual(['missing: fc.weight [10, 1024]', 'unexpected: bogus']);
    expect(existsSync(p)).toBe(false);
  });
});

describe('weight helpers', () => {
  it('binarySign follows PyTorch sign (0 stays 0)', () => {
    expect([...binarySign({ shape: [7], data: new Float32Array([0.5, -0.25, 0, -0, 1e-40, -1e-40, -Infinity]) })]).toEqual([
      1, -1, 0, 0, 1, -1, -1,
    ]);
    expect(caught(() => binarySign({ shape: [2], data: new Float64Array([1, NaN]) })).code).toBe('E_NAN');
  });

  it('param and binaryWeights look tensors up by official name', () => {
    const name = 'feature.1.Attention';
    const w = ws.get(`${name}.binary_conv.weight`)!;
    const b = binaryWeights(ws, name);
    expect(b.shape).toEqual(w.shape);
    expect(b.sign.every((s, k) => s === Math.sign(w.data[k]!))).toBe(true);
    expect(param(ws, 'fc.bias')).toBe(ws.get('fc.bias'));
    const e = caught(() => param(ws, 'fc.nope'));
    expect(e.code).toBe('E_WEIGHTS');
    expect(e.message).toContain("'fc.nope'");
  });
});
