/**
 * Gate-level characterization of one core (the `osu018` model of ./energy-models.ts): Yosys maps
 * the core with its parameters to a Liberty library, Icarus simulates the netlist with the
 * library's Verilog cell models under seeded random stimulus, and the per-net toggles feed the
 * Liberty power model (./gate.ts). The result is per clock cycle and per toggle of the core's
 * ports, the quantity a design simulation measures (./activity.ts).
 *
 * Results are cached by a content hash of everything that decides them (core sources, parameters
 * and memory contents, library, cell models, tool versions, stimulus) in `<cacheDir>/<core>-<hash>.json`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fail } from '../diag.js';
import { readFileChecked, writeFileAtomic } from '../io/atomic.js';
import { runYosys } from '../synth/yosys.js';
import { requireTool } from '../tools/toolchain.js';
import { Rng } from '../util/rng.js';
import { CHARACTERIZE_CYCLES, GATE_INPUT_SLEW, OSU018_CELLS, OSU018_LIBERTY } from './energy-models.js';
import { gatePower, parseYosysNetlist, type GateEnergy, type GateNetlist } from './gate.js';
import { readLiberty, type Liberty } from './liberty.js';
import { vcdToggles } from './vcd.js';

/** Default cache folder of characterizations. */
export const DEFAULT_POWER_CACHE = join(fileURLToPath(new URL('../../', import.meta.url)), '.cache', 'power');
/** Bumped when the method changes, so old cache entries are not reused. */
const METHOD_VERSION = 1;
/** Reset cycles before counting. */
const RESET_CYCLES = 4;
/** The Yosys commands after reading and parameterizing the core (part of the cache key). */
const MAP_COMMANDS = [
  'setattr -mod -unset keep_hierarchy',
  'synth -top {top} -flatten -noabc',
  'rename -top char_top',
  'dfflibmap -liberty cells.lib',
  'abc -fast -liberty cells.lib',
  'opt_clean -purge',
  'setundef -zero',
  'autoname',
  'write_verilog -noattr -simple-lhs gate.v', // no concatenations on the left: OpenSTA's reader rejects them
  'write_json gate.json',
];

/** A tied input: the `bits` most significant bits (all when absent) held at `value` (-1: all ones). */
export interface TiedInput {
  readonly value: number;
  readonly bits?: number;
}

/** A core parameter: an integer, a string, or a memory file (`{ file }`, an absolute path). */
export type CoreParam = number | string | { readonly file: string };

/** What to characterize. */
export interface CharacterizeOptions {
  /** Core module name. */
  readonly module: string;
  /** Its parameters. */
  readonly params: Readonly<Record<string, CoreParam>>;
  /** Every Verilog file Yosys may need (the core and its dependencies), absolute paths. */
  readonly files: readonly string[];
  /** Input ports held at a constant (tied in the design). */
  readonly ties?: Readonly<Record<string, TiedInput>>;
  /** Liberty library; default OSU 0.18 um. */
  readonly liberty?: string;
  /** Verilog models of the library's cells; default OSU 0.18 um (required with another `liberty`). */
  readonly cellModels?: string;
  /** Random cycles after the reset; default {@link CHARACTERIZE_CYCLES}. */
  readonly cycles?: number;
  /** Stimulus seed; default 1. */
  readonly seed?: number;
  /** Cache folder; default `<repo>/.cache/power`. */
  readonly cacheDir?: string;
  /** Progress lines. */
  readonly onProgress?: (line: string) => void;
}

/** A core's characterization (also the cache entry). */
export interface CoreCharacterization {
  readonly module: string;
  /** Parameters as synthesized (memory files by name). */
  readonly params: Readonly<Record<string, number | string>>;
  /** Library name and the supply voltage it states (V). */
  readonly library: string;
  readonly voltage: number;
  /** Counted cycles (after the reset) and the stimulus seed. */
  readonly cycles: number;
  readonly seed: number;
  /** Gate-level energies per cycle (J) and leakage (W) under the random stimulus. */
  readonly gate: GateEnergy;
  /** Toggles per cycle on the core's ports (clock and reset excluded), the design-level activity measure. */
  readonly portTogglesPerCycle: number;
  /** Port bits (clock and reset excluded). */
  readonly portBits: number;
  /** Data-dependent energy per port toggle (J): internal (clock pins excluded) + switching, over port toggles. */
  readonly energyPerToggle: number;
  /** Energy per cycle that does not depend on data (J): flip-flop clock pins and the clock net. */
  readonly clockEnergyPerCycle: number;
  /** Leakage (W). */
  readonly leakage: number;
  /** Cache key. */
  readonly key: string;
  /** True when read from the cache. */
  readonly cached?: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Characterizes a core (or returns the cached result). Throws E_TOOL, E_FILE or E_ARG. */
export async function characterizeCore(o: CharacterizeOptions): Promise<CoreCharacterization> {
  const progress = o.onProgress ?? (() => {});
  const cycles = o.cycles ?? CHARACTERIZE_CYCLES;
  const seed = o.seed ?? 1;
  if (!IDENT.test(o.module)) fail('E_ARG', `'${o.module}' is not a Verilog module name`, { field: 'module' });
  if (!Number.isInteger(cycles) || cycles < 10) fail('E_ARG', `characterization cycles must be an integer >= 10, got ${cycles}`, { field: 'cycles' });
  const libPath = resolve(o.liberty ?? OSU018_LIBERTY);
  if (o.liberty !== undefined && o.cellModels === undefined && resolve(o.liberty) !== OSU018_LIBERTY)
    fail('E_ARG', `a Liberty library other than OSU 0.18 um needs the Verilog models of its cells for the gate-level simulation`, { field: 'cellModels' });
  const cellsPath = resolve(o.cellModels ?? OSU018_CELLS);
  const [iverilog, yosys] = await Promise.all([requireTool('iverilog'), requireTool('yosys')]);

  // Key: sources, parameters (memory files by content), library, cell models, tools, stimulus.
  const hash = createHash('sha256');
  const add = (label: string, data: string | Buffer) => hash.update(`${label}\0${data.length}\0`).update(data);
  add('method', `${METHOD_VERSION}\n${MAP_COMMANDS.join('\n')}`);
  add('tools', `${yosys.versionText}\n${iverilog.versionText}`);
  add('module', o.module);
  for (const f of [...o.files].sort()) add(`file ${basename(f)}`, readFileChecked(f));
  const params: Record<string, number | string> = {};
  for (const k of Object.keys(o.params).sort()) {
    if (!IDENT.test(k)) fail('E_ARG', `'${k}' is not a parameter name`, { field: `params.${k}` });
    const v = o.params[k]!;
    if (typeof v === 'object') {
      add(`param ${k} file`, readFileChecked(v.file));
      params[k] = `mem/${basename(v.file)}`;
    } else {
      add(`param ${k}`, String(v));
      params[k] = v;
    }
  }
  add('ties', JSON.stringify(Object.entries(o.ties ?? {}).sort()));
  add('liberty', readFileChecked(libPath));
  add('cells', readFileChecked(cellsPath));
  add('stimulus', JSON.stringify([cycles, seed, RESET_CYCLES, GATE_INPUT_SLEW]));
  const key = hash.digest('hex');
  const cacheDir = resolve(o.cacheDir ?? DEFAULT_POWER_CACHE);
  const entry = join(cacheDir, `${o.module}-${key.slice(0, 16)}.json`);
  if (existsSync(entry)) {
    try {
      const c = JSON.parse(readFileSync(entry, 'utf8')) as CoreCharacterization;
      if (c.key === key) {
        progress(`power: ${o.module} characterization from the cache`);
        return { ...c, cached: true };
      }
    } catch {
      // a damaged entry is recomputed
    }
  }

  removeStaleWork(cacheDir);
  const work = join(cacheDir, `.work-${key.slice(0, 12)}-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    const { netlist, toggles } = await synthAndSimulate(work, o, { cycles, seed, libPath, cellsPath, iverilog: iverilog.path });
    const result = summarize(o.module, params, readLiberty(libPath), netlist, toggles, cycles, seed, key);
    mkdirSync(cacheDir, { recursive: true });
    writeFileAtomic(entry, JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Removes work folders left by processes that died more than a day ago. */
function removeStaleWork(cacheDir: string): void {
  if (!existsSync(cacheDir)) return;
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('.work-')) continue;
    try {
      if (statSync(join(cacheDir, name)).mtimeMs < dayAgo) rmSync(join(cacheDir, name), { recursive: true, force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

/** Copies the sources into `work`, maps the core with Yosys and simulates the netlist with Icarus. */
async function synthAndSimulate(
  work: string,
  o: CharacterizeOptions,
  s: { cycles: number; seed: number; libPath: string; cellsPath: string; iverilog: string },
): Promise<{ netlist: GateNetlist; toggles: NetToggles }> {
  const progress = o.onProgress ?? (() => {});
  mkdirSync(join(work, 'mem'), { recursive: true });
  mkdirSync(join(work, 'rtl'), { recursive: true });
  const rtl = o.files.map((f) => {
    const dst = join('rtl', basename(f));
    writeFileSync(join(work, dst), readFileChecked(f));
    return dst;
  });
  const chparams: string[] = [];
  for (const k of Object.keys(o.params).sort()) {
    const v = o.params[k]!;
    if (typeof v === 'object') {
      writeFileSync(join(work, 'mem', basename(v.file)), readFileChecked(v.file));
      chparams.push(`-set ${k} "mem/${basename(v.file)}"`);
    } else if (typeof v === 'number') chparams.push(`-set ${k} ${v}`);
    else {
      if (!/^[A-Za-z0-9_./+-]*$/.test(v)) fail('E_ARG', `string parameter ${k} may hold only letters, digits and _ . / + -, got '${v}'`, { field: `params.${k}` });
      chparams.push(`-set ${k} "${v}"`);
    }
  }
  writeFileSync(join(work, 'cells.lib'), readFileChecked(s.libPath));
  progress(`power: ${o.module}: Yosys to ${basename(s.libPath)}`);
  const script = [
    `read_verilog -defer ${rtl.join(' ')}`,
    ...(chparams.length ? [`chparam ${chparams.join(' ')} ${o.module}`] : []),
    `hierarchy -check -top ${o.module}`,
    ...MAP_COMMANDS.map((c) => c.replace('{top}', o.module)),
  ].join('\n');
  const y = await runYosys({ script, cwd: work, outputs: ['gate.v', 'gate.json'], label: `characterize ${o.module}` });
  const netlist = parseYosysNetlist(y.outputs['gate.json']!, 'char_top');
  progress(`power: ${o.module}: gate-level simulation (${netlist.cells.length} cells, ${s.cycles} cycles)`);
  const toggles = await simulateGates(work, netlist, { cycles: s.cycles, seed: s.seed, ties: o.ties ?? {}, iverilog: s.iverilog, cells: s.cellsPath });
  return { netlist, toggles };
}

/** Per-net toggles (total over the counted cycles), keyed by Yosys bit number. */
export type NetToggles = Map<number, number>;

/** Writes the stimulus and testbench, runs Icarus, and counts toggles per net from the VCD. */
async function simulateGates(
  work: string,
  nl: GateNetlist,
  o: { cycles: number; seed: number; ties: Readonly<Record<string, TiedInput>>; iverilog: string; cells: string },
): Promise<NetToggles> {
  const clock = 'clk_i';
  const reset = 'rst_ni';
  if (!nl.inputs.has(clock)) fail('E_TOOL', `core has no clock input '${clock}' to characterize with`, { field: 'ports' });
  const ins = [...nl.inputs].filter(([n]) => n !== clock);
  let width = 0;
  const slots = ins.map(([name, bits]) => {
    const s = { name, lo: width, width: bits.length };
    width += bits.length;
    return s;
  });
  const rng = new Rng(o.seed, 0x5eed);
  const total = RESET_CYCLES + o.cycles;
  const lines: string[] = [];
  for (let c = 0; c < total; c++) {
    let v = 0n;
    for (const s of slots) {
      let x: bigint;
      const tie = o.ties[s.name];
      if (s.name === reset) x = c < RESET_CYCLES ? 0n : 1n;
      else if (tie && tie.bits === undefined) x = BigInt(tie.value);
      else if (/_tvalid_i$|_tready_i$/.test(s.name)) x = rng.uniform() < 0.9 ? 1n : 0n;
      else if (/_tlast_i$/.test(s.name)) x = rng.uniform() < 1 / 16 ? 1n : 0n;
      else {
        x = 0n;
        for (let b = 0; b < s.width; b += 32) x |= BigInt(rng.nextU32()) << BigInt(b);
      }
      if (tie?.bits !== undefined && tie.bits < s.width) {
        const low = BigInt(s.width - tie.bits);
        x = (x & ((1n << low) - 1n)) | (BigInt.asUintN(tie.bits, BigInt(tie.value)) << low);
      }
      v |= BigInt.asUintN(s.width, x) << BigInt(s.lo);
    }
    lines.push(v.toString(16).padStart(Math.ceil(Math.max(width, 1) / 4), '0'));
  }
  writeFileSync(join(work, 'stim.hex'), lines.join('\n') + '\n');
  const conns = [
    `.${clock}(clk)`,
    ...slots.map((s) => `.${s.name}(v[${s.lo + s.width - 1}:${s.lo}])`),
    ...[...nl.outputs].map(([name]) => `.${name}(o_${name})`),
  ];
  const tb = [
    '`timescale 1ns/1ps',
    'module char_tb;',
    '  reg clk = 1\'b0;',
    `  reg [${Math.max(width, 1) - 1}:0] stim [0:${total - 1}];`,
    `  reg [${Math.max(width, 1) - 1}:0] v;`,
    ...[...nl.outputs].map(([name, bits]) => `  wire [${bits.length - 1}:0] o_${name};`),
    `  char_top dut (${conns.join(', ')});`,
    '  integer c;',
    '  initial begin',
    '    $readmemh("stim.hex", stim);',
    '    $dumpfile("gate.vcd");',
    `    for (c = 0; c < ${total}; c = c + 1) begin`,
    `      if (c == ${RESET_CYCLES}) begin $dumpvars(1, char_tb.dut); #1; end`,
    '      v = stim[c];',
    '      #5 clk = 1\'b1;',
    '      #5 clk = 1\'b0;',
    '    end',
    '    $finish;',
    '  end',
    'endmodule',
    '',
  ].join('\n');
  writeFileSync(join(work, 'tb.v'), tb);
  const vvp = join(dirname(o.iverilog), 'vvp');
  const comp = await execa(o.iverilog, ['-g2005', '-o', 'sim.vvp', 'tb.v', 'gate.v', o.cells], { cwd: work, reject: false, all: true });
  if (comp.exitCode !== 0) fail('E_TOOL', `iverilog could not compile the gate-level netlist: ${(comp.all ?? '').split('\n').find((l) => /error/i.test(l)) ?? comp.shortMessage}`, { field: 'iverilog' });
  const run = await execa(existsSync(vvp) ? vvp : 'vvp', ['-n', 'sim.vvp'], { cwd: work, reject: false, all: true });
  if (run.exitCode !== 0) fail('E_TOOL', `the gate-level simulation failed: ${(run.all ?? '').split('\n').slice(-3).join(' ')}`, { field: 'vvp' });
  const vcd = vcdToggles(readFileChecked(join(work, 'gate.vcd')).toString('latin1'), 'char_tb.dut', 'gate.vcd');
  const nets: NetToggles = new Map();
  for (const [name, bits] of nl.wires) {
    const t = vcd.get(name);
    if (!t) continue;
    bits.forEach((net, i) => {
      if (typeof net === 'number' && i < t.length && !nets.has(net)) nets.set(net, t[i]!);
    });
  }
  return nets;
}

/** Turns net toggles into the characterization figures. */
function summarize(module: string, params: Record<string, number | string>, lib: Liberty, nl: GateNetlist, nets: NetToggles, cycles: number, seed: number, key: string): CoreCharacterization {
  const power = gatePower(lib, nl, { toggles: (n) => (nets.get(n) ?? 0) / cycles, inputSlew: GATE_INPUT_SLEW });
  const { byCell: _c, ...gate } = power;
  void _c;
  let portToggles = 0;
  let portBits = 0;
  for (const [name, bits] of [...nl.inputs, ...nl.outputs]) {
    if (name === 'clk_i' || name === 'rst_ni') continue;
    portBits += bits.length;
    for (const b of bits) if (typeof b === 'number') portToggles += nets.get(b) ?? 0;
  }
  const perCycle = portToggles / cycles;
  const data = gate.internal - gate.clockPins + gate.switching;
  return {
    module,
    params,
    library: lib.name,
    voltage: lib.voltage,
    cycles,
    seed,
    gate,
    portTogglesPerCycle: perCycle,
    portBits,
    energyPerToggle: perCycle > 0 ? data / perCycle : 0,
    clockEnergyPerCycle: gate.clockPins + gate.clockNet,
    leakage: gate.leakage,
    key,
  };
}

/**
 * The gate-level netlist and per-net toggles (totals over `cycles`) of a characterization, without
 * the cache, leaving `gate.v` and `gate.json` in `workDir` (for cross-checks with other tools).
 */
export async function characterizeNetlist(o: CharacterizeOptions & { readonly workDir: string }): Promise<{ netlist: GateNetlist; toggles: NetToggles; cycles: number }> {
  const cycles = o.cycles ?? CHARACTERIZE_CYCLES;
  const [iverilog] = await Promise.all([requireTool('iverilog'), requireTool('yosys')]);
  const libPath = resolve(o.liberty ?? OSU018_LIBERTY);
  const cellsPath = resolve(o.cellModels ?? OSU018_CELLS);
  const r = await synthAndSimulate(resolve(o.workDir), o, { cycles, seed: o.seed ?? 1, libPath, cellsPath, iverilog: iverilog.path });
  return { ...r, cycles };
}
