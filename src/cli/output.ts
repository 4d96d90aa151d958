/**
 * Where the CLI writes and how it formats: a small I/O seam (so tests can run commands in-process),
 * the global `--json` / `--quiet` modes, and number/table formatting shared by every command.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fail } from '../diag.js';

/** Text sinks of one CLI invocation. */
export interface CliIo {
  /** Results (tables, JSON). */
  readonly stdout: (text: string) => void;
  /** Errors, progress and notes. */
  readonly stderr: (text: string) => void;
  /** Environment (for BNEXT_DEBUG). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (progress redraws in place only then). */
  readonly stderrIsTty: boolean;
}

/** The process's own streams. */
export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  stderrIsTty: process.stderr.isTTY === true,
};

/** Output of one command, honouring the global modes. */
export class Output {
  /**
   * @param io where to write
   * @param json `--json`: the result is one JSON document on stdout; nothing else goes to stdout
   * @param quiet `--quiet`: no progress, notes or summaries; only the result and errors
   */
  constructor(
    readonly io: CliIo,
    readonly json: boolean,
    readonly quiet: boolean,
  ) {}

  /** Prints the human-readable result (skipped in JSON mode). */
  text(text: string): void {
    if (!this.json) this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Prints the JSON result (only in JSON mode), pretty-printed with a trailing newline. */
  result(value: unknown): void {
    if (this.json) this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A note for the user on stderr (e.g. `wrote w.safetensors`), unless quiet. */
  note(text: string): void {
    if (!this.quiet && !this.json) this.io.stderr(`${text}\n`);
  }
}

/** An integer with thousands separators: 1234567 -> `1,234,567` (non-integers are rounded). */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A number with a metric suffix (k, M, G) and 2 decimals, e.g. 4.82 G; 1e6 convention. */
export function fmtMetric(n: number, unit = ''): string {
  const abs = Math.abs(n);
  const [div, suffix] = abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${(n / div).toFixed(2)} ${suffix}${unit}`.replace(/ $/, '');
}

/** Bits as Mbit with 1 Mbit = 10^6 bits (the convention of ../shared/BUDGETS.md). */
export function fmtMbit(bits: number): string {
  return `${(bits / 1e6).toFixed(2)} Mbit`;
}

/** Bytes as MB (10^6 bytes) with 2 decimals. */
export function fmtMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** Column alignment. */
export type Align = 'left' | 'right';

/**
 * A plain-text table: a header row, a dashed rule, then the rows; columns padded to their widest
 * cell, separated by two spaces, trailing spaces trimmed.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Fails early (E_FILE) when `path` cannot be written: its folder is missing, not a folder, or not
 * writable, or `path` itself is a folder. Long commands call this before doing the work.
 */
export function checkWritable(path: string): void {
  const dir = dirname(resolve(path));
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    return fail('E_FILE', `cannot write '${path}': folder '${dirname(path)}' does not exist`, { file: path });
  }
  if (!isDir) fail('E_FILE', `cannot write '${path}': '${dirname(path)}' is not a folder`, { file: path });
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    fail('E_FILE', `cannot write '${path}': folder '${dirname(path)}' is not writable`, { file: path });
  }
  let target: ReturnType<typeof statSync> | undefined;
  try {
    target = statSync(path);
  } catch {
    target = undefined; // does not exist yet: fine
  }
  if (target?.isDirectory()) fail('E_FILE', `cannot write '${path}': it is a folder, not a file`, { file: path });
}
