import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from '../../src/io/safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
/** Writes a hand-built safetensors file: 8-byte length, the header text as given, then `data`. */
function handFile(header: string | object, data: Uint8Array = new Uint8Array(0), lengthField?: bigint): string {
  const h = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  const p = join(dir, `hand-${fileNo++}.safetensors`);
  writeFileSync(p, out);
  return p;
}
const u16 = (xs: number[]): Uint8Array => {
  const b = new Uint8Array(xs.length * 2);
  xs.forEach((x, k) => new DataView(b.buffer).setUint16(2 * k, x, true));
  return b;
};
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function caught(f: () => unknown): BnextError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BnextError);
    return err as BnextError;
  }
  throw new Error('expected a BnextError');
}

describe('reading safetensors', () => {
  it('decodes F16, BF16, F64, I64 and F32 exactly', () => {
    const f16 = u16([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555, 0x8000, 0x7c00, 0xfc00, 0x7e00]);
    const bf16 = u16([0x3f80, 0xc040, 0x4049, 0x0001]);
    const f64 = new Uint8Array(new Float64Array([0.1, -1e10]).buffer);
    const i64 = new Uint8Array(new BigInt64Array([-5n, 1n << 40n]).buffer);
    const f32 = new Uint8Array(new Float32Array([0.5, -0.25, 7]).buffer);
    const p = handFile(
      {
        __metadata__: { format: 'pt' },
        h: { dtype: 'F16', shape: [2, 5], data_offsets: [0, 20] },
        b: { dtype: 'BF16', shape: [4], data_offsets: [20, 28] },
        d: { dtype: 'F64', shape: [2], data_offsets: [28, 44] },
        i: { dtype: 'I64', shape: [], data_offsets: [44, 52] },
        j: { dtype: 'I64', shape: [1], data_offsets: [52, 60] },
        f: { dtype: 'F32', shape: [3, 1], data_offsets: [60, 72] },
      },
      concat(f16, bf16, f64, i64, f32),
    );
    const m = readSafetensors(p);
    expect([...m.keys()]).toEqual(['h', 'b', 'd', 'i', 'j', 'f']);
    const h = m.get('h')!;
    expect(h.shape).toEqual([2, 5]);
    expect([...h.data]).toEqual([1, -2, 65504, 2 ** -24, 2 ** -14, 0.333251953125, -0, Infinity, -Infinity, NaN]);
    expect(Object.is(h.data[6], -0)).toBe(true);
    expect([...m.get('b')!.data]).toEqual([1, -3, 3.140625, 2 ** -133]);
    expect([...m.get('d')!.data]).toEqual([Math.fround(0.1), -1e10]);
    expect(m.get('i')).toEqual({ shape: [], data: new Float32Array([-5]) });
    expect([...m.get('j')!.data]).toEqual([2 ** 40]);
    expect(m.get('f')).toEqual({ shape: [3, 1], data: new Float32Array([0.5, -0.25, 7]) });
    expect(readSafetensorsHeader(p).metadata).toEqual({ format: 'pt' });
  });

  it('reads only the selected tensors', () => {
    const p = handFile(
      { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } },
      new Uint8Array(new Float32Array([1, 2]).buffer),
    );
    expect([...readSafetensors(p, { select: (n) => n === 'b' }).keys()]).toEqual(['b']);
  });
});

describe('rejecting bad safetensors files', () => {
  const four = new Uint8Array(16);
  const cases: [string, () => string, RegExp][] = [
    ['oversized header', () => handFile('{}', four, 100n * 1024n * 1024n + 1n), /header of 104857601 bytes exceeds the 100 MiB limit/],
    ['huge length field', () => handFile('{}', four, 0xffffffffffffffffn), /header of 18446744073709551615 bytes exceeds/],
    ['header longer than file', () => handFile('{}', four, 1000n), /truncated: the header claims 1000 bytes but only 18 follow/],
    ['shorter than 8 bytes', () => {
      const p = join(dir, 'tiny.safetensors');
      writeFileSync(p, new Uint8Array(5));
      return p;
    }, /too short for the 8-byte header length/],
    ['invalid JSON', () => handFile('{"a": ', four), /header is not valid JSON/],
    ['not an object', () => handFile('[1, 2]', four), /header is not a JSON object/],
    ['unknown dtype', () => handFile({ w: { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, four), /tensor 'w' has dtype "I8", which is not supported \(supported: F32, F16, BF16, F64, I64\)/],
    ['bad shape', () => handFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, four), /tensor 'w' has shape \[-1\]/],
    ['reversed offsets', () => handFile({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, four), /data_offsets \[8,4\]/],
    ['offsets out of range', () => handFile({ w: { dtype: 'F32', shape: [2], data_offsets: [12, 20] } }, four), /tensor 'w' has data_offsets \[12, 20\] beyond the end of the data area \(16 bytes\)/],
    ['length/shape mismatch', () => handFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, four), /needs 12 bytes but data_offsets \[0, 8\] span 8/],
    ['overlapping offsets', () =>
      handFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, four),
      /tensors 'a' \[0, 8\] and 'b' \[4, 12\] have overlapping data_offsets/],
    ['bad metadata', () => handFile({ __metadata__: { n: 1 } }, four), /__metadata__ must be an object of string values/],
  ];
  for (const [what, make, re] of cases)
    it(what, () => {
      const p = make();
      const e = caught(() => readSafetensors(p));
      expect(e.code).toBe('E_SAFETENSORS');
      expect(e.location.file).toBe(p);
      expect(e.message).toMatch(re);
    });

  it('a truncated file (valid header, data cut short)', () => {
    const p = join(dir, 'cut.safetensors');
    writeSafetensors(p, [{ name: 'w', dtype: 'F32', tensor: { shape: [4], data: new Float32Array([1, 2, 3, 4]) } }]);
    const whole = readFileSync(p);
    writeFileSync(p, whole.subarray(0, whole.length - 3));
    expect(caught(() => readSafetensors(p)).message).toMatch(/tensor 'w' has data_offsets \[0, 16\] beyond the end of the data area \(13 bytes\)/);
  });

  it('a missing file is E_FILE', () => {
    const p = join(dir, 'nope.safetensors');
    const e = caught(() => readSafetensors(p));
    expect(e.code).toBe('E_FILE');
    expect(e.message).toBe(`cannot read '${p}': no such file or folder`);
  });
});

describe('writing safetensors', () => {
  it('round-trips F32 and I64 (scalar included) in the given order, header padded to 8', () => {
    const p = join(dir, 'rt.safetensors');
    const entries = [
      { name: 'z.weight', dtype: 'F32' as const, tensor: { shape: [2, 1, 1, 2], data: new Float32Array([0.5, -1.25, 3, 1e-20]) } },
      { name: '10', dtype: 'F32' as const, tensor: { shape: [1], data: new Float64Array([0.1]) } },
      { name: '2', dtype: 'I64' as const, tensor: { shape: [], data: new Float32Array([123456]) } },
      { name: 'a.bias', dtype: 'F32' as const, tensor: { shape: [0], data: new Float32Array(0) } },
    ];
    writeSafetensors(p, entries, { format: 'pt', note: 'x' });
    const bytes = readFileSync(p);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const json = bytes.subarray(8, 8 + n).toString('utf8');
    // names in the given order even where JavaScript objects would reorder integer-like keys
    expect([...json.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1])).toEqual(['z.weight', '10', '2', 'a.bias']);
    expect(json.startsWith('{"__metadata__":{"format":"pt","note":"x"}')).toBe(true);
    expect(bytes.length).toBe(8 + n + 16 + 4 + 8);
    expect(bytes.readBigInt64LE(8 + n + 20)).toBe(123456n);
    const m = readSafetensors(p);
    expect(m.get('z.weight')).toEqual(entries[0]!.tensor);
    expect(m.get('10')).toEqual({ shape: [1], data: new Float32Array([0.1]) });
    expect(m.get('2')).toEqual({ shape: [], data: new Float32Array([123456]) });
    expect(m.get('a.bias')).toEqual({ shape: [0], data: new Float32Array(0) });
    const h = readSafetensorsHeader(p);
    expect(h.entries.map((e) => [e.name, e.dtype, e.begin, e.end])).toEqual([
      ['z.weight', 'F32', 0, 16],
      ['10', 'F32', 16, 20],
      ['2', 'I64', 20, 28],
      ['a.bias', 'F32', 28, 28],
    ]);
  });

  it('rejects duplicates, non-integer I64 values and bad lengths without writing anything', () => {
    const p = join(dir, 'bad-out.safetensors');
    const t = { shape: [2], data: new Float32Array([1, 2]) };
    expect(caught(() => writeSafetensors(p, [{ name: 'a', dtype: 'F32', tensor: t }, { name: 'a', dtype: 'F32', tensor: t }])).message).toMatch(/used twice/);
    const e = caught(() => writeSafetensors(p, [{ name: 'n', dtype: 'I64', tensor: { shape: [2], data: new Float32Array([1, 2.5]) } }]));
    expect(e.message).toMatch(/tensor 'n' is written as I64 but holds 2.5 at flat index 1/);
    expect(caught(() => writeSafetensors(p, [{ name: 'a', dtype: 'F32', tensor: { shape: [3], data: new Float32Array(2) } }])).code).toBe('E_SHAPE');
    expect(readdirSync(dir).filter((f) => f.includes('bad-out'))).toEqual([]);
  });
});
