/**
 * Synthesis figures from parsed `stat -json` reports: resource classes of a module's whole
 * subtree (submodule instances expanded), rows per core type of a hierarchical design, and sums.
 */
import { fail } from '../diag.js';
import type { Liberty } from '../power/liberty.js';
import { bramUnits, summarizeResources, type CellStats, type ResourceClass, type StatReport, type StatTarget } from './stat.js';

/** Synthesis figures of a module, a layer or the whole design. */
export interface SynthFigures {
  /** LUTs (0 for generic: Yosys' gate library has none). */
  readonly luts: number;
  /** Flip-flops. */
  readonly ffs: number;
  /** Carry-chain cells. */
  readonly carry: number;
  /** Block RAMs (cells). */
  readonly bram: number;
  /** Block RAMs in the family's smallest block (xilinx: RAMB18 halves, a RAMB36 counts 2), as the estimate counts them. */
  readonly bramUnits?: number;
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
  /** Cell area in the Liberty library's unit (generic target with a Liberty library). */
  readonly area?: number;
  /** Cells per resource class. */
  readonly byClass: Readonly<Record<ResourceClass, number>>;
}

/** The core type a (possibly parameterized) Yosys module name belongs to. */
export function coreType(mod: string): string {
  const m = /^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)/.exec(mod);
  return m ? m[1]! : mod.replace(/^\\/, '');
}

/** The cells of a Liberty library as synthesis figures need them: area, and which are flip-flops. */
export interface CellLibrary {
  /** Area per cell name, in the library's unit. */
  readonly area: ReadonlyMap<string, number>;
  /** Names of sequential cells (flip-flops, latches). */
  readonly sequential: ReadonlySet<string>;
}

/** The {@link CellLibrary} of a parsed Liberty file. */
export function cellLibrary(lib: Liberty): CellLibrary {
  return { area: new Map([...lib.cells].map(([n, c]) => [n, c.area])), sequential: new Set([...lib.cells].filter(([, c]) => c.sequential).map(([n]) => n)) };
}

/**
 * The figures of a module's (or the design's) cells on a target. With a cell library (a generic
 * run mapped to Liberty cells) its cells count as flip-flops or gates and their areas are summed.
 */
export function figures(stats: CellStats, target: StatTarget, lib?: CellLibrary): SynthFigures {
  const s = summarizeResources(stats, target);
  const c = { ...s.byClass };
  let area: number | undefined;
  if (lib) {
    area = 0;
    for (const [type, n] of Object.entries(stats.byType)) {
      const name = type.replace(/^\\/, '');
      const a = lib.area.get(name);
      if (a === undefined) continue;
      area += a * n;
      c.other -= n;
      if (lib.sequential.has(name)) c.ff += n;
      else c.gate += n;
    }
  }
  return {
    luts: c.lut,
    ffs: c.ff,
    carry: c.carry,
    bram: c.bram,
    bramUnits: bramUnits(stats, target),
    lutram: c.lutram,
    dsp: c.dsp,
    gates: c.gate,
    cells: Object.values(c).reduce((a, b) => a + b, 0) - c.meta,
    ...(stats.transistors !== undefined ? { transistors: stats.transistors } : {}),
    ...(area !== undefined ? { area } : {}),
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

/** Figures of one core type under a design's top. */
export interface CoreTypeFigures {
  /** Core type (module name without Yosys' parameter suffix). */
  readonly name: string;
  /** Instances of it directly under the top. */
  readonly instances: number;
  /** Their figures, whole subtrees summed. */
  readonly figures: SynthFigures;
}

/** Per-core-type rows: each direct child type of the top, with its whole subtree. */
export function coreRows(report: StatReport, top: string, target: StatTarget, lib?: CellLibrary): CoreTypeFigures[] {
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
    return { name, instances: g.instances, figures: figures(stats, target, lib) };
  });
}

/** Sum of figures (transistors and areas summed where present). */
export function sumFigures(rows: readonly SynthFigures[], target: StatTarget): SynthFigures {
  const byType: Record<string, number> = {};
  let transistors: number | undefined;
  let area: number | undefined;
  let units = 0;
  const stats: CellStats = { module: '(sum)', cells: 0, byType, wires: 0, wireBits: 0, memories: 0, memoryBits: 0, processes: 0 };
  const f = figures(stats, target);
  const byClass = { ...f.byClass };
  for (const r of rows) {
    for (const k of Object.keys(byClass) as ResourceClass[]) byClass[k] += r.byClass[k];
    if (r.transistors !== undefined) transistors = (transistors ?? 0) + r.transistors;
    if (r.area !== undefined) area = (area ?? 0) + r.area;
    units += r.bramUnits ?? r.bram;
  }
  const c = byClass;
  return { luts: c.lut, ffs: c.ff, carry: c.carry, bram: c.bram, bramUnits: units, lutram: c.lutram, dsp: c.dsp, gates: c.gate, cells: Object.values(c).reduce((a, b) => a + b, 0) - c.meta, ...(transistors !== undefined ? { transistors } : {}), ...(area !== undefined ? { area } : {}), byClass: c };
}

