/**
 * File access with user-facing errors. Outputs are written to a temporary file in the target's
 * folder, flushed, and renamed over the target, so a failure (a bad path, a full disk, an exception
 * while producing the data) never leaves a partial output behind. Every failure is one
 * `BnextError` with code E_FILE that names the path and says what went wrong in plain words.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BnextError, fail } from '../diag.js';

/** Plain words for the common file-system error codes; other errors keep Node's message. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

/** Throws E_FILE `cannot <verb> '<path>': <reason>`; a BnextError passes through unchanged. */
export function fileFail(verb: string, path: string, err: unknown): never {
  if (err instanceof BnextError) throw err;
  fail('E_FILE', `cannot ${verb} '${path}': ${describeFsError(err)}`, { file: path });
}

/** Reads a whole file; E_FILE `cannot read` on failure (missing file, a folder, no permission). */
export function readFileChecked(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    fileFail('read', path, err);
  }
}

/** Opens a file for reading and returns its descriptor; E_FILE `cannot read` on failure. */
export function openForRead(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    fileFail('read', path, err);
  }
}

/** Largest single write() call (Node and some kernels reject or split larger ones). */
const MAX_WRITE = 1 << 30;

/** Appends a chunk to the file being written (see {@link writeFileAtomicWith}). */
export type ChunkWriter = (chunk: Uint8Array) => void;

/**
 * Writes a file atomically from a producer that emits it in chunks (so a multi-gigabyte output
 * never has to sit in memory as one buffer). The producer may throw: the temporary file is then
 * removed, the target is left as it was, and the error propagates (a non-BnextError becomes E_FILE).
 */
export function writeFileAtomicWith(path: string, produce: (write: ChunkWriter) => void): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const out = fd;
    produce((chunk) => {
      let done = 0;
      while (done < chunk.byteLength) done += writeSync(out, chunk, done, Math.min(chunk.byteLength - done, MAX_WRITE));
    });
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created, or is already gone
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fd === undefined && !(err instanceof BnextError))
      fail('E_FILE', `cannot write '${path}': the folder '${dirname(path)}' does not exist`, { file: path });
    fileFail('write', path, err);
  }
}

/** Writes `data` (bytes, or a string as UTF-8) to `path` atomically; E_FILE `cannot write` on failure. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeFileAtomicWith(path, (write) => write(bytes));
}
