/**
 * Cached, parallel Yosys runs in a design folder: each job is a script that writes a `stat -json`
 * report (and optionally a logic-depth report); results are cached by a content hash of the script,
 * the files it reads and the engine, in `<dir>/synth/cache/<hash>.json`. Shared by `synthDesign`
 * and the estimate calibration.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fail } from '../diag.js';
import { fileFail, readFileChecked, writeFileAtomic } from '../io/atomic.js';
import { runYosys, type YosysEngine } from './yosys.js';

/** One Yosys run of {@link runSynthJobs}. */
export interface SynthJob {
  /** Names the job in progress lines and errors (a layer or a core). */
  readonly label: string;
  /** Where the script is written, relative to the design folder. */
  readonly scriptFile: string;
  /** The script text. */
  readonly script: string;
  /** The `stat -json` file the script writes (relative). */
  readonly statFile: string;
  /** The logic-depth (`ltp`) file the script writes, if any (relative). */
  readonly depthFile?: string;
  /** The top-module netlist file the script writes, if any (relative; see synthScript's cellsFile). */
  readonly cellsFile?: string;
  /** Files the script reads (relative to the folder); their contents enter the cache key. */
  readonly inputs: readonly string[];
}

/** What a job produced (from Yosys or from the cache). */
export interface SynthJobResult {
  /** Yosys version banner. */
  readonly yosys: string;
  /** Raw text of the stat file. */
  readonly stat: string;
  /** Raw text of the depth file ('' when the job wrote none). */
  readonly depth: string;
  /** Raw text of the top-module netlist file ('' when the job wrote none). */
  readonly cells: string;
  /** Served from the cache. */
  readonly cached: boolean;
}

/** Options of {@link runSynthJobs}. */
export interface SynthJobOptions {
  /** The engine every job runs on. */
  readonly engine: YosysEngine;
  /** Parallel runs; default: the number of CPUs. */
  readonly jobs?: number;
  /** Progress lines (`synth: 3/9 done (12.3 s)`). */
  readonly onProgress?: (line: string) => void;
  /** Prefix of progress lines; default `synth`. */
  readonly prefix?: string;
  /** While runs are going, a progress line at least this often (ms; default 30 000; 0: none). */
  readonly heartbeatMs?: number;
  /** Wall-clock limit of one Yosys run (ms); default {@link SYNTH_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** Default limit of one synthesis run: 4 hours (whole designs and wide layers on iCE40 take long). */
export const SYNTH_TIMEOUT_MS = 4 * 3600 * 1000;

function sha(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The inputs that never change between jobs of one folder are hashed once per call. */
function fileHasher(dir: string): (f: string) => string {
  const memo = new Map<string, string>();
  return (f) => {
    let h = memo.get(f);
    if (h === undefined) {
      h = sha(readFileChecked(join(dir, f)));
      memo.set(f, h);
    }
    return h;
  };
}

/** Every file under `<dir>/mem/` (relative paths, sorted): the `$readmemh` files a script may read. */
export function memFiles(dir: string): string[] {
  return existsSync(join(dir, 'mem')) ? readdirSync(join(dir, 'mem')).sort().map((f) => `mem/${f}`) : [];
}

/**
 * The core files (`cores/<name>.v`, sorted) that module `top` needs: its own file and those of the
 * cores it instantiates, transitively (instantiations read from the sources: `name #(` or
 * `name u_x (`). A job that reads only these is cached by them alone, so changing one core
 * re-synthesizes only what uses it.
 */
export function coreClosure(dir: string, top: string): string[] {
  const seen = new Set<string>();
  const visit = (m: string): void => {
    const file = join(dir, 'cores', `${m}.v`);
    if (seen.has(m) || !existsSync(file)) return;
    seen.add(m);
    const text = readFileSync(file, 'utf8').replace(/\/\/[^\n]*/g, '');
    for (const x of text.matchAll(/^\s*([A-Za-z_]\w*)\s+(?:#\s*\(|u_\w+\s*\()/gm)) visit(x[1]!);
  };
  visit(top);
  if (!seen.size) fail('E_DESIGN', `no core file cores/${top}.v in ${dir}`, { file: join(dir, 'cores') });
  return [...seen].sort().map((m) => `cores/${m}.v`);
}

function cacheKey(script: string, engine: YosysEngine, inputs: readonly string[], hash: (f: string) => string): string {
  return sha(JSON.stringify({ v: 2, script, engine, inputs: inputs.map((f) => [f, hash(f)]) }));
}

/** A cache entry, or undefined when it is unreadable (then Yosys runs again and rewrites it). */
function readCache(file: string): Omit<SynthJobResult, 'cached'> | undefined {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as Partial<SynthJobResult>;
    if (typeof e.yosys !== 'string' || typeof e.stat !== 'string') return undefined;
    return { yosys: e.yosys, stat: e.stat, depth: typeof e.depth === 'string' ? e.depth : '', cells: typeof e.cells === 'string' ? e.cells : '' };
  } catch {
    return undefined;
  }
}

/**
 * Writes every job's script, serves what it can from the cache and runs the rest in parallel
 * lanes (no new run starts after a failure; the first failure is thrown once the running ones end).
 * Results come back in job order.
 */
export async function runSynthJobs(dir: string, jobs: readonly SynthJob[], o: SynthJobOptions): Promise<SynthJobResult[]> {
  const prefix = o.prefix ?? 'synth';
  const progress = o.onProgress ?? (() => undefined);
  const conc = o.jobs ?? availableParallelism();
  if (!Number.isInteger(conc) || conc < 1) fail('E_ARG', `jobs must be a positive integer, got ${conc}`, { field: '--jobs' });
  const cacheDir = join(dir, 'synth', 'cache');
  try {
    mkdirSync(cacheDir, { recursive: true });
    for (const j of jobs) mkdirSync(dirname(join(dir, j.scriptFile)), { recursive: true });
  } catch (e) {
    fileFail('create', join(dir, 'synth'), e);
  }
  for (const j of jobs) writeFileAtomic(join(dir, j.scriptFile), j.script);
  const hash = fileHasher(dir);
  const keys = jobs.map((j) => cacheKey(j.script, o.engine, j.inputs, hash));
  const results: (SynthJobResult | undefined)[] = keys.map((k) => {
    const f = join(cacheDir, `${k}.json`);
    const e = existsSync(f) ? readCache(f) : undefined;
    return e ? { ...e, cached: true } : undefined;
  });
  const todo = jobs.map((_, k) => k).filter((k) => results[k] === undefined);
  let done = jobs.length - todo.length;
  const started = performance.now();
  progress(`${prefix}: ${jobs.length} Yosys run(s) (${o.engine}), ${done} from the cache`);
  let next = 0;
  let failure: unknown;
  const running = new Set<string>();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const beatMs = o.heartbeatMs ?? 30_000;
  const beat = beatMs > 0 && todo.length ? setInterval(() => progress(`${prefix}: ${done}/${jobs.length} done, running ${[...running].join(', ')} (${elapsed()})`), beatMs) : undefined;
  beat?.unref();
  const lane = async (): Promise<void> => {
    while (next < todo.length && failure === undefined) {
      const k = todo[next++]!;
      const j = jobs[k]!;
      running.add(j.label);
      try {
        const outputs = [j.statFile, ...(j.depthFile ? [j.depthFile] : []), ...(j.cellsFile ? [j.cellsFile] : [])];
        const r = await runYosys({ script: j.script, cwd: dir, outputs, engine: o.engine, label: j.label, timeoutMs: o.timeoutMs ?? SYNTH_TIMEOUT_MS });
        const entry = { yosys: r.version, stat: r.outputs[j.statFile]!, depth: j.depthFile ? r.outputs[j.depthFile]! : '', cells: j.cellsFile ? r.outputs[j.cellsFile]! : '' };
        writeFileAtomic(join(cacheDir, `${keys[k]}.json`), JSON.stringify(entry));
        results[k] = { ...entry, cached: false };
        done++;
        progress(`${prefix}: ${done}/${jobs.length} done (${elapsed()})`);
      } catch (e) {
        failure ??= e;
      } finally {
        running.delete(j.label);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(conc, todo.length) }, lane));
  } finally {
    if (beat) clearInterval(beat);
  }
  if (failure !== undefined) throw failure;
  return results as SynthJobResult[];
}
