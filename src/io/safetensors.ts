/**
 * `.safetensors` files (https://github.com/huggingface/safetensors): 8 bytes of little-endian
 * header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__"?: {string: string}}`, then the data area; offsets are relative to its start.
 *
 * Reading is synchronous and streams: the header is read first through a file descriptor and
 * validated completely (size limit, JSON, dtypes, shapes, offsets inside the data area and not
 * overlapping) before any tensor data is touched; then each tensor's byte range is read on its own,
 * so a 1.3 GB BNext-Large checkpoint is never held as one buffer. Every tensor is returned as
 * float32 (F16/BF16 decoded exactly, F64 rounded, I64 converted through Number).
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { fail } from '../diag.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { fileFail, openForRead, writeFileAtomicWith } from './atomic.js';
import { LITTLE_ENDIAN_HOST } from './npy.js';

/** Largest header accepted (the limit the reference implementation uses). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Element types this reader understands, with their sizes in bytes. */
export const SAFETENSORS_DTYPES = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8 } as const;
/** An element type this reader understands. */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** One tensor as the header describes it. */
export interface SafetensorsEntry {
  /** Tensor name exactly as in the file. */
  readonly name: string;
  /** Stored element type. */
  readonly dtype: SafetensorsDtype;
  /** Dimensions (empty for a scalar). */
  readonly shape: readonly number[];
  /** Byte range [begin, end) relative to the start of the data area. */
  readonly begin: number;
  readonly end: number;
}

/** A validated header. */
export interface SafetensorsHeader {
  /** Entries sorted by data offset (ties by name), i.e. in the order their data lies in the file. */
  readonly entries: readonly SafetensorsEntry[];
  /** The `__metadata__` map, if present. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Absolute file offset of the data area (8 + N). */
  readonly dataStart: number;
  /** Size of the file in bytes when the header was read. */
  readonly fileSize: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Validates the header JSON text against a file of `fileSize` bytes whose data starts at `dataStart`. */
export function parseSafetensorsHeader(json: string, dataStart: number, fileSize: number, file: string): SafetensorsHeader {
  const bad = (msg: string, field?: string): never => fail('E_SAFETENSORS', msg, field === undefined ? { file } : { file, field });
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch (err) {
    bad(`header is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(root)) return bad('header is not a JSON object');
  const dataSize = fileSize - dataStart;
  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, string> | undefined;
  for (const [name, v] of Object.entries(root)) {
    if (name === '__metadata__') {
      if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string'))
        bad('__metadata__ must be an object of string values', name);
      metadata = v as Record<string, string>;
      continue;
    }
    if (!isObject(v)) return bad(`entry of tensor '${name}' is not an object`, name);
    const { dtype, shape, data_offsets: offsets } = v;
    if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPES))
      bad(`tensor '${name}' has dtype ${JSON.stringify(dtype)}, which is not supported (supported: ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`, name);
    if (!Array.isArray(shape) || !shape.every(isCount))
      bad(`tensor '${name}' has shape ${JSON.stringify(shape)}; a shape is a list of non-negative integers`, name);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1])
      bad(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`, name);
    const [begin, end] = offsets as [number, number];
    const dt = dtype as SafetensorsDtype;
    const dims = shape as number[];
    if (end > dataSize)
      bad(
        `tensor '${name}' has data_offsets [${begin}, ${end}] beyond the end of the data area (${dataSize} bytes); the file is truncated or the header is wrong`,
        name,
      );
    const need = sizeOf(dims) * SAFETENSORS_DTYPES[dt];
    if (end - begin !== need)
      bad(`tensor '${name}' of dtype ${dt} and shape [${dims.join(', ')}] needs ${need} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`, name);
    entries.push({ name, dtype: dt, shape: dims, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let k = 1; k < entries.length; k++) {
    const p = entries[k - 1]!;
    const e = entries[k]!;
    if (e.begin < p.end)
      bad(`tensors '${p.name}' [${p.begin}, ${p.end}] and '${e.name}' [${e.begin}, ${e.end}] have overlapping data_offsets`, e.name);
  }
  return metadata ? { entries, metadata, dataStart, fileSize } : { entries, dataStart, fileSize };
}

/** Reads exactly `length` bytes at `position` into a fresh buffer; E_SAFETENSORS if the file ends early. */
function readRange(fd: number, position: number, length: number, file: string, what: string): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    let n: number;
    try {
      n = readSync(fd, out, done, Math.min(length - done, 1 << 30), position + done);
    } catch (err) {
      fileFail('read', file, err);
    }
    if (n === 0) fail('E_SAFETENSORS', `file is truncated inside ${what} (it changed while being read?)`, { file });
    done += n;
  }
  return out;
}

function readHeaderFd(fd: number, file: string): SafetensorsHeader {
  let fileSize: number;
  try {
    fileSize = fstatSync(fd).size;
  } catch (err) {
    fileFail('read', file, err);
  }
  if (fileSize < 8) fail('E_SAFETENSORS', `file is truncated: ${fileSize} bytes, too short for the 8-byte header length`, { file });
  const n = new DataView(readRange(fd, 0, 8, file, 'the header length').buffer).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    fail('E_SAFETENSORS', `header of ${n} bytes exceeds the 100 MiB limit (the file is not a safetensors file or is corrupt)`, { file });
  const headerLen = Number(n);
  if (headerLen + 8 > fileSize)
    fail('E_SAFETENSORS', `file is truncated: the header claims ${headerLen} bytes but only ${fileSize - 8} follow the length`, { file });
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(readRange(fd, 8, headerLen, file, 'the header'));
  } catch {
    fail('E_SAFETENSORS', 'header is not valid UTF-8', { file });
  }
  return parseSafetensorsHeader(json, 8 + headerLen, fileSize, file);
}

/** Reads and validates only the header of a .safetensors file (no tensor data is read). */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  const fd = openForRead(path);
  try {
    return readHeaderFd(fd, path);
  } finally {
    closeSync(fd);
  }
}

let halfTable: Float32Array | undefined;
/** Exact float32 value of every IEEE binary16 bit pattern. */
function halfToFloat(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) t[h] = sign * mant * 2 ** -24;
    else if (exp === 31) t[h] = mant === 0 ? sign * Infinity : NaN;
    else t[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return (halfTable = t);
}

/** Converts the raw little-endian bytes of one tensor to float32. */
export function decodeTensorBytes(bytes: Uint8Array, dtype: SafetensorsDtype): Float32Array {
  const count = bytes.byteLength / SAFETENSORS_DTYPES[dtype];
  if (dtype === 'F32' && LITTLE_ENDIAN_HOST && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    return new Float32Array(bytes.buffer); // a fresh buffer of exactly this tensor: view it, no copy
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
      else for (let k = 0; k < count; k++) out[k] = view.getFloat32(4 * k, true);
      break;
    case 'F64':
      for (let k = 0; k < count; k++) out[k] = view.getFloat64(8 * k, true);
      break;
    case 'F16': {
      const t = halfToFloat();
      for (let k = 0; k < count; k++) out[k] = t[view.getUint16(2 * k, true)]!;
      break;
    }
    case 'BF16': {
      // a bfloat16 is the upper half of a float32: same bits, host order on both views
      const bits = new Uint32Array(out.buffer);
      for (let k = 0; k < count; k++) bits[k] = view.getUint16(2 * k, true) << 16;
      break;
    }
    case 'I64':
      for (let k = 0; k < count; k++) out[k] = Number(view.getBigInt64(8 * k, true));
      break;
  }
  return out;
}

/** Options of {@link readSafetensors}. */
export interface ReadSafetensorsOptions {
  /** A header already read with {@link readSafetensorsHeader} (skips reading it again). */
  readonly header?: SafetensorsHeader;
  /** Read only the tensors whose names pass this test (the others are not read at all). */
  readonly select?: (name: string) => boolean;
}

/**
 * Reads a .safetensors file (synchronously): every tensor (or those `select` admits) as a float32
 * tensor, in file data order, keyed by the name in the file. Errors: E_FILE if the file cannot be
 * read; E_SAFETENSORS for an oversized or malformed header, an unsupported dtype, a bad shape,
 * offsets outside the data area, overlapping offsets, or a truncated file.
 */
export function readSafetensors(path: string, opts: ReadSafetensorsOptions = {}): Map<string, Tensor> {
  const fd = openForRead(path);
  try {
    const header = opts.header ?? readHeaderFd(fd, path);
    const out = new Map<string, Tensor>();
    for (const e of header.entries) {
      if (opts.select && !opts.select(e.name)) continue;
      const bytes = readRange(fd, header.dataStart + e.begin, e.end - e.begin, path, `tensor '${e.name}'`);
      out.set(e.name, { shape: [...e.shape], data: decodeTensorBytes(bytes, e.dtype) });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** One tensor to write. */
export interface SafetensorsWriteEntry {
  /** Tensor name as it will appear in the header. */
  readonly name: string;
  /** Stored element type: float32, or int64 (values must then be integers). */
  readonly dtype: 'F32' | 'I64';
  /** Shape and values (float64 data is rounded to float32 for F32). */
  readonly tensor: Tensor;
}

/** Tensor bytes in chunks of at most ~16 MiB, little-endian. */
function* encodeChunks(e: SafetensorsWriteEntry, file: string): Generator<Uint8Array> {
  const src = e.tensor.data;
  const per = 1 << 22; // elements per chunk
  for (let start = 0; start < src.length; start += per) {
    const part = src.subarray(start, Math.min(src.length, start + per));
    if (e.dtype === 'F32') {
      const f = part instanceof Float32Array && LITTLE_ENDIAN_HOST ? part : Float32Array.from(part);
      if (LITTLE_ENDIAN_HOST) yield new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
      else {
        const b = new Uint8Array(f.length * 4);
        const v = new DataView(b.buffer);
        for (let k = 0; k < f.length; k++) v.setFloat32(4 * k, f[k]!, true);
        yield b;
      }
    } else {
      const b = new Uint8Array(part.length * 8);
      const v = new DataView(b.buffer);
      for (let k = 0; k < part.length; k++) {
        const x = part[k]!;
        if (!Number.isSafeInteger(x))
          fail('E_SAFETENSORS', `tensor '${e.name}' is written as I64 but holds ${x} at flat index ${start + k}`, { file, field: e.name });
        v.setBigInt64(8 * k, BigInt(x), true);
      }
      yield b;
    }
  }
}

/**
 * Writes a .safetensors file atomically: `entries` in the given order (header and data), the header
 * JSON padded with spaces to a multiple of 8 bytes, `__metadata__` first when given. Duplicate
 * names, a tensor named `__metadata__`, a data length that does not match the shape, or a
 * non-integer I64 value are E_SAFETENSORS errors; nothing is written then.
 */
export function writeSafetensors(
  path: string,
  entries: readonly SafetensorsWriteEntry[],
  metadata?: Readonly<Record<string, string>>,
): void {
  const seen = new Set<string>();
  const parts: string[] = [];
  if (metadata) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const e of entries) {
    if (e.name === '__metadata__' || seen.has(e.name))
      fail('E_SAFETENSORS', `tensor name '${e.name}' is ${seen.has(e.name) ? 'used twice' : 'reserved'}`, { file: path, field: e.name });
    seen.add(e.name);
    const n = sizeOf(e.tensor.shape);
    if (n !== e.tensor.data.length)
      fail('E_SHAPE', `tensor '${e.name}' of shape [${e.tensor.shape.join(', ')}] has ${e.tensor.data.length} values`, { file: path, field: e.name });
    const end = offset + n * SAFETENSORS_DTYPES[e.dtype];
    parts.push(`${JSON.stringify(e.name)}:${JSON.stringify({ dtype: e.dtype, shape: e.tensor.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  let json = `{${parts.join(',')}}`;
  const len = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (len % 8)) % 8);
  const header = Buffer.from(json, 'utf8');
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  writeFileAtomicWith(path, (write) => {
    write(prefix);
    write(header);
    for (const e of entries) for (const chunk of encodeChunks(e, path)) write(chunk);
  });
}
