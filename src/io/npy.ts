/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): the exchange format for input images,
 * intermediate dumps and golden outputs. Reading accepts little-endian float32 (`<f4`) and float64
 * (`<f8`) arrays in C order of any shape; writing produces float32 version 1.0 exactly as
 * `numpy.save` lays it out (header padded with spaces to a 64-byte boundary).
 *
 * Format reference: numpy/lib/format.py (magic `\x93NUMPY`, major, minor, a little-endian header
 * length of 2 bytes (1.0) or 4 bytes (2.0, 3.0), then a Python dict literal, then the raw data).
 */
import { fail } from '../diag.js';
import { firstNonFinite, sizeOf, type Tensor } from '../tensor.js';
import { readFileChecked, writeFileAtomic } from './atomic.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** NumPy aligns the start of the data to this many bytes. */
const ARRAY_ALIGN = 64;
/** NumPy leaves room for this many digits in the first dimension (numpy.lib.format). */
const GROWTH_AXIS_MAX_DIGITS = 21;
const SUPPORTED = "little-endian float32 ('<f4') and float64 ('<f8')";

/** True when this machine stores numbers little-endian (then file bytes can be viewed directly). */
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A value of the Python literal subset that .npy headers use. */
type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Parses the Python dict literal of an .npy header (strings, ints, True/False/None, tuples, lists, dicts). */
function parsePyLiteral(text: string, file: string): PyValue {
  let i = 0;
  const bad = (what: string): never =>
    fail('E_NPY', `header is not a valid NumPy header: ${what} at character ${i} of ${JSON.stringify(text)}`, { file });
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) bad('unterminated string');
      const s = text.slice(i + 1, end);
      if (s.includes('\\')) bad('escaped string');
      i = end + 1;
      return s;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) break;
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) bad(`expected ',' or '${close}'`);
      }
      i++;
      return items;
    }
    if (c === '{') {
      i++;
      const obj: { [key: string]: PyValue } = {};
      for (;;) {
        ws();
        if (text[i] === '}') break;
        const k = value();
        if (typeof k !== 'string') bad('non-string key');
        ws();
        if (text[i] !== ':') bad("expected ':'");
        i++;
        obj[k as string] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') bad("expected ',' or '}'");
      }
      i++;
      return obj;
    }
    const m = /^(?:True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (!m) return bad('unexpected token');
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', ''));
  };
  const v = value();
  ws();
  if (i !== text.length) bad('trailing characters');
  return v;
}

/** Decodes the raw data of an .npy file (bytes after the header). */
function decode(bytes: Uint8Array, offset: number, count: number, itemSize: 4 | 8): Float32Array | Float64Array {
  const len = count * itemSize;
  if (LITTLE_ENDIAN_HOST) {
    // copy into a fresh, aligned buffer (the file's data offset need not be a multiple of 8)
    // (explicit copy: Buffer.prototype.slice would return a view of the whole file)
    const copy = new Uint8Array(len);
    copy.set(bytes.subarray(offset, offset + len));
    return itemSize === 4 ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, len);
  const out = itemSize === 4 ? new Float32Array(count) : new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = itemSize === 4 ? view.getFloat32(4 * k, true) : view.getFloat64(8 * k, true);
  return out;
}

/**
 * Parses the bytes of an .npy file. `nameForErrors` (usually the path) is named in every error.
 * `<f4` gives a Float32Array tensor, `<f8` a Float64Array tensor. Bytes after the array data are
 * ignored, as `numpy.load` does. Errors: E_NPY for a bad magic, a malformed or truncated header,
 * an unsupported dtype, Fortran order, or data shorter than the shape needs.
 */
export function parseNpy(bytes: Uint8Array, nameForErrors: string): Tensor {
  const file = nameForErrors;
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b))
    fail('E_NPY', 'not a NumPy .npy file (the file does not start with the magic bytes \\x93NUMPY)', { file });
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0)
    fail('E_NPY', `unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`, { file });
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail('E_NPY', 'file is truncated inside the header length', { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > bytes.length)
    fail('E_NPY', `file is truncated: the header needs ${headerLen} bytes but only ${bytes.length - 8 - lenBytes} follow`, { file });
  const headerBytes = bytes.subarray(8 + lenBytes, dataStart);
  let headerText: string;
  try {
    headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(headerBytes);
  } catch {
    fail('E_NPY', 'header is not valid UTF-8', { file });
  }
  const header = parsePyLiteral(headerText.trim(), file);
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    fail('E_NPY', 'header is not a dict', { file });
  for (const key of ['descr', 'fortran_order', 'shape'])
    if (!(key in header)) fail('E_NPY', `header has no '${key}' entry`, { file, field: key });

  const descr = header['descr'];
  if (typeof descr !== 'string')
    fail('E_NPY', `structured dtype ${JSON.stringify(descr)} is not supported (supported: ${SUPPORTED})`, { file, field: 'descr' });
  if (descr !== '<f4' && descr !== '<f8')
    fail('E_NPY', `dtype '${descr}' is not supported (supported: ${SUPPORTED}); convert with arr.astype('<f4')`, {
      file,
      field: 'descr',
    });
  if (header['fortran_order'] !== false)
    fail('E_NPY', 'Fortran-order arrays are not supported; save a C-order array (numpy.ascontiguousarray)', {
      file,
      field: 'fortran_order',
    });
  const shape = header['shape'];
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0))
    fail('E_NPY', `shape ${JSON.stringify(shape)} is not a tuple of non-negative integers`, { file, field: 'shape' });
  const dims = shape as number[];
  const itemSize = descr === '<f4' ? 4 : 8;
  const count = sizeOf(dims);
  const need = count * itemSize;
  const have = bytes.length - dataStart;
  if (have < need)
    fail('E_NPY', `file is truncated: shape (${dims.join(', ')}) of ${descr} needs ${need} data bytes but only ${have} are present`, {
      file,
    });
  return { shape: dims, data: decode(bytes, dataStart, count, itemSize) };
}

/** Reads an .npy file (see {@link parseNpy}); E_FILE if it cannot be read. */
export function readNpy(path: string): Tensor {
  return parseNpy(readFileChecked(path), path);
}

/**
 * The bytes of a float32 .npy file holding `t` (float64 data is rounded to float32), byte-identical
 * to `numpy.save` (NumPy 2): version 1.0, the dict's keys sorted, spare spaces after the dict so the
 * first axis can grow in place, then spaces and a newline up to a 64-byte boundary.
 */
export function encodeNpy(t: Tensor): Uint8Array {
  const dims = t.shape.map(String);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  const growth = dims.length > 0 ? ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - dims[0]!.length)) : '';
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }${growth}`;
  // version 1.0 holds headers up to 65535 bytes; a longer one (thousands of dimensions) needs 2.0
  const major = 10 + dict.length + 1 + ARRAY_ALIGN <= 0xffff ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  const pad = ARRAY_ALIGN - ((prefix + dict.length + 1) % ARRAY_ALIGN);
  const headerText = `${dict}${' '.repeat(pad)}\n`;
  const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  const out = new Uint8Array(prefix + headerText.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerText.length, true);
  else view.setUint32(8, headerText.length, true);
  out.set(Buffer.from(headerText, 'latin1'), prefix);
  const start = prefix + headerText.length;
  if (LITTLE_ENDIAN_HOST) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), start);
  else for (let k = 0; k < data.length; k++) view.setFloat32(start + 4 * k, data[k]!, true);
  return out;
}

/** Writes `t` as a float32 version 1.0 .npy file, atomically; E_FILE on failure. */
export function writeNpy(path: string, t: Tensor): void {
  if (sizeOf(t.shape) !== t.data.length)
    fail('E_SHAPE', `tensor of shape [${t.shape.join(', ')}] has ${t.data.length} values`, { file: path });
  writeFileAtomic(path, encodeNpy(t));
}

/** Multi-index of flat position `flat` in a C-order tensor of `shape`. */
export function unflatIndex(shape: readonly number[], flat: number): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = n > 0 ? rest % n : 0;
    rest = n > 0 ? Math.floor(rest / n) : 0;
  }
  return idx;
}

/**
 * Rejects NaN and infinity: E_NAN naming `file` (and `field`, e.g. a tensor name, if given), the
 * first offending flat index, its multi-index (labelled n, c, h, w for a 4-D tensor) and its value.
 */
export function checkFinite(t: Tensor, file: string, field?: string): void {
  const at = firstNonFinite(t.data);
  if (at < 0) return;
  const idx = unflatIndex(t.shape, at);
  const where =
    t.shape.length === 4 ? `n=${idx[0]}, c=${idx[1]}, h=${idx[2]}, w=${idx[3]}` : `index (${idx.join(', ')})`;
  const what = field ? `tensor '${field}'` : `tensor of shape [${t.shape.join(', ')}]`;
  fail('E_NAN', `${what} contains ${t.data[at]} at flat index ${at} (${where}); values must be finite`, field ? { file, field } : { file });
}
