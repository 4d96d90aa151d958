import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { checkFinite, encodeNpy, parseNpy, readNpy, writeNpy } from '../../src/io/npy.js';
import type { Tensor } from '../../src/tensor.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Output of `numpy.save` (NumPy 2.4.6) for three arrays, base64. */
const NUMPY_SAVED = {
  // np.arange(6, dtype='<f4').reshape(2, 3)
  arange23:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPwAAAEAAAEBAAACAQAAAoEA=',
  // np.array([1.5, -2], dtype='<f4')
  vec: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwA==',
  // np.array(3.25, dtype='<f4')
  scalar:
    'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAFBA',
};
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** Hand-built .npy bytes: any version, any header text, any data bytes. */
function npyBytes(major: number, header: string, data: Uint8Array, pad = true): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  let h = header;
  if (pad) while ((prefix + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const hb = Buffer.from(h, major === 3 ? 'utf8' : 'latin1');
  const out = new Uint8Array(prefix + hb.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const v = new DataView(out.buffer);
  if (major === 1) v.setUint16(8, hb.length, true);
  else v.setUint32(8, hb.length, true);
  out.set(hb, prefix);
  out.set(data, prefix + hb.length);
  return out;
}
const f32 = (xs: number[]): Uint8Array => new Uint8Array(new Float32Array(xs).buffer);
const f64 = (xs: number[]): Uint8Array => new Uint8Array(new Float64Array(xs).buffer);

function caught(f: () => unknown): BnextError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BnextError);
    return err as BnextError;
  }
  throw new Error('expected a BnextError');
}

describe('reading .npy', () => {
  it('reads files written by numpy.save', () => {
    const a = parseNpy(b64(NUMPY_SAVED.arange23), 'a.npy');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect([...a.data]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parseNpy(b64(NUMPY_SAVED.vec), 'v.npy')).toEqual({ shape: [2], data: new Float32Array([1.5, -2]) });
    expect(parseNpy(b64(NUMPY_SAVED.scalar), 's.npy')).toEqual({ shape: [], data: new Float32Array([3.25]) });
  });

  it('reads a version 2.0 float64 4-D array as float64', () => {
    const vals = [0.1, -0.2, 1e300, 5, 6, 7, 8, 9];
    const t = parseNpy(npyBytes(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1, 2, 2), }", f64(vals)), 'x.npy');
    expect(t.shape).toEqual([2, 1, 2, 2]);
    expect(t.data).toBeInstanceOf(Float64Array);
    expect([...t.data]).toEqual(vals);
  });

  it('reads version 3.0, unpadded headers (unaligned data), Python 2 longs and double quotes', () => {
    const v3 = parseNpy(npyBytes(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32([1, 2, 3])), 'v3.npy');
    expect([...v3.data]).toEqual([1, 2, 3]);
    const odd = parseNpy(npyBytes(1, `{"shape": (1L, 3L), "fortran_order": False, "descr": "<f8"}`, f64([4, 5, 6]), false), 'odd.npy');
    expect(odd.shape).toEqual([1, 3]);
    expect([...odd.data]).toEqual([4, 5, 6]);
  });

  it('ignores bytes after the data, as numpy.load does', () => {
    const bytes = npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f32([1, 2, 99]));
    expect([...parseNpy(bytes, 'x.npy').data]).toEqual([1, 2]);
  });
});

describe('rejecting bad .npy files', () => {
  const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  const cases: [string, Uint8Array, RegExp][] = [
    ['bad magic', new Uint8Array(Buffer.from('PK\x03\x04 this is a zip file')), /magic bytes/],
    ['truncated data', npyBytes(1, good, f32([1, 2, 3])), /truncated: shape \(2, 2\) of <f4 needs 16 data bytes but only 12/],
    ['truncated header', npyBytes(1, good, f32([1, 2, 3, 4])).subarray(0, 40), /truncated: the header needs/],
    ['Fortran order', npyBytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f32([1, 2, 3, 4])), /Fortran-order/],
    ['big-endian', npyBytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", f32([1, 2, 3, 4])), /dtype '>f4' is not supported \(supported: little-endian float32 \('<f4'\) and float64 \('<f8'\)\)/],
    ['int32', npyBytes(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", f32([1, 2, 3, 4])), /dtype '<i4' is not supported/],
    ['structured', npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", f32([1, 2])), /structured dtype/],
    ['no shape', npyBytes(1, "{'descr': '<f4', 'fortran_order': False}", f32([1])), /no 'shape' entry/],
    ['negative dim', npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", f32([1])), /non-negative integers/],
    ['garbage header', npyBytes(1, "{'descr': <f4}", f32([1])), /not a valid NumPy header/],
    ['version 4.0', npyBytes(3, good, f32([1, 2, 3, 4])).map((b, k) => (k === 6 ? 4 : b)), /version 4\.0/],
  ];
  for (const [what, bytes, re] of cases)
    it(what, () => {
      const e = caught(() => parseNpy(bytes, 'in.npy'));
      expect(e.code).toBe('E_NPY');
      expect(e.location.file).toBe('in.npy');
      expect(e.message).toMatch(re);
    });

  it('a missing file is E_FILE', () => {
    const p = join(dir, 'nope.npy');
    expect(caught(() => readNpy(p)).message).toBe(`cannot read '${p}': no such file or folder`);
  });
});

describe('writing .npy', () => {
  it('writes byte-identical to numpy.save', () => {
    expect(encodeNpy({ shape: [2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) })).toEqual(b64(NUMPY_SAVED.arange23));
    expect(encodeNpy({ shape: [2], data: new Float64Array([1.5, -2]) })).toEqual(b64(NUMPY_SAVED.vec));
    expect(encodeNpy({ shape: [], data: new Float32Array([3.25]) })).toEqual(b64(NUMPY_SAVED.scalar));
  });

  it('round-trips 1-D and 4-D tensors through a file, with 64-byte aligned data', () => {
    let s = 12345;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (const shape of [[7], [2, 3, 5, 4], [1, 1, 1, 1]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const t: Tensor = { shape, data: Float32Array.from({ length: n }, rnd) };
      const p = join(dir, `rt-${shape.length}.npy`);
      writeNpy(p, t);
      const bytes = readFileSync(p);
      expect(bytes.length - n * 4).toBe(128);
      expect(readNpy(p)).toEqual(t);
    }
  });

  it('rounds float64 to float32', () => {
    const p = join(dir, 'f64.npy');
    writeNpy(p, { shape: [2], data: new Float64Array([0.1, 1 / 3]) });
    expect(readNpy(p).data).toEqual(new Float32Array([0.1, 1 / 3]));
  });

  it('rejects a tensor whose data does not fill its shape, writing nothing', () => {
    const p = join(dir, 'bad.npy');
    writeFileSync(p, 'keep');
    expect(caught(() => writeNpy(p, { shape: [2, 2], data: new Float32Array(3) })).code).toBe('E_SHAPE');
    expect(readFileSync(p, 'utf8')).toBe('keep');
  });
});

describe('checkFinite', () => {
  it('accepts finite values', () => {
    expect(() => checkFinite({ shape: [2], data: new Float32Array([1, -1e30]) }, 'x.npy')).not.toThrow();
  });

  it('names the file, the flat index and the NCHW index of the first NaN/inf', () => {
    const shape = [2, 3, 4, 5];
    const data = new Float32Array(120);
    const [n, c, h, w] = [1, 2, 3, 0];
    const flat = ((n * 3 + c) * 4 + h) * 5 + w;
    data[flat] = NaN;
    data[flat + 3] = Infinity;
    const e = caught(() => checkFinite({ shape, data }, 'img.npy'));
    expect(e.code).toBe('E_NAN');
    expect(e.location.file).toBe('img.npy');
    expect(e.message).toContain(`NaN at flat index ${flat} (n=1, c=2, h=3, w=0)`);
    const e2 = caught(() => checkFinite({ shape: [3, 2], data: new Float64Array([0, 0, 0, -Infinity, 0, 0]) }, 'y.npy', 'fc.weight'));
    expect(e2.message).toContain("tensor 'fc.weight' contains -Infinity at flat index 3 (index (1, 1))");
    expect(e2.location.field).toBe('fc.weight');
  });
});
