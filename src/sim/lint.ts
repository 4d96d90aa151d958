/**
 * The RTL lint gate, for generated and hand-written Verilog alike. Three independent front ends
 * must accept the design:
 *
 * - Verilator `--lint-only -Wall`: every warning fails the gate. There is no global `-Wno-...`;
 *   a waiver is a line-scoped `/* verilator lint_off X *\/` comment in the source, with a reason.
 * - Yosys (plain Verilog-2005 frontend): `read_verilog; chparam; hierarchy -check -top; proc;
 *   flatten; check -assert`. `hierarchy -check` fails on missing modules and bad ports; after
 *   `flatten`, `check -assert` fails on multiple drivers, used-but-undriven wires and
 *   combinational loops, also across module boundaries. Other Yosys warnings are reported but
 *   do not fail the gate (several are benign, and Verilator covers the real ones).
 * - Icarus `iverilog -g2005 -Wall`: must compile; its warnings are reported, errors fail.
 *
 * Findings are data (tool, severity, file, line, column, code, message), never thrown; bad
 * arguments, unreadable files, a missing tool or a timeout are BnextErrors.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { fail } from '../diag.js';
import { execYosys, type YosysEngineChoice } from '../synth/yosys.js';
import { requireTool, type ToolName } from '../tools/toolchain.js';

/** The tools of the gate. */
export type LintTool = 'verilator' | 'yosys' | 'iverilog';

/** One finding. */
export interface LintIssue {
  /** Which tool reported it. */
  readonly tool: LintTool;
  /** `error` or `warning` as the tool called it (any Verilator warning still fails the gate). */
  readonly severity: 'error' | 'warning';
  /** Source file, as the caller spelled it, when the tool named one. */
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** Tool-specific code, e.g. Verilator's `WIDTH`. */
  readonly code?: string;
  /** The tool's message (first line; file names mapped back to the caller's spelling). */
  readonly message: string;
}

/** The verdict of one tool. */
export interface LintResult {
  /** The tool. */
  readonly tool: LintTool;
  /** True when this tool lets the design through. */
  readonly ok: boolean;
  /** Everything it reported, in its output order, without duplicates. */
  readonly issues: readonly LintIssue[];
  /** Tool version line, for reports. */
  readonly version: string;
}

/** Top-level parameter overrides: integers (32-bit range for negatives) or simple strings. */
export type LintParams = Readonly<Record<string, number | string>>;

/** Options shared by the lint runners. */
export interface LintOptions {
  /** Wall-clock limit per tool in milliseconds; default 300 000. */
  readonly timeoutMs?: number;
  /** Yosys engine for {@link lintYosys}; default `auto`. */
  readonly yosysEngine?: YosysEngineChoice;
  /**
   * Data files the sources read at elaboration ($readmemh), as path-as-written -> contents.
   * Yosys reads them while elaborating, so they are placed beside the sources it runs on.
   */
  readonly dataFiles?: Readonly<Record<string, string>>;
}

/** The combined verdict of {@link lintAll}. */
export interface LintReport {
  /** True when every tool passed. */
  readonly ok: boolean;
  /** Per-tool results in the order verilator, yosys, iverilog. */
  readonly results: readonly LintResult[];
  /** All issues of all tools, in the same order. */
  readonly issues: readonly LintIssue[];
}

const DEFAULT_TIMEOUT_MS = 300_000;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SAFE_STRING = /^[A-Za-z0-9 _.\/:+,=@%-]*$/;

/** Validated inputs: files as the caller spelled them, their absolute paths, sorted params. */
interface Checked {
  readonly abs: readonly string[];
  readonly files: readonly string[];
  readonly params: readonly (readonly [string, number | string])[];
}

async function checkInputs(files: readonly string[], top: string, params: LintParams = {}): Promise<Checked> {
  if (!Array.isArray(files) || files.length === 0) fail('E_ARG', 'lint needs at least one Verilog file', { field: 'files' });
  if (typeof top !== 'string' || !IDENT.test(top)) fail('E_ARG', `top module name '${String(top)}' is not a Verilog identifier`, { field: 'top' });
  for (const f of files) {
    const s = await stat(f).catch(() => undefined);
    if (!s?.isFile()) fail('E_FILE', 'Verilog file does not exist or is not a file', { file: f });
  }
  const entries = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, v] of entries) {
    const field = `params.${name}`;
    if (!IDENT.test(name)) fail('E_ARG', `parameter name '${name}' is not a Verilog identifier`, { field });
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < -(2 ** 31)) fail('E_ARG', `parameter ${name}=${v} must be an integer (negatives within 32 bits)`, { field });
    } else if (typeof v !== 'string' || !SAFE_STRING.test(v)) {
      fail('E_ARG', `parameter ${name} must be a number or a string of letters, digits and ' _./:+,=@%-'`, { field });
    }
  }
  return { files, abs: files.map((f) => resolve(f)), params: entries };
}

/** Replaces every spelling in `names` (tool-side -> caller-side) inside a text. */
function mapNames(text: string, names: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of names) if (from !== to) out = out.split(from).join(to);
  return out;
}

function dedupe(issues: LintIssue[]): LintIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = JSON.stringify([i.severity, i.file, i.line, i.column, i.code, i.message]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ') || 'no output';
}

/** Runs an external lint tool in an empty temp directory (so nothing in the caller's cwd leaks in). */
async function runTool(name: ToolName, args: readonly string[], timeoutMs: number): Promise<{ exitCode: number; output: string; version: string }> {
  const tool = await requireTool(name);
  const dir = await mkdtemp(join(tmpdir(), `bnext-lint-${name}-`));
  try {
    const r = await execa(tool.path, [...args], { cwd: dir, reject: false, all: true, timeout: timeoutMs, stdin: 'ignore' });
    if (r.timedOut) fail('E_TOOL', `${name} timed out after ${timeoutMs} ms`, { field: name });
    return { exitCode: r.exitCode ?? 1, output: typeof r.all === 'string' ? r.all : '', version: tool.versionText };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function issueFile(file: string | undefined, names: ReadonlyMap<string, string>): { file?: string } {
  if (!file) return {};
  const mapped = names.get(file);
  return mapped !== undefined ? { file: mapped } : {};
}

function position(line: string | undefined, column: string | undefined): { line?: number; column?: number } {
  const l = line !== undefined ? Number(line) : 0;
  const c = column !== undefined ? Number(column) : 0;
  return { ...(l > 0 ? { line: l } : {}), ...(c > 0 ? { column: c } : {}) };
}

const VERILATOR_LINE = /^%(Warning|Error)(?:-([A-Za-z0-9_]+))?: (?:(.+?):(\d+):(?:(\d+):)? )?(.*)$/;

/** `verilator --lint-only -Wall`: any warning or error fails. */
export async function lintVerilator(files: readonly string[], top: string, params?: LintParams, opts: LintOptions = {}): Promise<LintResult> {
  const c = await checkInputs(files, top, params);
  const args = [
    '--lint-only',
    '-Wall',
    '--top-module',
    top,
    ...c.params.map(([k, v]) => `-G${k}=${typeof v === 'number' ? String(v) : `"${v}"`}`),
    ...c.abs,
  ];
  const r = await runTool('verilator', args, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const names = new Map(c.abs.map((a, i) => [a, c.files[i]!] as const));
  const issues: LintIssue[] = [];
  for (const line of r.output.split('\n')) {
    const m = VERILATOR_LINE.exec(line);
    if (!m || /^Exiting due to/.test(m[6]!)) continue;
    issues.push({
      tool: 'verilator',
      severity: m[1] === 'Warning' ? 'warning' : 'error',
      ...issueFile(m[3], names),
      ...(m[3] && names.has(m[3]) ? position(m[4], m[5]) : {}),
      ...(m[2] ? { code: m[2] } : {}),
      message: mapNames(m[6]!, names),
    });
  }
  if (r.exitCode !== 0 && issues.length === 0) issues.push({ tool: 'verilator', severity: 'error', message: `exit status ${r.exitCode}: ${tail(r.output)}` });
  return { tool: 'verilator', ok: r.exitCode === 0 && issues.length === 0, issues: dedupe(issues), version: r.version };
}

/** A parameter value as Yosys `chparam -set` reads it (negatives as 32-bit signed hex). */
function yosysValue(v: number | string): string {
  if (typeof v === 'string') return `"${v}"`;
  if (v >= 0) return String(v);
  return `32'sh${(v >>> 0).toString(16).toUpperCase()}`;
}

/** A source file as the caller spelled it and its text. */
interface Source {
  readonly file: string;
  readonly text: string;
}

const escapeRe = (name: string): string => name.replace(/\$/g, '\\$');

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Yosys names modules, cells and wires rather than source lines for hierarchy and `check`
 * problems; this finds the file declaring the module and, when it can, the line of the named
 * instance or wire (else the module header).
 */
function locateYosysIssue(message: string, sources: readonly Source[]): { file?: string; line?: number } {
  const mod = /in module `?\\?([A-Za-z_][A-Za-z0-9_$]*)/.exec(message)?.[1] ?? /(?:Wire|drivers for) ([A-Za-z_][A-Za-z0-9_$]*)\.\\/.exec(message)?.[1];
  if (!mod) return {};
  for (const src of sources) {
    const decl = new RegExp(`^\\s*module\\s+${escapeRe(mod)}\\b`, 'm').exec(src.text);
    if (!decl) continue;
    const end = src.text.indexOf('endmodule', decl.index);
    const body = src.text.slice(decl.index, end < 0 ? undefined : end);
    const cell = /in cell `\\([A-Za-z_][A-Za-z0-9_$]*)'/.exec(message)?.[1];
    const wire = /(?:Wire|drivers for) [A-Za-z_][A-Za-z0-9_$]*\.\\([A-Za-z_][A-Za-z0-9_$]*)\b/.exec(message)?.[1];
    const what = cell ? new RegExp(`\\b${escapeRe(cell)}\\s*\\(`) : wire ? new RegExp(`\\b(?:wire|reg|input|output|inout)\\b[^;]*\\b${escapeRe(wire)}\\b`) : undefined;
    const hit = what?.exec(body);
    return { file: src.file, line: lineOf(src.text, decl.index + (hit ? hit.index : 0)) };
  }
  return {};
}

const YOSYS_LINE = /^(?:(.+?):(\d+)(?:\.(\d+))?(?:-\d+(?:\.\d+)?)?: )?(Warning|ERROR): (.*)$/;

/**
 * Yosys: `read_verilog` (Verilog-2005), `chparam`, `hierarchy -check -top`, `proc`, `flatten`,
 * `check -assert`. Fails when Yosys exits with an error; warnings are reported only.
 */
export async function lintYosys(files: readonly string[], top: string, params?: LintParams, opts: LintOptions = {}): Promise<LintResult> {
  const c = await checkInputs(files, top, params);
  const vfs: Record<string, string> = {};
  const keys = c.files.map((f, i) => `in${i}/${basename(f)}`);
  const sources: Source[] = [];
  for (let i = 0; i < keys.length; i++) {
    const file = c.files[i]!;
    const text = await readFile(c.abs[i]!, 'utf8').catch((e: unknown) => fail('E_FILE', `cannot read: ${e instanceof Error ? e.message : String(e)}`, { file }));
    vfs[keys[i]!] = text;
    sources.push({ file, text });
  }
  for (const [rel, text] of Object.entries(opts.dataFiles ?? {})) vfs[rel] = text;
  const script = [
    `read_verilog ${keys.join(' ')}`,
    ...(c.params.length ? [`chparam ${c.params.map(([k, v]) => `-set ${k} ${yosysValue(v)}`).join(' ')} ${top}`] : []),
    `hierarchy -check -top ${top}`,
    'proc',
    'flatten',
    'check -assert',
    '',
  ].join('\n');
  const o = await execYosys({
    script,
    files: vfs,
    ...(opts.yosysEngine ? { engine: opts.yosysEngine } : {}),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    label: `lint of ${top}`,
  });
  const names = new Map(keys.map((k, i) => [k, c.files[i]!] as const));
  const issues: LintIssue[] = [];
  for (const line of o.console.split('\n')) {
    const m = YOSYS_LINE.exec(line.trimEnd());
    if (m) {
      issues.push({
        tool: 'yosys',
        severity: m[4] === 'Warning' ? 'warning' : 'error',
        ...issueFile(m[1], names),
        ...(m[1] && names.has(m[1]) ? position(m[2], m[3]) : {}),
        message: mapNames(m[5]!, names),
      });
    } else if (/^\s+\S/.test(line) && issues.length) {
      // continuation of a multi-line message (e.g. the cells of a logic loop)
      const last = issues.pop()!;
      issues.push({ ...last, message: `${last.message} ${mapNames(line.trim(), names)}` });
    }
  }
  for (let i = 0; i < issues.length; i++) if (issues[i]!.file === undefined) issues[i] = { ...issues[i]!, ...locateYosysIssue(issues[i]!.message, sources) };
  if (o.exitCode !== 0 && !issues.some((i) => i.severity === 'error'))
    issues.push({ tool: 'yosys', severity: 'error', message: `exit status ${o.exitCode}: ${tail(o.log || o.console)}` });
  return { tool: 'yosys', ok: o.exitCode === 0, issues: dedupe(issues), version: `${o.version} [${o.engine}]` };
}

const ICARUS_LINE = /^(.*?):(\d+): (?:(error|warning|sorry): )?(.*)$/;

/** Icarus `iverilog -g2005 -Wall`: the design must compile; warnings are reported only. */
export async function compileIcarus(files: readonly string[], top: string, params?: LintParams, opts: LintOptions = {}): Promise<LintResult> {
  const c = await checkInputs(files, top, params);
  const args = [
    '-g2005',
    '-Wall',
    '-s',
    top,
    ...c.params.map(([k, v]) => `-P${top}.${k}=${typeof v === 'number' ? String(v) : `"${v}"`}`),
    '-o',
    devNull,
    ...c.abs,
  ];
  const r = await runTool('iverilog', args, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const names = new Map(c.abs.map((a, i) => [a, c.files[i]!] as const));
  const issues: LintIssue[] = [];
  for (const line of r.output.split('\n')) {
    const m = ICARUS_LINE.exec(line.trimEnd());
    if (!m) continue;
    issues.push({
      tool: 'iverilog',
      severity: m[3] === 'warning' ? 'warning' : 'error',
      ...issueFile(m[1], names),
      ...(m[1] && names.has(m[1]) ? position(m[2], undefined) : {}),
      message: mapNames(m[4]!, names),
    });
  }
  if (r.exitCode !== 0 && !issues.some((i) => i.severity === 'error'))
    issues.push({ tool: 'iverilog', severity: 'error', message: `exit status ${r.exitCode}: ${tail(r.output)}` });
  return { tool: 'iverilog', ok: r.exitCode === 0, issues: dedupe(issues), version: r.version };
}

/** Runs Verilator, Yosys and Icarus (in parallel) and combines their verdicts. */
export async function lintAll(files: readonly string[], top: string, params?: LintParams, opts: LintOptions = {}): Promise<LintReport> {
  await checkInputs(files, top, params);
  const results = await Promise.all([
    lintVerilator(files, top, params, opts),
    lintYosys(files, top, params, opts),
    compileIcarus(files, top, params, opts),
  ]);
  return { ok: results.every((r) => r.ok), results, issues: results.flatMap((r) => r.issues) };
}

/** One line per issue, `file:line:col: tool severity[code]: message`, for logs and errors. */
export function formatLintIssues(issues: readonly LintIssue[]): string[] {
  return issues.map((i) => {
    const at = i.file ? `${i.file}${i.line ? `:${i.line}` : ''}${i.column ? `:${i.column}` : ''}: ` : '';
    return `${at}${i.tool} ${i.severity}${i.code ? `[${i.code}]` : ''}: ${i.message}`;
  });
}
