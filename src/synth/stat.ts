/**
 * Yosys `stat -json` reports: a typed parse (checked against the output of Yosys 0.23 native and
 * 0.55 WASM) and a classifier that maps technology cell types to resource classes per target.
 *
 * Shape of the report: `{"creator", "invocation", "modules": {"\\name": {...}}, "design": {...}}`
 * where each entry has `num_wires`, `num_wire_bits`, `num_memories`, `num_memory_bits`,
 * `num_processes`, `num_cells`, `num_cells_by_type`, and optionally `estimated_num_transistors`
 * (`-tech cmos`; a string, with a trailing `+` when some cells had no estimate),
 * `estimated_num_lc` (`-tech xilinx`) and `area` (`-liberty`, 0.55 only). `design` holds the
 * totals over the hierarchy below the top module and is absent when no top is known.
 */
import { z } from 'zod';
import { fail } from '../diag.js';

/** Cell statistics of one module (or of the whole design). */
export interface CellStats {
  /** Module name without Yosys' leading backslash, or `(design)` for the hierarchy totals. */
  readonly module: string;
  /** Number of cells (submodule instances count as one cell in a module entry). */
  readonly cells: number;
  /** Cell count per cell type, keys sorted. */
  readonly byType: Readonly<Record<string, number>>;
  /** Number of wires. */
  readonly wires: number;
  /** Number of wire bits. */
  readonly wireBits: number;
  /** Number of memories not yet mapped to cells. */
  readonly memories: number;
  /** Bits in those memories. */
  readonly memoryBits: number;
  /** Processes left (non-zero means `proc` did not run). */
  readonly processes: number;
  /** CMOS transistor estimate (`stat -tech cmos`). */
  readonly transistors?: number;
  /** True when the transistor estimate is a lower bound (some cell types had no estimate). */
  readonly transistorsLowerBound?: boolean;
  /** Xilinx logic-cell estimate (`stat -tech xilinx`). */
  readonly lcEstimate?: number;
  /** Cell area from a Liberty file (`stat -liberty`; reported in JSON by Yosys 0.55, not 0.23). */
  readonly area?: number;
}

/** A parsed `stat -json` report. */
export interface StatReport {
  /** The `creator` line, e.g. `Yosys 0.23 (git sha1 7ce5011c24b)`. */
  readonly creator: string;
  /** Per-module statistics, sorted by module name. */
  readonly modules: readonly CellStats[];
  /** Totals over the hierarchy under the top module, when Yosys reported them. */
  readonly design?: CellStats;
}

const count = z.number().int().nonnegative();
const entrySchema = z.object({
  num_wires: count,
  num_wire_bits: count,
  num_memories: count,
  num_memory_bits: count,
  num_processes: count,
  num_cells: count,
  num_cells_by_type: z.record(z.string(), count),
  estimated_num_transistors: z.union([z.string(), z.number()]).optional(),
  estimated_num_lc: z.number().optional(),
  area: z.number().optional(),
});
const reportSchema = z.object({
  creator: z.string().optional(),
  modules: z.record(z.string(), entrySchema),
  design: entrySchema.optional(),
});

type Entry = z.infer<typeof entrySchema>;

function sortedRecord(r: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

function toStats(module: string, e: Entry, source: string): CellStats {
  let transistors: number | undefined;
  let lowerBound: boolean | undefined;
  if (e.estimated_num_transistors !== undefined) {
    const m = /^(\d+)(\+?)$/.exec(String(e.estimated_num_transistors).trim());
    if (!m) fail('E_TOOL', `unreadable estimated_num_transistors '${e.estimated_num_transistors}' in Yosys stat output`, { file: source, field: `modules.${module}` });
    transistors = Number(m[1]);
    lowerBound = m[2] === '+';
  }
  return {
    module,
    cells: e.num_cells,
    byType: sortedRecord(e.num_cells_by_type),
    wires: e.num_wires,
    wireBits: e.num_wire_bits,
    memories: e.num_memories,
    memoryBits: e.num_memory_bits,
    processes: e.num_processes,
    ...(transistors !== undefined ? { transistors, transistorsLowerBound: lowerBound } : {}),
    ...(e.estimated_num_lc !== undefined ? { lcEstimate: e.estimated_num_lc } : {}),
    ...(e.area !== undefined ? { area: e.area } : {}),
  };
}

/** Module name as Yosys prints it (`\\top`, `$paramod\\core\\W=8`) to the name a user wrote. */
function moduleName(raw: string): string {
  return raw.startsWith('\\') ? raw.slice(1) : raw;
}

/**
 * Parses the text Yosys writes for `tee -o FILE stat -json`. `source` names the file in errors.
 * Malformed text is an E_TOOL error (it came from the tool, not from the user).
 */
export function parseStatJson(text: string, source = 'stat.json'): StatReport {
  let raw: unknown;
  try {
    // Yosys 0.23 leaves a trailing comma after "modules" when there is no "design" section.
    raw = JSON.parse(text.replace(/,(\s*[}\]])/g, '$1'));
  } catch (e) {
    fail('E_TOOL', `Yosys stat output is not JSON (${e instanceof Error ? e.message : String(e)})`, { file: source });
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail('E_TOOL', `Yosys stat output has an unexpected shape: ${issue.message}`, { file: source, field: issue.path.map(String).join('.') });
  }
  const r = parsed.data;
  const modules = Object.keys(r.modules)
    .map((k) => toStats(moduleName(k), r.modules[k]!, source))
    .sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  return {
    creator: r.creator ?? '',
    modules,
    ...(r.design ? { design: toStats('(design)', r.design, source) } : {}),
  };
}

/** Technology targets whose cell libraries the classifier knows. */
export type StatTarget = 'xilinx' | 'ice40' | 'ecp5' | 'gowin' | 'generic';

/** Resource classes a cell can count towards. */
export type ResourceClass =
  | 'lut' // look-up tables (and Xilinx INV/ROM cells, which occupy a LUT)
  | 'ff' // flip-flops
  | 'latch' // level-sensitive latches (a warning sign in generated RTL)
  | 'carry' // carry-chain elements
  | 'bram' // block RAM (and FIFO/UltraRAM primitives)
  | 'lutram' // distributed RAM and LUT shift registers
  | 'dsp' // multiplier/DSP blocks
  | 'mux' // dedicated wide-mux cells (MUXF7/8, PFUMX, MUX2_LUTx)
  | 'gate' // generic single gates ($_AND_, $_MUX_, ...) left by technology-independent synthesis
  | 'io' // I/O and clock buffers
  | 'const' // constant drivers (VCC/GND)
  | 'meta' // bookkeeping cells that are not hardware ($scopeinfo, kept by `flatten` since Yosys 0.39)
  | 'other'; // anything else: unmapped word-level cells, submodule instances, unknown primitives

/** All classes in report order. */
export const RESOURCE_CLASSES: readonly ResourceClass[] = ['lut', 'ff', 'latch', 'carry', 'bram', 'lutram', 'dsp', 'mux', 'gate', 'io', 'const', 'meta', 'other'];

type Rules = readonly (readonly [RegExp, ResourceClass])[];

/** Yosys' internal gate library: applies to every target (cells technology mapping left behind). */
const GENERIC: Rules = [
  [/^\$_(FF|DFF|DFFE|SDFF|SDFFE|SDFFCE|DFFSR|DFFSRE|ALDFF|ALDFFE)_[A-Z0-9]*_?$/, 'ff'],
  [/^\$_(DLATCH|DLATCHSR|SR)_[A-Z0-9]*_$/, 'latch'],
  [/^\$scopeinfo$/, 'meta'],
  [/^\$_(BUF|NOT|AND|NAND|OR|NOR|XOR|XNOR|ANDNOT|ORNOT|MUX|NMUX|MUX4|MUX8|MUX16|AOI3|OAI3|AOI4|OAI4|TBUF)_$/, 'gate'],
];

const RULES: Readonly<Record<StatTarget, Rules>> = {
  xilinx: [
    [/^(LUT[1-6](_2)?|INV|ROM(16|32|64|128|256)X1)$/, 'lut'],
    [/^FD(RE|SE|CE|PE|RSE|CPE)(_1)?$/, 'ff'],
    [/^LD(CE|PE|CPE)(_1)?$/, 'latch'],
    [/^(CARRY4|CARRY8|MUXCY|XORCY)$/, 'carry'],
    [/^(RAMB(18|36)E[12]|RAMB(8|16)BWER|RAMB(4|16)_S\w+|FIFO(18|36)E[12]|URAM288(_BASE)?)$/, 'bram'],
    [/^(RAM(16|32|64|128|256|512)X\d+[SD](_1)?|RAM(32|64)M(16|8)?|RAM32X16DR8|RAM64X8SW|SRL16E?|SRLC16E?|SRLC32E|CFGLUT5)$/, 'lutram'],
    [/^(DSP48(A|A1|E1|E2)?|MULT18X18(S|SIO)?|MULT_AND)$/, 'dsp'],
    [/^MUXF[5-9]$/, 'mux'],
    [/^(IBUF|IBUFG|IBUFDS|IBUFGDS|OBUF|OBUFT|OBUFDS|IOBUF|IOBUFDS|BUFG|BUFGCTRL|BUFGCE|BUFH|BUFHCE|BUFR|BUFIO|BUFMR)$/, 'io'],
    [/^(VCC|GND)$/, 'const'],
  ],
  ice40: [
    [/^SB_LUT4$/, 'lut'],
    [/^SB_DFF\w*$/, 'ff'],
    [/^SB_CARRY$/, 'carry'],
    [/^(SB_RAM40_4K\w*|SB_SPRAM256KA)$/, 'bram'],
    [/^SB_MAC16$/, 'dsp'],
    [/^(SB_IO\w*|SB_GB\w*)$/, 'io'],
  ],
  ecp5: [
    [/^LUT4$/, 'lut'],
    [/^TRELLIS_FF$/, 'ff'],
    [/^CCU2C$/, 'carry'],
    [/^(DP16KD|PDPW16KD)$/, 'bram'],
    [/^TRELLIS_DPR16X4$/, 'lutram'],
    [/^(MULT18X18D|ALU54B)$/, 'dsp'],
    [/^(PFUMX|L6MUX21)$/, 'mux'],
    [/^(TRELLIS_IO|IB|OB|BB|OBZ|DCCA)$/, 'io'],
    [/^(VHI|VLO)$/, 'const'],
  ],
  gowin: [
    [/^LUT[1-4]$/, 'lut'],
    [/^DFF[A-Z]*$/, 'ff'],
    [/^DL[A-Z]*$/, 'latch'],
    [/^ALU$/, 'carry'],
    [/^(SP|SPX9|SDP|SDPB|SDPX9|SDPX9B|DP|DPB|DPX9|DPX9B|pROM|pROMX9|rSDP|rROM)$/, 'bram'],
    [/^RAM16S(DP)?[124]$/, 'lutram'],
    [/^(MULT\w*|ALU54D|PADD\d+)$/, 'dsp'],
    [/^MUX2(_LUT[5-8]|_MUX\d+)?$/, 'mux'],
    [/^(IBUF|OBUF|TBUF|IOBUF|[ET]LVDS_\w+|BUFG)$/, 'io'],
    [/^(VCC|GND)$/, 'const'],
  ],
  generic: [],
};

/** The resource class of one cell type on a target (Yosys internal gates are known everywhere). */
export function classifyCell(target: StatTarget, type: string): ResourceClass {
  for (const [re, cls] of RULES[target]) if (re.test(type)) return cls;
  for (const [re, cls] of GENERIC) if (re.test(type)) return cls;
  return 'other';
}

/** Cell counts grouped by resource class. */
export interface ResourceSummary {
  /** The target whose cell library was used. */
  readonly target: StatTarget;
  /** Cells per class (every class present, zero when none). */
  readonly byClass: Readonly<Record<ResourceClass, number>>;
  /** Cell types that fell into `other`, with their counts (sorted keys), so nothing hides. */
  readonly unclassified: Readonly<Record<string, number>>;
}

/** Sums a module's (or the design's) cells by resource class. Use `design` for hierarchy totals. */
export function summarizeResources(stats: CellStats, target: StatTarget): ResourceSummary {
  const byClass = Object.fromEntries(RESOURCE_CLASSES.map((c) => [c, 0])) as Record<ResourceClass, number>;
  const unclassified: Record<string, number> = {};
  for (const [type, n] of Object.entries(stats.byType)) {
    const cls = classifyCell(target, type);
    byClass[cls] += n;
    if (cls === 'other') unclassified[type] = n;
  }
  return { target, byClass, unclassified: sortedRecord(unclassified) };
}

/**
 * Block RAM in the family's smallest block: RAMB18 halves on xilinx (a RAMB36 or FIFO36 counts
 * two), SB_RAM40_4K on ice40, the bram cell count elsewhere. The estimate counts blocks this way.
 */
export function bramUnits(stats: CellStats, target: StatTarget): number {
  let n = 0;
  for (const [type, k] of Object.entries(stats.byType)) {
    if (classifyCell(target, type) !== 'bram') continue;
    n += target === 'xilinx' && /^(RAMB36|FIFO36)/.test(type) ? 2 * k : k;
  }
  return n;
}
