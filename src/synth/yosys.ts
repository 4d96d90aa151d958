/**
 * The Yosys runner: one entry point for a native `yosys` on PATH (version floor 0.23) and the
 * bundled WebAssembly build (@yowasp/yosys), with the same inputs (a script plus virtual input
 * files or a working directory) and the same outputs (the log and the files the caller asked for).
 *
 * The WASM build blocks its thread while it runs, so it runs in worker threads
 * (src/synth/yosys-worker.ts), pooled and reused; native runs are child processes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { execa } from 'execa';
import { BnextError, fail } from '../diag.js';
import { findTool, requireTool, TOOLS } from '../tools/toolchain.js';
import type { VfsTree, YosysWorkerData, YosysWorkerReply, YosysWorkerRequest } from './yosys-worker.js';

/** Which Yosys ran a script. */
export type YosysEngine = 'native' | 'wasm';

/** Which Yosys to use: `auto` prefers a native yosys >= 0.23 on PATH and falls back to WASM. */
export type YosysEngineChoice = 'auto' | YosysEngine;

/** One Yosys run. */
export interface YosysJob {
  /** The Yosys script: commands separated by newlines (or `;`), as in a `.ys` file. */
  readonly script: string;
  /**
   * Input files by relative POSIX path (e.g. `rtl/top.v`), created in a private working directory
   * before the run; script paths resolve against that directory. Not combinable with `cwd`.
   */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * A host directory to run in instead of a private one. Native: Yosys runs there. WASM: its
   * files are copied into the virtual filesystem (up to 64 MiB). In both cases the requested
   * outputs are left in it after a successful run.
   */
  readonly cwd?: string;
  /** Files the script writes (relative paths) to return in `outputs`; each must exist afterwards. */
  readonly outputs?: readonly string[];
  /** Engine choice; default `auto`. */
  readonly engine?: YosysEngineChoice;
  /** Wall-clock limit in milliseconds; default 600 000. */
  readonly timeoutMs?: number;
  /** Names the job in error messages (e.g. a layer name). */
  readonly label?: string;
}

/** What a successful run gives back. */
export interface YosysResult {
  /** The engine that ran. */
  readonly engine: YosysEngine;
  /** Yosys version banner, e.g. `Yosys 0.23 (git sha1 7ce5011c24b)`. */
  readonly version: string;
  /** The full Yosys log (`-l`). */
  readonly log: string;
  /** Requested output files by the relative path given in `outputs`, as UTF-8 text. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** A finished run whether or not Yosys succeeded (used by the lint gate, which reads failures). */
export interface YosysOutcome extends YosysResult {
  /** Yosys exit status; 0 on success. */
  readonly exitCode: number;
  /** What Yosys printed to stdout/stderr (with `-q`: warnings and errors only). */
  readonly console: string;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const MAX_CWD_BYTES = 64 * 1024 * 1024;
const WORKER_IDLE_MS = 20_000;
/** Where the runner keeps its own script and log inside the WASM virtual filesystem. */
const PRIVATE_DIR = '.bnext-yosys';

function where(job: YosysJob): string {
  return job.label ? ` for ${job.label}` : '';
}

/** Checks a relative POSIX path given as an input file or output name. */
function checkRelPath(p: string, field: string): void {
  const ok =
    p.length > 0 &&
    !p.includes('\\') &&
    !p.startsWith('/') &&
    posix.normalize(p) === p &&
    p !== '.' &&
    !p.startsWith('../') &&
    p !== '..' &&
    !p.startsWith(`${PRIVATE_DIR}/`);
  if (!ok) fail('E_ARG', `'${p}' must be a plain relative path (no '..', no leading '/', not under ${PRIVATE_DIR}/)`, { field });
}

function checkJob(job: YosysJob): void {
  if (typeof job.script !== 'string' || job.script.trim() === '') fail('E_ARG', `empty Yosys script${where(job)}`, { field: 'script' });
  if (job.files && job.cwd !== undefined) fail('E_ARG', `give either 'files' or 'cwd' to runYosys, not both${where(job)}`, { field: 'cwd' });
  const names = new Set(Object.keys(job.files ?? {}));
  for (const p of names) {
    checkRelPath(p, `files['${p}']`);
    const parts = p.split('/');
    for (let k = 1; k < parts.length; k++) {
      const dir = parts.slice(0, k).join('/');
      if (names.has(dir)) fail('E_ARG', `'${p}' puts a file under the file '${dir}'`, { field: `files['${p}']` });
    }
  }
  for (const p of job.outputs ?? []) checkRelPath(p, 'outputs');
  const t = job.timeoutMs;
  if (t !== undefined && !(Number.isFinite(t) && t > 0)) fail('E_ARG', `timeoutMs must be a positive number, got ${t}`, { field: 'timeoutMs' });
}

let autoEngine: Promise<YosysEngine> | undefined;

/** Decides the engine: an explicit choice, else native when a yosys >= floor is on PATH. */
export function resolveYosysEngine(choice: YosysEngineChoice = 'auto'): Promise<YosysEngine> {
  if (choice !== 'auto') return Promise.resolve(choice);
  autoEngine ??= findTool('yosys').then((t) => {
    if (!t) return 'wasm';
    const [fa, fb] = TOOLS.yosys.floor;
    const [a, b] = t.version;
    return a > fa || (a === fa && b >= fb) ? 'native' : 'wasm';
  });
  return autoEngine;
}

const BANNER = /^\s*(Yosys \d+\.\d+\S*(?: \([^)\n]*\))?)\s*$/m;

function versionFromLog(log: string, fallback: string): string {
  return BANNER.exec(log)?.[1] ?? fallback;
}

/** The last n lines of a log (trailing blank lines dropped), without Yosys' start-up banner. */
function lastLines(text: string, n: number): string[] {
  let lines = text.split('\n').map((l) => l.replace(/\s+$/, ''));
  const banner = lines.findIndex((l) => BANNER.test(l));
  if (banner >= 0) lines = lines.slice(banner + 1);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n);
}

/** Turns a failed outcome into the one error the user sees. */
function failure(job: YosysJob, o: YosysOutcome): BnextError {
  const text = o.log || o.console;
  const firstError = text.split('\n').find((l) => /\bERROR:/.test(l))?.trim();
  const head = firstError ?? `exit status ${o.exitCode}`;
  return new BnextError('E_TOOL', `yosys (${o.engine}) failed${where(job)}: ${head}`, { field: 'yosys' }, lastLines(text, 20));
}

/** Runs a Yosys script; throws E_TOOL (with the last 20 log lines) when Yosys fails. */
export async function runYosys(job: YosysJob): Promise<YosysResult> {
  const o = await execYosys(job);
  if (o.exitCode !== 0) throw failure(job, o);
  const { engine, version, log, outputs } = o;
  return { engine, version, log, outputs };
}

/**
 * Runs a Yosys script and reports its exit status instead of throwing on a Yosys error. Bad
 * arguments, a missing engine, a timeout or a missing requested output still throw E_ARG/E_TOOL.
 */
export async function execYosys(job: YosysJob): Promise<YosysOutcome> {
  checkJob(job);
  const engine = await resolveYosysEngine(job.engine ?? 'auto');
  const o = engine === 'native' ? await runNative(job) : await runWasm(job);
  if (o.exitCode === 0) {
    const missing = (job.outputs ?? []).filter((p) => o.outputs[p] === undefined);
    if (missing.length)
      fail('E_TOOL', `yosys (${engine}) finished${where(job)} but did not write ${missing.join(', ')}`, { field: 'outputs' }, lastLines(o.log, 20));
  }
  return o;
}

/** Options for {@link runYosysMany}. */
export interface YosysManyOptions {
  /** How many jobs run at once; default: the number of CPUs. */
  readonly concurrency?: number;
}

/**
 * Runs several jobs in parallel (worker threads for WASM, processes for native) and returns
 * their results in job order. After a failure no new job starts; the running ones finish and the
 * failure of the lowest-numbered failed job is thrown (its message names the job).
 */
export async function runYosysMany(jobs: readonly YosysJob[], opts: YosysManyOptions = {}): Promise<YosysResult[]> {
  const conc = opts.concurrency ?? availableParallelism();
  if (!Number.isInteger(conc) || conc < 1) fail('E_ARG', `concurrency must be a positive integer, got ${conc}`, { field: 'concurrency' });
  const labelled = jobs.map((j, i) => ({ ...j, label: j.label ?? `job ${i}` }));
  labelled.forEach(checkJob);
  const results: YosysResult[] = new Array<YosysResult>(jobs.length);
  const errors = new Map<number, unknown>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < labelled.length && errors.size === 0) {
      const i = next++;
      try {
        results[i] = await runYosys(labelled[i]!);
      } catch (e) {
        errors.set(i, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, labelled.length) }, lane));
  if (errors.size) throw errors.get(Math.min(...errors.keys()));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Native engine

async function writeTree(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [p, text] of Object.entries(files)) {
    const abs = join(root, ...p.split('/'));
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, text);
  }
}

/** Runs a filesystem step; an OS error becomes E_FILE naming the path. */
async function fsStep<T>(file: string, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof BnextError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    return fail('E_FILE', `cannot ${what}: ${reason}`, { file });
  }
}

async function runNative(job: YosysJob): Promise<YosysOutcome> {
  const tool = await requireTool('yosys');
  const tmp = await fsStep(tmpdir(), 'create a temporary directory', () => mkdtemp(join(tmpdir(), 'bnext-yosys-')));
  try {
    const work = job.cwd ?? join(tmp, 'work');
    const scriptPath = join(tmp, 'script.ys');
    const logPath = join(tmp, 'log.txt');
    if (job.cwd !== undefined) await checkDir(job.cwd);
    await fsStep(work, 'prepare the Yosys working directory', async () => {
      if (job.cwd === undefined) {
        await mkdir(work);
        await writeTree(work, job.files ?? {});
      }
      for (const p of job.outputs ?? []) await mkdir(dirname(join(work, ...p.split('/'))), { recursive: true });
      await writeFile(scriptPath, job.script);
    });
    const timeout = job.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const r = await execa(tool.path, ['-q', '-s', scriptPath, '-l', logPath], {
      cwd: work,
      reject: false,
      timeout,
      all: true,
      stdin: 'ignore',
    });
    if (r.timedOut) fail('E_TOOL', `yosys (native) timed out after ${timeout} ms${where(job)}`, { field: 'yosys' });
    const log = await readFile(logPath, 'utf8').catch(() => '');
    const outputs: Record<string, string> = {};
    for (const p of job.outputs ?? []) {
      const text = await readFile(join(work, ...p.split('/')), 'utf8').catch(() => undefined);
      if (text !== undefined) outputs[p] = text;
    }
    const exitCode = r.exitCode ?? 1;
    const consoleText = typeof r.all === 'string' ? r.all : '';
    return { engine: 'native', version: versionFromLog(log, tool.versionText), log, outputs, exitCode, console: consoleText };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function checkDir(dir: string): Promise<void> {
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) fail('E_FILE', `Yosys working directory does not exist or is not a directory`, { file: dir, field: 'cwd' });
}

// ---------------------------------------------------------------------------------------------
// WASM engine

function treeFromFiles(files: Readonly<Record<string, string>>): VfsTree {
  const root: VfsTree = {};
  for (const [p, text] of Object.entries(files)) {
    const parts = p.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = (dir[part] ??= {}) as VfsTree; // no file/dir clash: checkJob
    dir[parts[parts.length - 1]!] = text;
  }
  return root;
}

/** Copies a host directory into a virtual tree, refusing more than MAX_CWD_BYTES. */
async function treeFromDir(dir: string): Promise<VfsTree> {
  await checkDir(dir);
  return fsStep(dir, 'copy the directory into the WASM Yosys', () => readTree(dir));
}

async function readTree(dir: string): Promise<VfsTree> {
  let total = 0;
  const walk = async (d: string): Promise<VfsTree> => {
    const tree: VfsTree = {};
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(d, e.name);
      if (e.isDirectory()) tree[e.name] = await walk(abs);
      else if (e.isFile()) {
        const bytes = await readFile(abs);
        total += bytes.length;
        if (total > MAX_CWD_BYTES)
          fail('E_FILE', `directory is larger than ${MAX_CWD_BYTES >> 20} MiB; too big to copy into the WASM Yosys (install a native yosys)`, { file: dir, field: 'cwd' });
        tree[e.name] = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
      }
    }
    return tree;
  };
  return walk(dir);
}

/** Makes sure the parent directories of the requested outputs exist in the virtual tree. */
function addOutputDirs(tree: VfsTree, outputs: readonly string[]): void {
  for (const p of outputs) {
    let dir = tree;
    for (const part of p.split('/').slice(0, -1)) {
      const sub = dir[part];
      if (typeof sub === 'string' || sub instanceof Uint8Array) fail('E_ARG', `output '${p}' lies under the file '${part}'`, { field: 'outputs' });
      dir = sub ?? (dir[part] = {});
    }
  }
}

async function runWasm(job: YosysJob): Promise<YosysOutcome> {
  const tree = job.cwd !== undefined ? await treeFromDir(job.cwd) : treeFromFiles(job.files ?? {});
  addOutputDirs(tree, job.outputs ?? []);
  tree[PRIVATE_DIR] = { 'script.ys': job.script };
  const logPath = `${PRIVATE_DIR}/log.txt`;
  const args = ['-q', '-s', `${PRIVATE_DIR}/script.ys`, '-l', logPath];
  const timeout = job.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const reply = await pool.run({ args, tree, outputs: job.outputs ?? [], logPath }, timeout, where(job));
  if (reply.crash) fail('E_TOOL', `yosys (wasm) crashed${where(job)}: ${reply.crash}`, { field: 'yosys' }, lastLines(reply.console, 20));
  const version = versionFromLog(reply.log, `Yosys (@yowasp/yosys ${yowaspVersion()})`);
  const cwd = job.cwd;
  if (reply.exitCode === 0 && cwd !== undefined) {
    for (const [p, text] of Object.entries(reply.outputs)) {
      const file = join(cwd, ...p.split('/'));
      await fsStep(file, 'write a Yosys output', () => writeAtomic(file, text));
    }
  }
  return { engine: 'wasm', version, log: reply.log, outputs: reply.outputs, exitCode: reply.exitCode, console: reply.console };
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const part = `${file}.${process.pid}.part`;
  await writeFile(part, text);
  await rename(part, file);
}

const require = createRequire(import.meta.url);

/** The @yowasp/yosys package version (its package.json is not exported, so read it by path). */
function yowaspVersion(): string {
  try {
    const pkg = join(dirname(require.resolve('@yowasp/yosys')), '..', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let workerUrlPromise: Promise<URL> | undefined;

/**
 * The worker entry: the compiled `yosys-worker.js` beside this module; when running from the
 * TypeScript sources (tests), the `.ts` file is transpiled once into the temp directory.
 */
function workerUrl(): Promise<URL> {
  workerUrlPromise ??= (async () => {
    const js = new URL('./yosys-worker.js', import.meta.url);
    if (existsSync(fileURLToPath(js))) return js;
    const tsFile = fileURLToPath(new URL('./yosys-worker.ts', import.meta.url));
    const source = await readFile(tsFile, 'utf8').catch(() => fail('E_TOOL', `cannot find the Yosys worker (${fileURLToPath(js)}); run npm run build`));
    const ts = (await import('typescript')).default;
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const hash = createHash('sha256').update(out).digest('hex').slice(0, 16);
    const file = join(tmpdir(), `bnext-yosys-worker-${hash}.mjs`);
    if (!existsSync(file)) await writeAtomic(file, out);
    return pathToFileURL(file);
  })();
  return workerUrlPromise;
}

interface PooledWorker {
  readonly worker: Worker;
  idleTimer?: NodeJS.Timeout;
}

/** A grow-on-demand pool of WASM Yosys workers; idle workers are unref'd and retire after a while. */
class WasmPool {
  private readonly idle: PooledWorker[] = [];
  private readonly live = new Set<PooledWorker>();
  private nextId = 1;

  async run(req: Omit<YosysWorkerRequest, 'id'>, timeoutMs: number, label: string): Promise<YosysWorkerReply> {
    const pw = this.idle.pop() ?? (await this.spawn());
    if (pw.idleTimer) clearTimeout(pw.idleTimer);
    pw.worker.ref();
    const id = this.nextId++;
    return new Promise<YosysWorkerReply>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        pw.worker.off('message', onMessage);
        pw.worker.off('error', onError);
        pw.worker.off('exit', onExit);
      };
      const onMessage = (m: YosysWorkerReply): void => {
        if (m.id !== id) return;
        done();
        this.release(pw);
        resolve(m);
      };
      const onError = (e: Error): void => {
        done();
        this.retire(pw);
        reject(new BnextError('E_TOOL', `yosys (wasm) worker failed${label}: ${e.message}`, { field: 'yosys' }));
      };
      const onExit = (code: number): void => onError(new Error(`worker exited with status ${code}`));
      const timer = setTimeout(() => {
        done();
        this.retire(pw);
        reject(new BnextError('E_TOOL', `yosys (wasm) timed out after ${timeoutMs} ms${label}`, { field: 'yosys' }));
      }, timeoutMs);
      pw.worker.on('message', onMessage);
      pw.worker.on('error', onError);
      pw.worker.on('exit', onExit);
      pw.worker.postMessage({ id, ...req } satisfies YosysWorkerRequest);
    });
  }

  private async spawn(): Promise<PooledWorker> {
    const url = await workerUrl();
    const yowaspUrl = pathToFileURL(require.resolve('@yowasp/yosys')).href;
    const worker = new Worker(url, { workerData: { yowaspUrl } satisfies YosysWorkerData });
    const pw: PooledWorker = { worker };
    this.live.add(pw);
    await new Promise<void>((resolve, reject) => {
      const onReady = (m: { ready?: boolean }): void => {
        if (!m.ready) return;
        cleanup();
        resolve();
      };
      const onError = (e: Error): void => {
        cleanup();
        this.retire(pw);
        reject(new BnextError('E_TOOL', `cannot start the WASM Yosys (@yowasp/yosys): ${e.message}`, { field: 'yosys' }));
      };
      const onExit = (code: number): void => onError(new Error(`worker exited with status ${code}`));
      const cleanup = (): void => {
        worker.off('message', onReady);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onReady);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    return pw;
  }

  private release(pw: PooledWorker): void {
    pw.worker.unref();
    pw.idleTimer = setTimeout(() => {
      const i = this.idle.indexOf(pw);
      if (i >= 0) this.idle.splice(i, 1);
      this.retire(pw);
    }, WORKER_IDLE_MS);
    pw.idleTimer.unref();
    this.idle.push(pw);
  }

  private retire(pw: PooledWorker): void {
    if (pw.idleTimer) clearTimeout(pw.idleTimer);
    this.live.delete(pw);
    void pw.worker.terminate();
  }

  /** Terminates every worker (running jobs fail with E_TOOL). */
  async close(): Promise<void> {
    const all = [...this.live];
    this.idle.length = 0;
    this.live.clear();
    await Promise.all(all.map((pw) => (pw.idleTimer && clearTimeout(pw.idleTimer), pw.worker.terminate())));
  }
}

const pool = new WasmPool();

/** Stops the WASM Yosys worker threads now (they also retire by themselves when idle). */
export function closeYosysWorkers(): Promise<void> {
  return pool.close();
}
