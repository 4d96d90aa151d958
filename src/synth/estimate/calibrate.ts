/**
 * Calibration of the analytic resource model against Yosys: a set of core instances (a grid of
 * MVAU configurations, plus every other core as small generated designs instantiate it), each
 * synthesized on its own for a family, and a fit of every core's coefficients to those figures
 * (src/synth/estimate/fit.ts). The result is src/synth/estimate/coefficients.ts; regenerate it
 * with `BNEXT_WRITE_COEFFICIENTS=1 npm run bench -- estimate-calibration` (bench/
 * estimate-calibration.bench.mjs), which prints the fit error of every core.
 *
 * The samples are synthesized in `<work>/<source>/` folders through the cached job runner, so a
 * second calibration with the same RTL is served from the cache.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkBuilder } from '../../dsl/builder.js';
import type { Network } from '../../dsl/network.js';
import { zooNetwork } from '../../dsl/zoo.js';
import { CORES_DIR } from '../../emit/env.js';
import { generateDesign, writeDesign, type FoldChoice } from '../../emit/design.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { DEFAULT_QUANT } from '../../passes/quant-settings.js';
import { hashString } from '../../util/rng.js';
import { randomWeights } from '../../weights/random.js';
import { coreClosure, memFiles, runSynthJobs, type SynthJob } from '../jobs.js';
import { topInstances } from '../run.js';
import { cleanStatJson, parseDepth, synthScript, type ParamValue } from '../script.js';
import { bramUnits, parseStatJson, summarizeResources, type ResourceClass } from '../stat.js';
import { resolveYosysEngine } from '../yosys.js';
import type { EstimateTarget } from './types.js';

/** One core instance to synthesize. */
export interface CalibrationSample {
  /** Folder the sample is synthesized in (its `cores/` and `mem/` hold the sources). */
  readonly dir: string;
  /** Unique label, used for file names. */
  readonly label: string;
  /** Core module. */
  readonly module: string;
  /** Instance parameters (numbers; `mem/...` file names). */
  readonly params: Readonly<Record<string, ParamValue>>;
}

/** A sample's synthesized figures on one family. */
export interface CalibrationResult {
  /** The sample. */
  readonly sample: CalibrationSample;
  /** The family. */
  readonly target: EstimateTarget;
  /** Cells per resource class (whole subtree of the core). */
  readonly byClass: Readonly<Record<ResourceClass, number>>;
  /** Block RAMs in the family's smallest block (see src/synth/stat.ts bramUnits). */
  readonly bramUnits: number;
  /** Logic depth in cells (see src/synth/script.ts DEPTH_CUT). */
  readonly depth: number;
}

/** A grid point of the MVAU calibration. */
export interface MvauGridPoint {
  /** `mvau_xnor` or `mvau_int`. */
  readonly module: 'mvau_xnor' | 'mvau_int';
  /** Matrix width (K*K*Cin). */
  readonly MW: number;
  /** Matrix height (Cout). */
  readonly MH: number;
  /** Output channels per cycle. */
  readonly PE: number;
  /** Inputs per cycle. */
  readonly SIMD: number;
  /** mvau_int only: activation width. */
  readonly InW?: number;
  /** mvau_int only: weight width. */
  readonly WeightW?: number;
  /** Families to calibrate it on (default all): wide multi-bit MVAUs take Yosys too long on iCE40, which has no DSPs here. */
  readonly targets?: readonly EstimateTarget[];
}

/** The MVAU grid of the shipped calibration: binary layers at common foldings, and stems. */
export const MVAU_GRID: readonly MvauGridPoint[] = [
  ...(
    [
      [8, 8, 1, 1],
      [16, 16, 1, 1],
      [32, 16, 1, 2],
      [64, 32, 2, 4],
      [72, 8, 2, 2],
      [144, 16, 2, 2],
      [288, 32, 4, 4],
      [576, 128, 2, 8],
      [72, 16, 4, 8],
      [144, 16, 1, 16],
      [144, 32, 8, 4],
      [288, 32, 2, 32],
      [576, 64, 4, 16],
      [576, 64, 8, 64],
      [576, 64, 1, 64],
      [1152, 128, 4, 32],
      [1152, 64, 16, 8],
      [1152, 64, 2, 128],
      [2304, 256, 8, 128],
      [256, 256, 8, 32],
      [512, 512, 16, 64],
      [1024, 1024, 4, 128],
      [128, 128, 32, 16],
      // deep weight ROMs: stacked block RAMs with multiplexed outputs
      [4608, 64, 4, 16],
      [9216, 64, 2, 32],
    ] as const
  ).map(([MW, MH, PE, SIMD]) => ({ module: 'mvau_xnor' as const, MW, MH, PE, SIMD })),
  ...(
    [
      [27, 8, 1, 1, 8, 8],
      [27, 8, 2, 1, 8, 8],
      [27, 16, 1, 3, 8, 8],
      [27, 16, 2, 3, 8, 8],
      [27, 32, 4, 9, 8, 8],
      [27, 64, 8, 27, 8, 8],
      [147, 64, 4, 7, 8, 8],
      [64, 128, 2, 8, 16, 8],
      [27, 32, 8, 3, 8, 4],
    ] as const
  ).map(([MW, MH, PE, SIMD, InW, WeightW]) => ({
    module: 'mvau_int' as const,
    MW,
    MH,
    PE,
    SIMD,
    InW,
    WeightW,
    // 216 multipliers in LUT4s: Yosys did not finish synth_ice40 in 10 minutes
    ...(PE * SIMD > 100 ? { targets: ['xilinx'] as const } : {}),
  })),
];

/** A deterministic pseudo-random stream (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Copies the cores into `<dir>/cores/` (every core; a script reads only what its top needs). */
function copyCores(dir: string): string[] {
  mkdirSync(join(dir, 'cores'), { recursive: true });
  const files = readdirSync(CORES_DIR).filter((f) => f.endsWith('.v')).sort();
  for (const f of files) copyFileSync(join(CORES_DIR, f), join(dir, 'cores', f));
  return files.map((f) => `cores/${f}`);
}

/** Writes the MVAU grid's folder (cores, random weight ROMs) and returns its samples. */
export function mvauGridSamples(dir: string, grid: readonly MvauGridPoint[] = MVAU_GRID): CalibrationSample[] {
  copyCores(dir);
  mkdirSync(join(dir, 'mem'), { recursive: true });
  return grid.map((g) => {
    const ww = g.module === 'mvau_xnor' ? 1 : g.WeightW!;
    const bits = g.PE * g.SIMD * ww;
    const words = (g.MW / g.SIMD) * (g.MH / g.PE);
    const label = `${g.module}_mw${g.MW}_mh${g.MH}_pe${g.PE}_simd${g.SIMD}${g.module === 'mvau_int' ? `_in${g.InW}_w${ww}` : ''}`;
    const next = rng(hashString(label));
    const digits = Math.ceil(bits / 4);
    const lines: string[] = [];
    for (let i = 0; i < words; i++) {
      let w = '';
      for (let d = 0; d < digits; d++) w += (next() & (d === 0 && bits % 4 ? (1 << bits % 4) - 1 : 15)).toString(16);
      lines.push(w);
    }
    const file = `mem/${label}.mem`;
    if (!existsSync(join(dir, file))) writeFileAtomic(join(dir, file), lines.join('\n') + '\n');
    const accW = g.module === 'mvau_xnor' ? Math.ceil(Math.log2(g.MW + 1)) + 1 : g.InW! + ww + Math.ceil(Math.log2(g.MW));
    const params: Record<string, ParamValue> = { MW: g.MW, MH: g.MH, PE: g.PE, SIMD: g.SIMD, AccW: accW, WeightFile: file };
    if (g.module === 'mvau_int') Object.assign(params, { InW: g.InW!, WeightW: ww });
    return { dir, label, module: g.module, params };
  });
}

/** A small BNext-like network (the shape of the synthesis tests' design). */
function miniNet(name: string, input: number): Network {
  const b = new NetworkBuilder({ name, input: [3, input, input], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  t = b.bnextBlock(t, { name: 'feature.2', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

/** A generated design used as a source of core instances (name, network, folding). */
export interface DesignSource {
  /** Folder name under the calibration work directory. */
  readonly name: string;
  /** Builds the network. */
  readonly net: () => Network;
  /** Its folding. */
  readonly fold: FoldChoice;
}

/** Designs whose instances calibrate every core but the MVAU grid's (a wide spread of lane counts). */
export const DESIGN_SOURCES: readonly DesignSource[] = [
  { name: 'mini-slow', net: () => miniNet('mini', 32), fold: { kind: 'fps', targetFps: 2_000, clockMhz: 200 } },
  { name: 'mini-fast', net: () => miniNet('mini', 32), fold: { kind: 'fps', targetFps: 60_000, clockMhz: 200 } },
  { name: 'tiny64', net: () => zooNetwork('tiny', { input: 64, classes: 10 }), fold: { kind: 'fps', targetFps: 3_000, clockMhz: 200 } },
  { name: 'bnext18-64', net: () => zooNetwork('bnext18', { input: 64 }), fold: { kind: 'fps', targetFps: 500, clockMhz: 200 } },
];

/**
 * Instances left out of the calibration because Yosys 0.23 cannot synthesize them on this
 * machine: a threshold core reading its channel table on many lanes at once (Par 16 with 128
 * channels, Par 64 with 128) made synth_xilinx grow past 23 GB and be killed (the table becomes
 * a memory with Par read ports). Calibrated up to Par * Channels = 1024.
 */
function tooBig(module: string, params: Readonly<Record<string, ParamValue>>): boolean {
  const n = (k: string): number => (typeof params[k] === 'number' ? (params[k] as number) : 0);
  return module === 'threshold' && n('Par') * n('Channels') > 1024;
}

/** Numeric parameters only (file names differ between otherwise equal instances). */
function numericKey(module: string, params: Readonly<Record<string, ParamValue>>): string {
  return `${module}(${Object.keys(params).sort().filter((k) => typeof params[k] === 'number').map((k) => `${k}=${params[k]}`).join(',')})`;
}

/**
 * Generates a design source (once; an existing folder is reused with its synthesis cache) and
 * returns its distinct core instances, at most `perModule` of each core (spread over the sorted
 * list), MVAUs excluded. The folder's cores are refreshed from the templates on every call, so a
 * changed core is never calibrated from a stale copy; its instances' parameters are samples
 * whatever version of the emitter chose them.
 */
export function designSamples(work: string, src: DesignSource, perModule = 5): CalibrationSample[] {
  const dir = join(work, src.name);
  if (!existsSync(join(dir, 'manifest.json'))) {
    const net = src.net();
    const d = generateDesign({ net, ws: randomWeights(net, 1), weights: { seed: 1 }, quant: DEFAULT_QUANT, fold: src.fold, recipe: { calibration: src.name } });
    writeDesign(dir, d, true);
  } else for (const f of readdirSync(join(dir, 'cores'))) if (existsSync(join(CORES_DIR, f))) copyFileSync(join(CORES_DIR, f), join(dir, 'cores', f));
  const top = readdirSync(dir).find((f) => f.endsWith('_top.v'))!;
  const seen = new Map<string, CalibrationSample[]>();
  const keys = new Set<string>();
  for (const i of topInstances(readFileSync(join(dir, top), 'utf8'), null, join(dir, top))) {
    if (i.module.startsWith('mvau_') || tooBig(i.module, i.params)) continue;
    const key = numericKey(i.module, i.params);
    if (keys.has(key)) continue;
    keys.add(key);
    const list = seen.get(i.module) ?? [];
    list.push({ dir, label: `${i.module}_${i.node.replace(/[^\w.-]/g, '_')}`, module: i.module, params: i.params });
    seen.set(i.module, list);
  }
  const out: CalibrationSample[] = [];
  for (const list of seen.values()) {
    if (list.length <= perModule) out.push(...list);
    else for (let k = 0; k < perModule; k++) out.push(list[Math.floor((k * (list.length - 1)) / (perModule - 1))]!);
  }
  return out;
}

/** Samples per core and design source, per family (iCE40 runs fewer: its synthesis is slower). */
export const SAMPLES_PER_CORE: Readonly<Record<EstimateTarget, number>> = { xilinx: 5, ice40: 3 };

/** Every calibration sample of a family: the MVAU grid and the cores of {@link DESIGN_SOURCES}. */
export function calibrationSamples(work: string, target: EstimateTarget): CalibrationSample[] {
  const out = mvauGridSamples(join(work, 'grid'), MVAU_GRID.filter((g) => !g.targets || g.targets.includes(target)));
  for (const src of DESIGN_SOURCES) out.push(...designSamples(work, src, SAMPLES_PER_CORE[target]));
  return out;
}

/** Options of {@link synthSamples}. */
export interface SynthSamplesOptions {
  /** Parallel Yosys runs. */
  readonly jobs?: number;
  /** Progress lines. */
  readonly onProgress?: (line: string) => void;
}

/** Synthesizes samples for one family (cached per folder) and returns their figures and depths. */
export async function synthSamples(samples: readonly CalibrationSample[], target: EstimateTarget, o: SynthSamplesOptions = {}): Promise<CalibrationResult[]> {
  const engine = await resolveYosysEngine('auto');
  const byDir = new Map<string, CalibrationSample[]>();
  for (const s of samples) byDir.set(s.dir, [...(byDir.get(s.dir) ?? []), s]);
  const out = new Map<CalibrationSample, CalibrationResult>();
  for (const [dir, list] of byDir) {
    const mems = memFiles(dir);
    const jobs: SynthJob[] = list.map((s) => {
      // only the cores it uses: a change to one core re-synthesizes only its users
      const cores = coreClosure(dir, s.module);
      const base = `synth/cal/${s.label}.${target}`;
      const statFile = `${base}.stat.json`;
      const depthFile = `${base}.depth.txt`;
      const script = synthScript({ top: s.module, files: cores, target, params: s.params, statFile, depthFile });
      return { label: s.label, scriptFile: `${base}.ys`, script, statFile, depthFile, inputs: [...cores, ...mems] };
    });
    const res = await runSynthJobs(dir, jobs, { engine, ...(o.jobs !== undefined ? { jobs: o.jobs } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}), prefix: `calibrate ${target}` });
    list.forEach((s, k) => {
      const r = res[k]!;
      const rep = parseStatJson(cleanStatJson(r.stat), jobs[k]!.statFile);
      const stats = rep.design ?? rep.modules.find((m) => m.module === s.module)!;
      out.set(s, { sample: s, target, byClass: summarizeResources(stats, target).byClass, bramUnits: bramUnits(stats, target), depth: parseDepth(r.depth, jobs[k]!.depthFile) });
    });
  }
  return samples.map((s) => out.get(s)!);
}
