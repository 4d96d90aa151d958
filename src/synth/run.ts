/**
 * Synthesis of a generated design folder with Yosys: writes the script(s) under `<dir>/synth/`,
 * runs them (the design folder is the working directory, so the `$readmemh` files resolve), parses
 * the `stat -json` reports and writes `<dir>/synth/report.json` with per-core-type (or per-layer)
 * and total figures beside the analytic estimate. Results are cached by a content hash of the
 * script, the files it reads and the engine, in `<dir>/synth/cache/`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fail } from '../diag.js';
import { readManifest } from '../emit/reload.js';
import { fileFail, readFileChecked, writeFileAtomic } from '../io/atomic.js';
import { LUT_PER_BINARY_MAC, LUT_PER_INT_MAC_BIT } from './estimate/model.js';
import { cleanStatJson, synthScript, type ParamValue } from './script.js';
import { parseStatJson, summarizeResources, type CellStats, type ResourceClass, type StatReport, type StatTarget } from './stat.js';
import { resolveYosysEngine, runYosys, type YosysEngine, type YosysEngineChoice } from './yosys.js';

/** Options of {@link synthDesign}. */
export interface SynthOptions {
  /** Technology target. */
  readonly target: StatTarget;
  /** Synthesize each MVAU instance on its own (in parallel) instead of the whole design. */
  readonly perLayer?: boolean;
  /** With `perLayer`: only these layers (names as in the manifest); default all. */
  readonly layers?: readonly string[];
  /** Parallel Yosys runs for `perLayer`; default: the number of CPUs. */
  readonly jobs?: number;
  /** Which Yosys; default `auto` (native when on PATH, else WASM). */
  readonly engine?: YosysEngineChoice;
  /** A Liberty library (path relative to the design folder) for the generic target. */
  readonly liberty?: string;
  /** Called with progress lines (`synth: 3/9 layers done (12.3 s)`). */
  readonly onProgress?: (line: string) => void;
}

/** Synthesis figures of a module, a layer or the whole design. */
export interface SynthFigures {
  /** LUTs (0 for generic: Yosys' gate library has none). */
  readonly luts: number;
  /** Flip-flops. */
  readonly ffs: number;
  /** Carry-chain cells. */
  readonly carry: number;
  /** Block RAMs. */
  readonly bram: number;
  /** Distributed RAM / shift-register LUTs. */
  readonly lutram: number;
  /** DSP / multiplier blocks. */
  readonly dsp: number;
  /** Generic logic gates (generic target). */
  readonly gates: number;
  /** All cells. */
  readonly cells: number;
  /** CMOS transistor estimate (generic target without Liberty). */
  readonly transistors?: number;
  /** Cells per resource class. */
  readonly byClass: Readonly<Record<ResourceClass, number>>;
}

/** One row of the report: a core type (whole-design run) or a layer's MVAU (per-layer run). */
export interface SynthRow {
  /** Core type (e.g. `mvau_xnor`) or layer name (e.g. `feature.1.Attention`). */
  readonly name: string;
  /** Verilog core module. */
  readonly module: string;
  /** Instances of the core under the top (1 per layer in per-layer runs). */
  readonly instances: number;
  /** Synthesis figures (summed over the instances and their sub-modules). */
  readonly figures: SynthFigures;
  /** Analytic LUT estimate, where one exists for the row. */
  readonly lutsEstimate?: number;
}

/** The synthesis report (`synth/report.json` holds it without `cacheHits` and `runs`). */
export interface SynthReport {
  /** Top module of the design. */
  readonly top: string;
  /** Technology target. */
  readonly target: StatTarget;
  /** Whole design, or each MVAU on its own. */
  readonly mode: 'design' | 'per-layer';
  /** Engine that ran (or produced the cached results). */
  readonly engine: YosysEngine;
  /** Yosys version banner. */
  readonly yosys: string;
  /** Rows: per core type, or per layer. */
  readonly rows: readonly SynthRow[];
  /** Totals over the design (or over the layers' MVAUs). */
  readonly total: SynthFigures;
  /** Analytic LUT estimate for the same scope (manifest, or the MVAU model per layer). */
  readonly lutsEstimate: number;
  /** (estimate - synthesized LUTs) / synthesized LUTs; absent when synthesis gives no LUTs (generic). */
  readonly estimateError?: number;
  /** Yosys runs served from the cache (not written to report.json). */
  readonly cacheHits: number;
  /** Yosys runs actually executed (not written to report.json). */
  readonly runs: number;
  /** Scripts written, relative to the design folder (runnable with `yosys -s`). */
  readonly scripts: readonly string[];
}

/** An MVAU instance of the top, read from its instance comment and parameter list. */
export interface CoreInstance {
  /** Layer name (from the instance comment). */
  readonly layer: string;
  /** IR node id. */
  readonly node: string;
  /** Core module name. */
  readonly module: string;
  /** Parameters: integers, and file names with the MemDir prefix resolved to `mem/`. */
  readonly params: Readonly<Record<string, ParamValue>>;
}

const INSTANCE = /^ {2}\/\/ ([^:\n]+): (\S+) \((\w+)[^\n]*\n {2}(\w+) #\(\n((?: {4}\.\w+\([^\n]*\),?\n)*) {2}\) u_\w+ \(/gm;

/** Reads the instances of a given IR kind (default `mvau`) from a top file's text. */
export function topInstances(topText: string, kind = 'mvau', file = 'top'): CoreInstance[] {
  const out: CoreInstance[] = [];
  for (const m of topText.matchAll(INSTANCE)) {
    if (m[3] !== kind) continue;
    const params: Record<string, ParamValue> = {};
    for (const line of m[5]!.split('\n').filter(Boolean)) {
      const p = /^ {4}\.(\w+)\((.*)\),?$/.exec(line)!;
      const v = p[2]!;
      const str = /^\{MemDir, "([\w.]+)"\}$/.exec(v);
      if (/^\d+$/.test(v)) params[p[1]!] = Number(v);
      else if (str) params[p[1]!] = `mem/${str[1]}`;
      else if (/^"[\w.]*"$/.test(v)) params[p[1]!] = v.slice(1, -1);
      else fail('E_DESIGN', `cannot read parameter ${p[1]} = ${v} of ${m[2]} for per-layer synthesis`, { file, field: m[2] });
    }
    out.push({ layer: m[1]!, node: m[2]!, module: m[4]!, params });
  }
  return out;
}

/** The analytic LUT estimate of one MVAU instance (the mvau case of estimate/model.ts). */
function mvauEstimate(i: CoreInstance): number {
  const n = (k: string): number => (typeof i.params[k] === 'number' ? (i.params[k] as number) : 0);
  const macs = n('PE') * n('SIMD');
  return Math.round(i.module === 'mvau_xnor' ? LUT_PER_BINARY_MAC * macs : LUT_PER_INT_MAC_BIT * macs * n('WeightW') * n('InW'));
}

/** The core type a (possibly parameterized) Yosys module name belongs to. */
function coreType(mod: string): string {
  const m = /^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)/.exec(mod);
  return m ? m[1]! : mod.replace(/^\\/, '');
}

function figures(stats: CellStats, target: StatTarget): SynthFigures {
  const s = summarizeResources(stats, target);
  const c = s.byClass;
  return {
    luts: c.lut,
    ffs: c.ff,
    carry: c.carry,
    bram: c.bram,
    lutram: c.lutram,
    dsp: c.dsp,
    gates: c.gate,
    cells: Object.values(c).reduce((a, b) => a + b, 0) - c.meta,
    ...(stats.transistors !== undefined ? { transistors: stats.transistors } : {}),
    byClass: c,
  };
}

/**
 * Leaf cells of a module's whole subtree: submodule instances replaced by their own cells times the
 * instance count, transistors summed likewise. Matches Yosys' `design` section for the top.
 */
export function subtreeStats(report: StatReport, name: string, memo = new Map<string, CellStats>()): CellStats {
  const hit = memo.get(name);
  if (hit) return hit;
  const mods = new Map(report.modules.map((m) => [m.module, m]));
  const own = mods.get(name);
  if (!own) fail('E_TOOL', `Yosys stat report has no module ${name}`, { field: 'modules' });
  const byType: Record<string, number> = {};
  let transistors = own.transistors;
  for (const [type, n] of Object.entries(own.byType)) {
    const sub = type.replace(/^\\/, '');
    if (mods.has(sub) && sub !== name) {
      const s = subtreeStats(report, sub, memo);
      for (const [t, k] of Object.entries(s.byType)) byType[t] = (byType[t] ?? 0) + k * n;
      if (transistors !== undefined && s.transistors !== undefined) transistors += s.transistors * n;
    } else byType[type] = (byType[type] ?? 0) + n;
  }
  const r: CellStats = { ...own, byType, cells: Object.values(byType).reduce((a, b) => a + b, 0), ...(transistors !== undefined ? { transistors } : {}) };
  memo.set(name, r);
  return r;
}

/** Per-core-type rows: each direct child type of the top, with its whole subtree. */
function coreRows(report: StatReport, top: string, target: StatTarget): SynthRow[] {
  const mods = new Set(report.modules.map((m) => m.module));
  const topStats = report.modules.find((m) => m.module === top);
  if (!topStats) fail('E_TOOL', `Yosys stat report has no module ${top}`, { field: 'modules' });
  const groups = new Map<string, { instances: number; byType: Record<string, number>; transistors?: number }>();
  const memo = new Map<string, CellStats>();
  for (const [type, n] of Object.entries(topStats.byType)) {
    const sub = type.replace(/^\\/, '');
    if (!mods.has(sub)) continue;
    const s = subtreeStats(report, sub, memo);
    const g = groups.get(coreType(sub)) ?? { instances: 0, byType: {} };
    g.instances += n;
    for (const [t, k] of Object.entries(s.byType)) g.byType[t] = (g.byType[t] ?? 0) + k * n;
    if (s.transistors !== undefined) g.transistors = (g.transistors ?? 0) + s.transistors * n;
    groups.set(coreType(sub), g);
  }
  return [...groups.keys()].sort().map((name) => {
    const g = groups.get(name)!;
    const stats: CellStats = { ...topStats, module: name, byType: g.byType, ...(g.transistors !== undefined ? { transistors: g.transistors } : {}) };
    return { name, module: name, instances: g.instances, figures: figures(stats, target) };
  });
}

function sumFigures(rows: readonly SynthFigures[], target: StatTarget): SynthFigures {
  const byType: Record<string, number> = {};
  let transistors: number | undefined;
  const stats: CellStats = { module: '(sum)', cells: 0, byType, wires: 0, wireBits: 0, memories: 0, memoryBits: 0, processes: 0 };
  const f = figures(stats, target);
  const byClass = { ...f.byClass };
  for (const r of rows) {
    for (const k of Object.keys(byClass) as ResourceClass[]) byClass[k] += r.byClass[k];
    if (r.transistors !== undefined) transistors = (transistors ?? 0) + r.transistors;
  }
  const c = byClass;
  return { luts: c.lut, ffs: c.ff, carry: c.carry, bram: c.bram, lutram: c.lutram, dsp: c.dsp, gates: c.gate, cells: Object.values(c).reduce((a, b) => a + b, 0) - c.meta, ...(transistors !== undefined ? { transistors } : {}), byClass: c };
}

function sha(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of everything a script reads: its text, the engine, the Verilog files, the memories, the library. */
function cacheKey(dir: string, script: string, engine: YosysEngine, files: readonly string[], liberty?: string): string {
  const mem = existsSync(join(dir, 'mem')) ? readdirSync(join(dir, 'mem')).sort().map((f) => `mem/${f}`) : [];
  const inputs = [...files, ...mem, ...(liberty ? [liberty] : [])].map((f) => [f, sha(readFileChecked(join(dir, f)))]);
  return sha(JSON.stringify({ v: 1, script, engine, inputs }));
}

interface Job {
  readonly label: string;
  readonly scriptFile: string;
  readonly script: string;
  readonly statFile: string;
  readonly key: string;
}

interface CacheEntry {
  readonly yosys: string;
  readonly stat: string;
}

/** A cache entry, or undefined when it is unreadable (then Yosys runs again and rewrites it). */
function readCache(file: string): CacheEntry | undefined {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheEntry>;
    return typeof e.yosys === 'string' && typeof e.stat === 'string' ? { yosys: e.yosys, stat: e.stat } : undefined;
  } catch {
    return undefined;
  }
}

/** Synthesizes a design folder (see the module comment) and writes `synth/report.json`. */
export async function synthDesign(dir: string, o: SynthOptions): Promise<SynthReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail('E_DESIGN', `design folder ${dir} does not exist`, { file: dir });
  const m = readManifest(dir);
  const progress = o.onProgress ?? (() => undefined);
  const listFile = join(dir, `${m.top}.f`);
  if (!existsSync(listFile)) fail('E_DESIGN', `no filelist ${m.top}.f in ${dir}`, { file: dir });
  const files = readFileChecked(listFile).toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  if (o.liberty !== undefined && !existsSync(join(dir, o.liberty))) fail('E_FILE', `Liberty file ${o.liberty} not found (the path is relative to the design folder)`, { file: join(dir, o.liberty), field: '--liberty' });
  const engine = await resolveYosysEngine(o.engine ?? 'auto');
  const t = o.target;
  const lib = o.liberty !== undefined ? { liberty: o.liberty } : {};
  const all = o.perLayer ? topInstances(readFileChecked(join(dir, `${m.top}.v`)).toString('utf8'), 'mvau', join(dir, `${m.top}.v`)) : [];
  for (const l of o.layers ?? [])
    if (!all.some((i) => i.layer === l)) fail('E_ARG', `no MVAU layer '${l}' in ${m.top} (layers: ${all.map((i) => i.layer).join(', ')})`, { field: '--layer' });
  const insts = o.layers ? all.filter((i) => o.layers!.includes(i.layer)) : all;
  if (o.perLayer && insts.length === 0) fail('E_DESIGN', `no MVAU instances found in ${m.top}.v`, { file: join(dir, `${m.top}.v`) });
  const cores = files.filter((f) => f.startsWith('cores/'));
  const jobs: Job[] = o.perLayer
    ? insts.map((i) => {
        const base = `layers/${i.layer.replace(/[^\w.-]/g, '_')}.${t}`;
        const statFile = `synth/${base}.stat.json`;
        const script = synthScript({ top: i.module, files: cores, target: t, params: i.params, statFile, ...lib });
        return { label: i.layer, scriptFile: `synth/${base}.ys`, script, statFile, key: cacheKey(dir, script, engine, files, o.liberty) };
      })
    : [(() => {
        const statFile = `synth/${t}.stat.json`;
        const script = synthScript({ top: m.top, files, target: t, statFile, ...lib });
        return { label: m.top, scriptFile: `synth/${t}.ys`, script, statFile, key: cacheKey(dir, script, engine, files, o.liberty) };
      })()];
  try {
    mkdirSync(join(dir, 'synth', 'cache'), { recursive: true });
    if (o.perLayer) mkdirSync(join(dir, 'synth', 'layers'), { recursive: true });
  } catch (e) {
    fileFail('create', join(dir, 'synth'), e);
  }
  for (const j of jobs) writeFileAtomic(join(dir, j.scriptFile), j.script);

  const started = performance.now();
  const cached = new Map<number, CacheEntry>();
  jobs.forEach((j, k) => {
    const f = join(dir, 'synth', 'cache', `${j.key}.json`);
    if (existsSync(f)) {
      const e = readCache(f);
      if (e) cached.set(k, e);
    }
  });
  const todo = jobs.map((_, k) => k).filter((k) => !cached.has(k));
  let done = jobs.length - todo.length;
  progress(`synth: ${jobs.length} Yosys run(s) for ${t} (${engine}), ${done} from the cache`);
  const conc = o.jobs ?? availableParallelism();
  if (!Number.isInteger(conc) || conc < 1) fail('E_ARG', `jobs must be a positive integer, got ${conc}`, { field: '--jobs' });
  // A shared queue of lanes (like runYosysMany) that reports each finished run; no new run
  // starts after a failure, and the first failure is thrown once the running ones have finished.
  let next = 0;
  let failure: unknown;
  const lane = async (): Promise<void> => {
    while (next < todo.length && failure === undefined) {
      const k = todo[next++]!;
      const j = jobs[k]!;
      try {
        const r = await runYosys({ script: j.script, cwd: dir, outputs: [j.statFile], engine, label: j.label });
        const entry: CacheEntry = { yosys: r.version, stat: r.outputs[j.statFile]! };
        writeFileAtomic(join(dir, 'synth', 'cache', `${j.key}.json`), JSON.stringify(entry));
        cached.set(k, entry);
        done++;
        progress(`synth: ${done}/${jobs.length} done (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, todo.length) }, lane));
  if (failure !== undefined) throw failure;

  const reports = jobs.map((j, k) => parseStatJson(cleanStatJson(cached.get(k)!.stat), j.statFile));
  let rows: SynthRow[];
  let total: SynthFigures;
  let lutsEstimate: number;
  if (o.perLayer) {
    rows = insts.map((i, k) => {
      const r = reports[k]!;
      const stats = r.design ?? subtreeStats(r, i.module);
      return { name: i.layer, module: i.module, instances: 1, figures: figures(stats, t), lutsEstimate: mvauEstimate(i) };
    });
    total = sumFigures(rows.map((r) => r.figures), t);
    lutsEstimate = rows.reduce((a, r) => a + (r.lutsEstimate ?? 0), 0);
  } else {
    const r = reports[0]!;
    rows = coreRows(r, m.top, t);
    total = figures(r.design ?? subtreeStats(r, m.top), t);
    lutsEstimate = m.resources.lutsEstimate;
  }
  const report: SynthReport = {
    top: m.top,
    target: t,
    mode: o.perLayer ? 'per-layer' : 'design',
    engine,
    yosys: cached.get(0)!.yosys,
    rows,
    total,
    lutsEstimate,
    ...(total.luts > 0 ? { estimateError: (lutsEstimate - total.luts) / total.luts } : {}),
    cacheHits: jobs.length - todo.length,
    runs: todo.length,
    scripts: jobs.map((j) => j.scriptFile),
  };
  // The file leaves out the cache statistics so equal inputs give a byte-identical report.
  const { cacheHits: _h, runs: _r, ...stable } = report;
  writeFileAtomic(join(dir, 'synth', 'report.json'), JSON.stringify(stable, null, 2) + '\n');
  return report;
}
