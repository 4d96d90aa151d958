/**
 * Test helper: reads the header and the scope hierarchy of an FST waveform (the format GTKWave
 * reads; blocks and records as in GTKWave's fstapi.c): the header block's counts and the
 * hierarchy block (gzip, LZ4 or double LZ4) decoded into dotted scope paths.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** FST block types used here. */
const BL_HDR = 0;
const BL_HIER = 4;
const BL_HIER_LZ4 = 6;
const BL_HIER_LZ4DUO = 7;
/** Hierarchy record tags. */
const ST_SCOPE = 254;
const ST_UPSCOPE = 255;
const ST_ATTRBEGIN = 252;
const ST_ATTREND = 253;

/** What {@link readFst} finds. */
export interface FstInfo {
  /** Header: scopes and variables the writer declared, first and last time. */
  readonly header: { readonly scopes: number; readonly vars: number; readonly startTime: bigint; readonly endTime: bigint; readonly version: string };
  /** Every scope as a dotted path from the root, e.g. `TOP.small_top.u_feature_0_conv_mvau`. */
  readonly scopes: readonly string[];
  /** Number of variable records in the hierarchy. */
  readonly vars: number;
}

/** Decompresses one LZ4 block (no frame header) of known output size. */
function lz4Block(src: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  let i = 0;
  let o = 0;
  const length = (n: number): number => {
    if (n !== 15) return n;
    let b: number;
    do {
      b = src[i++]!;
      n += b;
    } while (b === 255);
    return n;
  };
  while (i < src.length) {
    const token = src[i++]!;
    const lit = length(token >> 4);
    src.copy(out, o, i, i + lit);
    i += lit;
    o += lit;
    if (i >= src.length) break; // the last sequence has literals only
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    const match = length(token & 15) + 4;
    for (let k = 0; k < match; k++, o++) out[o] = out[o - offset]!;
  }
  if (o !== size) throw new Error(`LZ4 block decoded to ${o} bytes, expected ${size}`);
  return out;
}

function varint(b: Buffer, at: { p: number }): number {
  let v = 0;
  let shift = 0;
  for (;;) {
    const x = b[at.p++]!;
    v += (x & 0x7f) * 2 ** shift;
    if (!(x & 0x80)) return v;
    shift += 7;
  }
}

function cstr(b: Buffer, at: { p: number }): string {
  const end = b.indexOf(0, at.p);
  const s = b.toString('latin1', at.p, end);
  at.p = end + 1;
  return s;
}

/** Reads an FST file's header and scope hierarchy; throws on anything that is not FST. */
export function readFst(path: string): FstInfo {
  const b = readFileSync(path);
  if (b[0] !== BL_HDR) throw new Error(`${path}: not an FST file (first block type ${b[0]})`);
  const h = 9;
  const header = {
    startTime: b.readBigUInt64BE(h),
    endTime: b.readBigUInt64BE(h + 8),
    scopes: Number(b.readBigUInt64BE(h + 32)),
    vars: Number(b.readBigUInt64BE(h + 40)),
    version: b.toString('latin1', h + 65, h + 65 + 128).replace(/\0.*$/s, ''),
  };
  let hier: Buffer | undefined;
  for (let p = 0; p < b.length; ) {
    const type = b[p]!;
    const len = Number(b.readBigUInt64BE(p + 1));
    const body = b.subarray(p + 9, p + 1 + len);
    if (type === BL_HIER) hier = gunzipSync(body.subarray(8));
    else if (type === BL_HIER_LZ4) hier = lz4Block(body.subarray(8), Number(body.readBigUInt64BE(0)));
    else if (type === BL_HIER_LZ4DUO) {
      const once = lz4Block(body.subarray(16), Number(body.readBigUInt64BE(8)));
      hier = lz4Block(once, Number(body.readBigUInt64BE(0)));
    }
    p += 1 + len;
  }
  if (!hier) throw new Error(`${path}: no hierarchy block`);
  const scopes: string[] = [];
  const stack: string[] = [];
  let vars = 0;
  const at = { p: 0 };
  while (at.p < hier.length) {
    const tag = hier[at.p++]!;
    if (tag === ST_SCOPE) {
      at.p++; // scope type
      stack.push(cstr(hier, at));
      cstr(hier, at); // component
      scopes.push(stack.join('.'));
    } else if (tag === ST_UPSCOPE) stack.pop();
    else if (tag === ST_ATTRBEGIN) {
      at.p += 2;
      cstr(hier, at);
      varint(hier, at);
    } else if (tag === ST_ATTREND) continue;
    else {
      at.p++; // direction
      cstr(hier, at);
      varint(hier, at); // length
      varint(hier, at); // alias
      vars++;
    }
  }
  return { header, scopes, vars };
}
