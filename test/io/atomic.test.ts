import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { describeFsError, readFileChecked, writeFileAtomic, writeFileAtomicWith } from '../../src/io/atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `f`, expecting a BnextError, and returns it. */
function caught(f: () => unknown): BnextError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BnextError);
    return err as BnextError;
  }
  throw new Error('expected a BnextError');
}

describe('writeFileAtomic', () => {
  it('writes bytes and strings and replaces an existing file, leaving no temporary file', () => {
    const sub = join(dir, 'ok');
    mkdirSync(sub);
    const p = join(sub, 'out.bin');
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(p)]).toEqual([1, 2, 3]);
    writeFileAtomic(p, 'héllo');
    expect(readFileSync(p, 'utf8')).toBe('héllo');
    expect(readdirSync(sub)).toEqual(['out.bin']);
  });

  it('fails with E_FILE naming the path when the folder does not exist, and creates nothing', () => {
    const p = join(dir, 'no-such-folder', 'out.npy');
    const e = caught(() => writeFileAtomic(p, 'x'));
    expect(e.code).toBe('E_FILE');
    expect(e.message).toContain(p);
    expect(e.message).toContain('does not exist');
    expect(e.location.file).toBe(p);
    expect(readdirSync(dir).includes('no-such-folder')).toBe(false);
  });

  it('keeps the old file and removes the temporary file when the producer fails half-way', () => {
    const sub = join(dir, 'fail');
    mkdirSync(sub);
    const p = join(sub, 'out.bin');
    writeFileSync(p, 'old');
    expect(() =>
      writeFileAtomicWith(p, (write) => {
        write(new Uint8Array(1000).fill(7));
        throw new Error('disk exploded');
      }),
    ).toThrow(/cannot write .*disk exploded/);
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(sub)).toEqual(['out.bin']);
  });

  it('passes a BnextError from the producer through unchanged', () => {
    const p = join(dir, 'never.bin');
    const e = caught(() =>
      writeFileAtomicWith(p, () => {
        throw new BnextError('E_SAFETENSORS', 'bad tensor');
      }),
    );
    expect(e.code).toBe('E_SAFETENSORS');
    expect(readdirSync(dir).some((f) => f.includes('never.bin'))).toBe(false);
  });

  it('refuses to replace a folder', () => {
    const sub = join(dir, 'a-folder');
    mkdirSync(sub);
    const e = caught(() => writeFileAtomic(sub, 'x'));
    expect(e.code).toBe('E_FILE');
    expect(e.message).toContain(`cannot write '${sub}'`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('readFileChecked', () => {
  it('reads a file', () => {
    const p = join(dir, 'r.txt');
    writeFileSync(p, 'abc');
    expect(readFileChecked(p).toString()).toBe('abc');
  });

  it('names a missing file and a folder in plain words', () => {
    const missing = join(dir, 'missing.npy');
    const e1 = caught(() => readFileChecked(missing));
    expect(e1.code).toBe('E_FILE');
    expect(e1.message).toBe(`cannot read '${missing}': no such file or folder`);
    const e2 = caught(() => readFileChecked(dir));
    expect(e2.message).toBe(`cannot read '${dir}': it is a folder, not a file`);
  });

  it('maps permission errors to plain words', () => {
    const err = Object.assign(new Error('EACCES: permission denied, open x'), { code: 'EACCES' });
    expect(describeFsError(err)).toBe('permission denied');
    expect(describeFsError(Object.assign(new Error('odd'), { code: 'EWHATEVER' }))).toBe('odd');
  });
});
