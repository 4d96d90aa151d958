/**
 * Verilator build and cache. `buildModel` verilates a top module, reads its ports from the header
 * Verilator generates (the exact C++ types the wrapper will touch), fills the C ABI wrapper
 * `sim/harness.cpp.hbs`, and compiles everything into one shared library that
 * `loadModel` (./harness.ts) opens with koffi.
 *
 * Builds are cached by a content hash of everything that can change the library: the sources and
 * include folders, the parameters, the top, the clock name, the trace flag, the wrapper template,
 * the Verilator and compiler flags, and the Verilator version. A build happens in a private
 * temporary folder inside the cache and is renamed into place when complete, so concurrent builds
 * of the same design are safe and a failed build leaves nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import Handlebars from 'handlebars';
import { fail } from '../diag.js';
import { fileFail, readFileChecked } from '../io/atomic.js';
import { requireTool } from '../tools/toolchain.js';

/** Repository (package) root: this file lives in src/sim/ or dist/sim/. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The C ABI wrapper template. */
const TEMPLATE = join(ROOT, 'sim', 'harness.cpp.hbs');
/** Default cache folder. */
export const DEFAULT_SIM_CACHE = join(ROOT, '.cache', 'verilator');

/** Verilator flags common to every build (also part of the cache key). */
const VERILATOR_FLAGS = ['--cc', '--prefix', 'Vsim', '-O3', '--x-assign', 'fast', '--x-initial', 'fast', '--no-timing', '-Wno-fatal'];
/** Extra Verilator flags of a toggle-coverage build: every signal, whatever its width. */
const COVERAGE_FLAGS = ['--coverage-toggle', '--coverage-max-width', '1000000'];
/** C++ flags: position-independent code, and only the wrapper's sim_* symbols exported. */
const CXX_FLAGS = ['-fPIC', '-fvisibility=hidden', '-fvisibility-inlines-hidden'];
/** Linker flags: a shared library that binds its own symbols first. */
const LD_FLAGS = ['-shared', '-Wl,-Bsymbolic'];
/**
 * Make variables: optimisation of the generated code and the runtime. -O1 for the per-cycle code
 * and -O0 for the one-time initialisation code: on a whole BNext-Tiny 32x32 design, -O2 took 420 s
 * to compile on 2 cores and -O1/-O0 51 s (measured here), for a modest loss of simulation speed.
 */
const MAKE_VARS = ['OPT_FAST=-O1', 'OPT_GLOBAL=-O1', 'OPT_SLOW=-O0'];
/** File extensions hashed in include folders. */
const INCLUDE_EXTS = /\.(v|sv|vh|svh|inc|mem|hex)$/;
/** Name of the built library and the metadata file in a cache entry. */
const LIB_NAME = 'libsim.so';
const META_NAME = 'model.json';

/** Options of {@link buildModel}. */
export interface BuildOptions {
  /** Name of the top module. */
  readonly top: string;
  /** Verilog source files, in the order Verilator should read them. */
  readonly files: readonly string[];
  /** Include / library search folders (`-I`). Their Verilog files are part of the cache key. */
  readonly includeDirs?: readonly string[];
  /** Top-level parameter overrides: numbers and bigints as integers, strings as string literals. */
  readonly params?: Readonly<Record<string, number | bigint | string>>;
  /** Build with FST waveform support (`--trace-fst`). Default false. */
  readonly trace?: boolean;
  /**
   * Build with Verilator toggle coverage (`--coverage-toggle`, no width limit): every signal bit
   * counts its changes, written by the harness (`SimModel.coverage`). A separate cache entry.
   * `exclude` lists file patterns (`*` and `?` wildcards, e.g. a cores folder) whose signals are
   * not counted: instrumenting every core multiplies the C++ to compile (a 24-core design went
   * from 19 generated files to over 120), so designs count the top-level wires only. Default off.
   */
  readonly coverage?: boolean | { readonly exclude?: readonly string[] };
  /** Clock input port, driven by the harness and not part of the input buffer. Default `clk_i`. */
  readonly clock?: string;
  /** Cache folder. Default `<repo>/.cache/verilator`. */
  readonly cacheDir?: string;
  /** Parallel compile jobs. Default 2. */
  readonly jobs?: number;
  /** Receives one line per build step (verilating, compiling, cache hit). */
  readonly onProgress?: (msg: string) => void;
}

/** Direction of a port as seen from the design. */
export type PortDir = 'in' | 'out';

/** One port of the top module (the clock excluded) and its place in the word buffers. */
export interface PortInfo {
  /** Port name (as in the Verilated class). */
  readonly name: string;
  /** Input or output of the design. */
  readonly dir: PortDir;
  /** Width in bits. */
  readonly width: number;
  /** 32-bit words occupied: ceil(width / 32). */
  readonly words: number;
  /** First word in the input buffer (inputs) or in one copy of the output buffer (outputs). */
  readonly offset: number;
}

/** A compiled model, ready for `loadModel`. Plain data (it is also the cache entry's model.json). */
export interface BuiltModel {
  /** Top module name. */
  readonly top: string;
  /** Absolute path of the shared library. */
  readonly library: string;
  /** Clock port name. */
  readonly clock: string;
  /** Whether the library can write FST traces. */
  readonly trace: boolean;
  /** Whether the library counts toggles (absent in cache entries made before the option existed). */
  readonly coverage?: boolean;
  /** Ports except the clock, in the order of the Verilated header. */
  readonly ports: readonly PortInfo[];
  /** Words in the input buffer. */
  readonly inWords: number;
  /** Words in one copy of the outputs (the output buffer holds two copies). */
  readonly outWords: number;
  /** Content hash of the build inputs. */
  readonly key: string;
  /** True when the library came from the cache without rebuilding. */
  readonly cached: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Verilates and compiles a design into a cached shared library. Throws E_ARG, E_FILE, E_SIM or E_TOOL. */
export async function buildModel(opts: BuildOptions): Promise<BuiltModel> {
  const progress = opts.onProgress ?? (() => {});
  const clock = opts.clock ?? 'clk_i';
  const trace = opts.trace ?? false;
  const coverage = opts.coverage !== undefined && opts.coverage !== false;
  const coverageExclude = typeof opts.coverage === 'object' ? [...(opts.coverage.exclude ?? [])] : [];
  const jobs = opts.jobs ?? 2;
  checkOptions(opts, clock, jobs);
  const files = opts.files.map((f) => resolve(f));
  const includeDirs = (opts.includeDirs ?? []).map((d) => resolve(d));
  const params = paramArgs(opts.params ?? {});
  const verilator = await requireTool('verilator');
  const template = readFileChecked(TEMPLATE).toString('utf8');

  const hash = createHash('sha256');
  const add = (label: string, data: string | Buffer) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    hash.update(`${label}\0${bytes.length}\0`).update(bytes);
  };
  add('verilator', verilator.versionText);
  add('flags', JSON.stringify([VERILATOR_FLAGS, CXX_FLAGS, LD_FLAGS, MAKE_VARS, params, opts.top, clock, trace, ...(coverage ? ['coverage', coverageExclude] : [])]));
  add('template', template);
  for (const f of files) add(`file ${basename(f)}`, readFileChecked(f));
  for (const d of includeDirs) for (const f of includeFiles(d)) add(`inc ${f}`, readFileChecked(join(d, f)));
  const key = hash.digest('hex');

  const cacheDir = resolve(opts.cacheDir ?? DEFAULT_SIM_CACHE);
  const dir = join(cacheDir, `${opts.top}${coverage ? '-cov' : ''}-${key.slice(0, 16)}`);
  const hit = readEntry(dir, key);
  if (hit) {
    progress(`verilator: cache hit for '${opts.top}' (${dir})`);
    return hit;
  }

  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (err) {
    fileFail('create the cache folder', cacheDir, err);
  }
  removeStaleTemps(cacheDir);
  const tmp = join(cacheDir, `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(tmp);
    const layout = await compileInto(tmp, { ...opts, clock, trace, coverage, coverageExclude, jobs }, files, includeDirs, params, verilator.path, template);
    const built: BuiltModel = { top: opts.top, library: join(dir, LIB_NAME), clock, trace, ...(coverage ? { coverage } : {}), ...layout, key, cached: false };
    writeFileSync(join(tmp, META_NAME), JSON.stringify(built, null, 2) + '\n');
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process finished the same build first: theirs is equivalent, use it.
      if (!readEntry(dir, key)) fileFail('store the build in', dir, err);
      rmSync(tmp, { recursive: true, force: true });
    }
    progress(`verilator: built '${opts.top}' (${dir})`);
    return built;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    fileFail('build in', cacheDir, err); // a BnextError passes through unchanged
  }
}

/** Verilates, fills the wrapper and compiles in `tmp`, leaving `tmp/libsim.so` (and the wrapper source). */
async function compileInto(
  tmp: string,
  opts: BuildOptions & { readonly clock: string; readonly trace: boolean; readonly coverage: boolean; readonly coverageExclude: readonly string[]; readonly jobs: number },
  files: readonly string[],
  includeDirs: readonly string[],
  params: readonly string[],
  verilator: string,
  template: string,
): Promise<{ ports: PortInfo[]; inWords: number; outWords: number }> {
  const progress = opts.onProgress ?? (() => {});
  const obj = join(tmp, 'obj');
  const wrapper = join(tmp, 'harness.cpp');
  // Verilator only records the wrapper's name in the makefile; its content follows from the ports.
  writeFileSync(wrapper, '// placeholder, replaced once the ports are known\n');
  const vlt = join(tmp, 'coverage.vlt');
  if (opts.coverageExclude.length) {
    for (const p of opts.coverageExclude) if (/["\n\\]/.test(p)) fail('E_ARG', `coverage exclude pattern '${p}' must not contain quotes, backslashes or newlines`, { field: 'coverage.exclude' });
    writeFileSync(vlt, ['`verilator_config', ...opts.coverageExclude.map((p) => `coverage_off -file "${p}"`)].join('\n') + '\n');
  }
  const vArgs = [
    ...VERILATOR_FLAGS,
    ...(opts.trace ? ['--trace-fst'] : []),
    ...(opts.coverage ? COVERAGE_FLAGS : []),
    ...(opts.coverageExclude.length ? [vlt] : []),
    '--top-module', opts.top,
    '--Mdir', obj,
    '--exe', wrapper, '-o', LIB_NAME,
    ...CXX_FLAGS.flatMap((f) => ['-CFLAGS', f]),
    ...LD_FLAGS.flatMap((f) => ['-LDFLAGS', f]),
    ...includeDirs.map((d) => `-I${d}`),
    ...params,
    ...files,
  ];
  progress(`verilator: verilating '${opts.top}'`);
  await run(verilator, vArgs, tmp, `verilator on top '${opts.top}'`);

  const layout = parsePorts(readFileSync(join(obj, 'Vsim.h'), 'utf8'), opts.top, opts.clock);
  const render = Handlebars.compile(template, { noEscape: true, strict: true });
  const inputs = layout.ports.filter((p) => p.dir === 'in');
  const outputs = layout.ports.filter((p) => p.dir === 'out');
  writeFileSync(wrapper, render({ top: opts.top, clock: opts.clock, inputs, outputs, outWords: layout.outWords, outWords2: 2 * layout.outWords }));

  progress(`verilator: compiling '${opts.top}' (make -j ${opts.jobs})`);
  const objcache = process.env.OBJCACHE ?? ((await hasCcache()) ? 'ccache' : '');
  const makeArgs = ['-C', obj, '-f', 'Vsim.mk', '-j', String(opts.jobs), `OBJCACHE=${objcache}`, ...MAKE_VARS];
  // CCACHE_BASEDIR makes the private folder's paths relative, so ccache hits across builds.
  await run('make', makeArgs, tmp, `compiling '${opts.top}'`, { CCACHE_BASEDIR: tmp });
  renameSync(join(obj, LIB_NAME), join(tmp, LIB_NAME));
  rmSync(obj, { recursive: true, force: true });
  return layout;
}

function checkOptions(opts: BuildOptions, clock: string, jobs: number): void {
  if (!IDENT.test(opts.top)) fail('E_ARG', `top module name '${opts.top}' is not a Verilog identifier`, { field: 'top' });
  if (!IDENT.test(clock)) fail('E_ARG', `clock port name '${clock}' is not a Verilog identifier`, { field: 'clock' });
  if (opts.files.length === 0) fail('E_ARG', `no Verilog source files given for top '${opts.top}'`, { field: 'files' });
  if (!Number.isInteger(jobs) || jobs < 1) fail('E_ARG', `jobs must be a positive integer, got ${jobs}`, { field: 'jobs' });
  for (const d of opts.includeDirs ?? []) {
    let ok = false;
    try {
      ok = statSync(d).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) fail('E_FILE', `include folder '${d}' does not exist or is not a folder`, { file: d, field: 'includeDirs' });
  }
}

/** `-G` arguments, sorted by name so the cache key does not depend on object key order. */
function paramArgs(params: Readonly<Record<string, number | bigint | string>>): string[] {
  return Object.keys(params)
    .sort()
    .map((name) => {
      const v = params[name]!;
      const field = `params.${name}`;
      if (!IDENT.test(name)) fail('E_ARG', `parameter name '${name}' is not a Verilog identifier`, { field });
      if (typeof v === 'bigint') return `-G${name}=${v}`;
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v)) fail('E_ARG', `parameter ${name} = ${v} is not a safe integer (pass a bigint for large values)`, { field });
        return `-G${name}=${v}`;
      }
      if (/["\\\n]/.test(v)) fail('E_ARG', `string parameter ${name} must not contain quotes, backslashes or newlines`, { field });
      return `-G${name}="${v}"`;
    });
}

/** Verilog-ish files directly inside an include folder, sorted. */
function includeFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => INCLUDE_EXTS.test(f))
      .sort();
  } catch (err) {
    fileFail('list', dir, err);
  }
}

/** Removes private build folders left by processes that died more than a day ago. */
function removeStaleTemps(cacheDir: string): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('.tmp-')) continue;
    try {
      if (statSync(join(cacheDir, name)).mtimeMs < dayAgo) rmSync(join(cacheDir, name), { recursive: true, force: true });
    } catch {
      // Another process removed or renamed it meanwhile.
    }
  }
}

/** A complete cache entry, or undefined when absent, partial or for another key. */
function readEntry(dir: string, key: string): BuiltModel | undefined {
  const meta = join(dir, META_NAME);
  if (!existsSync(meta) || !existsSync(join(dir, LIB_NAME))) return undefined;
  try {
    const m = JSON.parse(readFileSync(meta, 'utf8')) as BuiltModel;
    if (m.key !== key) return undefined;
    return { ...m, library: join(dir, LIB_NAME), cached: true };
  } catch {
    return undefined;
  }
}

let ccache: Promise<boolean> | undefined;
function hasCcache(): Promise<boolean> {
  ccache ??= execa('ccache', ['--version'], { reject: false, timeout: 10_000 }).then(
    (r) => r.exitCode === 0,
    () => false,
  );
  return ccache;
}

/** Runs a build command; E_TOOL with the tail of its output when it fails. */
async function run(cmd: string, args: readonly string[], cwd: string, what: string, env: Record<string, string> = {}): Promise<void> {
  const r = await execa(cmd, [...args], { cwd, reject: false, all: true, env: { MAKEFLAGS: '', ...env } });
  if (r.exitCode === 0 && !r.failed) return;
  const lines = (r.all ?? '').split('\n').filter((l) => l.trim());
  const first = lines.find((l) => /%Error|error:/.test(l)) ?? lines[0] ?? r.shortMessage;
  fail('E_TOOL', `${what} failed: ${first}`, {}, lines.slice(-30));
}

/** Port declaration in the Verilated header: `VL_IN8(&name,msb,lsb);`, `VL_OUTW(&name,msb,lsb,words);`. */
const PORT_RE = /^\s*VL_(IN|OUT|INOUT)(8|16|64|W)?\(&(\w+),(\d+),(\d+)(?:,(\d+))?\);/;

/** Reads the ports from `Vsim.h` and assigns word offsets (inputs and outputs separately). */
export function parsePorts(header: string, top: string, clock: string): { ports: PortInfo[]; inWords: number; outWords: number } {
  const ports: PortInfo[] = [];
  let inWords = 0;
  let outWords = 0;
  let clockSeen = false;
  for (const line of header.split('\n')) {
    if (!/\bVL_(IN|OUT|INOUT)\w*\(/.test(line)) continue;
    const m = PORT_RE.exec(line);
    if (!m) fail('E_SIM', `top '${top}' has a port the harness cannot drive (arrays and structs are not supported): ${line.trim()}`, { field: 'ports' });
    const [, dirText, cls, name, msb, lsb, wordsText] = m as unknown as [string, string, string | undefined, string, string, string, string | undefined];
    if (dirText === 'INOUT') fail('E_SIM', `top '${top}' port '${name}' is inout; the harness supports inputs and outputs only`, { field: name });
    const width = Math.abs(Number(msb) - Number(lsb)) + 1;
    const words = Math.ceil(width / 32);
    const expected = width <= 8 ? '8' : width <= 16 ? '16' : width <= 32 ? undefined : width <= 64 ? '64' : 'W';
    if (cls !== expected || (cls === 'W' && Number(wordsText) !== words))
      fail('E_TOOL', `unexpected Verilator port declaration for '${name}' (width ${width}): ${line.trim()}`, { field: name });
    const dir: PortDir = dirText === 'IN' ? 'in' : 'out';
    if (name === clock) {
      if (dir !== 'in' || width !== 1) fail('E_SIM', `clock '${clock}' of top '${top}' must be a 1-bit input`, { field: 'clock' });
      clockSeen = true;
      continue;
    }
    const offset = dir === 'in' ? inWords : outWords;
    if (dir === 'in') inWords += words;
    else outWords += words;
    ports.push({ name, dir, width, words, offset });
  }
  if (!clockSeen) fail('E_SIM', `top '${top}' has no 1-bit input '${clock}' (set the clock option to its clock port)`, { field: 'clock' });
  return { ports, inWords, outWords };
}
