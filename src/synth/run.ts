/**
 * Synthesis of a generated design folder with Yosys: writes the script(s) under `<dir>/synth/`,
 * runs them (the design folder is the working directory, so the `$readmemh` files resolve), parses
 * the `stat -json` and logic-depth reports and writes `<dir>/synth/report.json` with per-core-type
 * (or per-layer) and total figures beside the analytic estimate (src/synth/estimate) and its
 * error. On iCE40, designs (or, with `fmax`, layers) that fit a part are placed and routed with
 * nextpnr-ice40 for their fmax (src/synth/timing.ts). Results are cached by content hash in
 * `<dir>/synth/cache/`.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BnextError, fail } from '../diag.js';
import { readManifest } from '../emit/reload.js';
import { fileFail, readFileChecked, writeFileAtomic } from '../io/atomic.js';
import { estimateCore, instanceShape } from './estimate/index.js';
import { addResources, NO_RESOURCES, type EstimateTarget, type Resources } from './estimate/types.js';
import { readLiberty } from '../power/liberty.js';
import { cellLibrary, coreRows, figures, subtreeStats, sumFigures, type CellLibrary, type SynthFigures } from './figures.js';
import { topInstances, type CoreInstance } from './instances.js';
import { coreClosure, memFiles, runSynthJobs, type SynthJob } from './jobs.js';
import { cleanStatJson, parseDepth, parseInstanceModules, synthScript } from './script.js';
import { parseStatJson, type CellStats, type StatReport, type StatTarget } from './stat.js';
import { ice40Fmax, ice40PartFor, ICE40_PARTS, type FmaxResult } from './timing.js';
import { resolveYosysEngine, type YosysEngine, type YosysEngineChoice } from './yosys.js';

export { subtreeStats } from './figures.js';
export type { SynthFigures } from './figures.js';
export { topInstances } from './instances.js';
export type { CoreInstance } from './instances.js';

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
  /**
   * A Liberty library for the generic target: a path as given (absolute or from the working
   * directory) or relative to the design folder. A library outside the folder is copied to
   * `synth/lib/`, so the written scripts stay runnable from the folder.
   */
  readonly liberty?: string;
  /**
   * iCE40 place and route for fmax: `true` always (each layer in per-layer mode; an error on other
   * targets), `false` never, `auto` (default) for a whole design that fits an iCE40 part.
   */
  readonly fmax?: boolean | 'auto';
  /** Wall-clock limit of one Yosys run in ms (default 4 hours, src/synth/jobs.ts SYNTH_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Called with progress lines (`synth: 3/9 done (12.3 s)`). */
  readonly onProgress?: (line: string) => void;
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
  /** Analytic LUT estimate of the row (absent on the generic target). */
  readonly lutsEstimate?: number;
  /** The whole analytic estimate of the row (absent on the generic target). */
  readonly estimate?: Resources;
  /** (estimated - synthesized LUTs) / synthesized LUTs, when both are known. */
  readonly lutsError?: number;
  /** Logic depth of the layer (cells on the longest combinational path; per-layer runs). */
  readonly depth?: number;
  /** Place-and-route result of the layer, or why there is none (per-layer runs with `fmax`). */
  readonly fmax?: FmaxSection;
}

/** The place-and-route section of a report: a result, or why there is none. */
export type FmaxSection = FmaxResult | { readonly skipped: string };

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
  /**
   * Whole-design runs: the same synthesis summed per layer (every instance of the layer with its
   * whole subtree), in the order of the top; cells of the top module itself belong to no layer.
   */
  readonly layers?: readonly SynthRow[];
  /** Totals over the design (or over the layers' MVAUs). */
  readonly total: SynthFigures;
  /** The family whose estimate stands beside the figures (iCE40's for the other LUT4 families). */
  readonly estimateFamily?: EstimateTarget;
  /** Analytic LUT estimate for the same scope (0 on the generic target). */
  readonly lutsEstimate: number;
  /** The whole analytic estimate for the same scope (absent on the generic target). */
  readonly estimate?: Resources;
  /** (estimate - synthesized LUTs) / synthesized LUTs; absent when synthesis gives no LUTs (generic). */
  readonly estimateError?: number;
  /** Logic depth: the whole design's, or the deepest layer's (absent with a Liberty library). */
  readonly depth?: number;
  /** iCE40 place and route of the whole design (design mode on ice40). */
  readonly fmax?: FmaxSection;
  /** Yosys runs served from the cache (not written to report.json). */
  readonly cacheHits: number;
  /** Yosys runs actually executed (not written to report.json). */
  readonly runs: number;
  /** Scripts written, relative to the design folder (runnable with `yosys -s`). */
  readonly scripts: readonly string[];
}

/** The calibrated family whose estimate is compared with a target's synthesis (none for generic). */
export function estimateFamilyOf(t: StatTarget): EstimateTarget | undefined {
  if (t === 'xilinx') return 'xilinx';
  if (t === 'generic') return undefined;
  return 'ice40'; // ice40, and the other LUT4 families (ecp5, gowin) as the nearest model
}

const relError = (est: number, syn: number): number | undefined => (syn > 0 ? (est - syn) / syn : undefined);

/** The design-folder-relative path of a Liberty file (copied to `synth/lib/` when it lies outside). */
function libertyInDesign(dir: string, given: string): string {
  const found = [given, join(dir, given)].find((p) => existsSync(p) && statSync(p).isFile());
  if (!found) fail('E_FILE', `Liberty file ${given} not found (tried it as given and in the design folder)`, { file: given, field: '--liberty' });
  const rel = relative(resolve(dir), resolve(found)).split(sep).join('/');
  if (!rel.startsWith('../') && !isAbsolute(rel)) return rel;
  const name = basename(found).replace(/[^A-Za-z0-9_.+-]/g, '_');
  const copy = join(dir, 'synth', 'lib', name);
  try {
    mkdirSync(dirname(copy), { recursive: true });
  } catch (e) {
    fileFail('create', dirname(copy), e);
  }
  writeFileAtomic(copy, readFileChecked(found));
  return `synth/lib/${name}`;
}

/** Synthesizes a design folder (see the module comment) and writes `synth/report.json`. */
export async function synthDesign(dir: string, o: SynthOptions): Promise<SynthReport> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail('E_DESIGN', `design folder ${dir} does not exist`, { file: dir });
  const m = readManifest(dir);
  const progress = o.onProgress ?? (() => undefined);
  const listFile = join(dir, `${m.top}.f`);
  if (!existsSync(listFile)) fail('E_DESIGN', `no filelist ${m.top}.f in ${dir}`, { file: dir });
  const files = readFileChecked(listFile).toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const t = o.target;
  if (o.liberty !== undefined && t !== 'generic') fail('E_ARG', `a Liberty library applies to the generic target only, not ${t}`, { field: '--liberty' });
  const liberty = o.liberty !== undefined ? libertyInDesign(dir, o.liberty) : undefined;
  if (o.fmax === true && t !== 'ice40') fail('E_ARG', `fmax comes from nextpnr-ice40 place and route; use --target ice40 (not ${t})`, { field: '--fmax' });
  const engine = await resolveYosysEngine(o.engine ?? 'auto');
  const lib = liberty !== undefined ? { liberty } : {};
  const depthOf = (base: string) => (liberty === undefined ? { depthFile: `synth/${base}.depth.txt` } : {});
  const topFile = join(dir, `${m.top}.v`);
  const topText = readFileChecked(topFile).toString('utf8');
  const all = o.perLayer ? topInstances(topText, 'mvau', topFile) : [];
  for (const l of o.layers ?? [])
    if (!all.some((i) => i.layer === l)) fail('E_ARG', `no MVAU layer '${l}' in ${m.top} (layers: ${all.map((i) => i.layer).join(', ')})`, { field: '--layer' });
  const insts = o.layers ? all.filter((i) => o.layers!.includes(i.layer)) : all;
  if (o.perLayer && insts.length === 0) fail('E_DESIGN', `no MVAU instances found in ${m.top}.v`, { file: topFile });
  const cores = files.filter((f) => f.startsWith('cores/'));
  const extra = [...memFiles(dir), ...(liberty !== undefined ? [liberty] : [])];
  const inputs = [...files, ...extra];
  const closures = new Map<string, string[]>();
  const jobs: SynthJob[] = o.perLayer
    ? insts.map((i) => {
        const base = `layers/${i.layer.replace(/[^\w.-]/g, '_')}.${t}`;
        const statFile = `synth/${base}.stat.json`;
        const d = depthOf(base);
        const used = closures.get(i.module) ?? coreClosure(dir, i.module);
        closures.set(i.module, used);
        const script = synthScript({ top: i.module, files: used, target: t, params: i.params, statFile, ...lib, ...d });
        return { label: i.layer, scriptFile: `synth/${base}.ys`, script, statFile, ...d, inputs: [...used, ...extra] };
      })
    : [(() => {
        const statFile = `synth/${t}.stat.json`;
        const cellsFile = `synth/${t}.top.v`;
        const d = depthOf(t);
        const script = synthScript({ top: m.top, files, target: t, statFile, cellsFile, ...lib, ...d });
        return { label: m.top, scriptFile: `synth/${t}.ys`, script, statFile, cellsFile, ...d, inputs };
      })()];
  // a Liberty library's cells: flip-flops vs gates, and their areas (Yosys 0.23 writes no area in stat -json)
  const cellLib = liberty !== undefined ? cellLibrary(readLiberty(join(dir, liberty))) : undefined;
  const results = await runSynthJobs(dir, jobs, { engine, ...(o.jobs !== undefined ? { jobs: o.jobs } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), onProgress: progress });
  const reports = jobs.map((j, k) => parseStatJson(cleanStatJson(results[k]!.stat), j.statFile));
  const depths = jobs.map((j, k) => (j.depthFile ? parseDepth(results[k]!.depth, j.depthFile) : undefined));
  const fam = estimateFamilyOf(t);
  const est = (i: CoreInstance): Resources => (fam ? estimateCore(instanceShape(i.module, i.params), fam) : NO_RESOURCES);
  const withEstimate = <R extends { figures: SynthFigures }>(row: R, e: Resources | undefined): R & Partial<SynthRow> => {
    if (!fam || !e) return row;
    const err = relError(e.luts, row.figures.luts);
    return { ...row, lutsEstimate: e.luts, estimate: e, ...(err !== undefined ? { lutsError: err } : {}) };
  };

  let rows: SynthRow[];
  let total: SynthFigures;
  let estimate = NO_RESOURCES;
  let depth: number | undefined;
  let fmax: FmaxSection | undefined;
  let layers: SynthRow[] | undefined;
  if (o.perLayer) {
    rows = insts.map((i, k) => {
      const r = reports[k]!;
      const e = est(i);
      estimate = addResources(estimate, e);
      const d = depths[k];
      return withEstimate({ name: i.layer, module: i.module, instances: 1, figures: figures(r.design ?? subtreeStats(r, i.module), t, cellLib), ...(d !== undefined ? { depth: d } : {}) }, e);
    });
    if (o.fmax === true) {
      const fm = await layerFmax(dir, insts, rows, cores, engine, progress);
      rows = rows.map((r, k) => ({ ...r, fmax: fm[k]! }));
    }
    total = sumFigures(rows.map((r) => r.figures), t);
    const ds = depths.filter((d): d is number => d !== undefined);
    if (ds.length) depth = Math.max(...ds);
  } else {
    const r = reports[0]!;
    const byModule = new Map<string, Resources>();
    const everyInstance = topInstances(topText, null, topFile);
    for (const i of everyInstance) byModule.set(i.module, addResources(byModule.get(i.module) ?? NO_RESOURCES, est(i)));
    layers = layerRows(r, parseInstanceModules(results[0]!.cells), everyInstance, t, est, withEstimate, cellLib);
    rows = coreRows(r, m.top, t, cellLib).map((c) => {
      const e = byModule.get(c.name);
      if (e) estimate = addResources(estimate, e);
      return withEstimate({ name: c.name, module: c.name, instances: c.instances, figures: c.figures }, e);
    });
    total = figures(r.design ?? subtreeStats(r, m.top), t, cellLib);
    depth = depths[0];
    if (t === 'ice40' && o.fmax !== false) fmax = await designFmax(dir, m.top, files, total, engine, o.fmax === true, progress);
  }
  const err = fam ? relError(estimate.luts, total.luts) : undefined;
  const report: SynthReport = {
    top: m.top,
    target: t,
    mode: o.perLayer ? 'per-layer' : 'design',
    engine,
    yosys: results[0]!.yosys,
    rows,
    ...(layers ? { layers } : {}),
    total,
    ...(fam ? { estimateFamily: fam, estimate } : {}),
    lutsEstimate: estimate.luts,
    ...(err !== undefined ? { estimateError: err } : {}),
    ...(depth !== undefined ? { depth } : {}),
    ...(fmax ? { fmax } : {}),
    cacheHits: results.filter((x) => x.cached).length,
    runs: results.filter((x) => !x.cached).length,
    scripts: jobs.map((j) => j.scriptFile),
  };
  // The file leaves out the cache statistics so equal inputs give a byte-identical report.
  const { cacheHits: _h, runs: _r, ...stable } = report;
  writeFileAtomic(join(dir, 'synth', 'report.json'), JSON.stringify(stable, null, 2) + '\n');
  return report;
}

/**
 * Rows per layer of a hierarchical whole-design run: each layer's instances (module of each from
 * the written top netlist) with their subtrees. Undefined when the netlist does not name every
 * instance (e.g. a cache entry from before the netlist was written).
 */
function layerRows(
  r: StatReport,
  modules: ReadonlyMap<string, string>,
  insts: readonly CoreInstance[],
  t: StatTarget,
  est: (i: CoreInstance) => Resources,
  withEstimate: (row: SynthRow, e: Resources | undefined) => SynthRow,
  lib: CellLibrary | undefined,
): SynthRow[] | undefined {
  if (insts.some((i) => !modules.has(i.instance))) return undefined;
  const memo = new Map<string, CellStats>();
  const byLayer = new Map<string, { insts: CoreInstance[]; figs: SynthFigures[] }>();
  for (const i of insts) {
    const l = byLayer.get(i.layer) ?? { insts: [], figs: [] };
    l.insts.push(i);
    l.figs.push(figures(subtreeStats(r, modules.get(i.instance)!, memo), t, lib));
    byLayer.set(i.layer, l);
  }
  return [...byLayer].map(([layer, l]) => {
    const mvau = l.insts.find((i) => i.kind === 'mvau');
    const e = l.insts.reduce((a, i) => addResources(a, est(i)), NO_RESOURCES);
    return withEstimate({ name: layer, module: mvau?.module ?? '', instances: l.insts.length, figures: sumFigures(l.figs, t) }, e);
  });
}

/** Place and route of the whole design when asked, or when it fits a part (`auto`). */
async function designFmax(dir: string, top: string, files: readonly string[], total: SynthFigures, engine: YosysEngine, forced: boolean, progress: (l: string) => void): Promise<FmaxSection> {
  const part = ice40PartFor(total.luts, total.ffs, total.bram) ?? (forced ? ICE40_PARTS[ICE40_PARTS.length - 1]! : undefined);
  if (!part) return { skipped: `${total.luts} LUTs, ${total.ffs} FFs, ${total.bram} RAMs do not fit ${ICE40_PARTS.map((p) => p.name).join(' or ')}` };
  progress(`synth: placing and routing ${top} on iCE40 ${part.name} (nextpnr-ice40)`);
  try {
    return await ice40Fmax({ dir, label: top, module: top, params: {}, files, part, engine });
  } catch (e) {
    if (e instanceof BnextError && !forced) return { skipped: e.message };
    throw e;
  }
}

/** Place and route of every layer's MVAU on the smallest part it fits (one at a time: nextpnr is memory-hungry). */
async function layerFmax(dir: string, insts: readonly CoreInstance[], rows: readonly SynthRow[], cores: readonly string[], engine: YosysEngine, progress: (l: string) => void): Promise<FmaxSection[]> {
  const out: FmaxSection[] = [];
  const started = performance.now();
  for (const [k, i] of insts.entries()) {
    const f = rows[k]!.figures;
    const part = ice40PartFor(f.luts, f.ffs, f.bram);
    out.push(part ? await ice40Fmax({ dir, label: i.layer, module: i.module, params: i.params, files: cores, part, engine }) : { skipped: `${f.luts} LUTs, ${f.ffs} FFs, ${f.bram} RAMs do not fit ${ICE40_PARTS.map((p) => p.name).join(' or ')}` });
    progress(`synth: fmax ${out.length}/${insts.length} layers (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return out;
}
