/**
 * Yosys synthesis scripts for a generated design folder. A script is plain text a user can run
 * with their own Yosys from the design folder (`yosys -s synth/<target>.ys`): every path in it is
 * relative to that folder, so the top's default `MemDir` ("mem/") finds the `$readmemh` files.
 *
 * Checked with Yosys 0.23 (native) and the bundled WASM build: `tee -q -o FILE stat -json` writes
 * the JSON report to FILE (0.23 also copies its hierarchy listing into it; see `cleanStatJson`),
 * and `chparam -set Name "text"` sets a string parameter (the quotes are stripped by Yosys).
 */
import { fail } from '../diag.js';
import type { StatTarget } from './stat.js';

/** Synthesis targets, in the order the CLI lists them. */
export const SYNTH_TARGETS: readonly StatTarget[] = ['generic', 'ice40', 'ecp5', 'xilinx', 'gowin'];

/** A parameter value for {@link SynthScriptOptions.params}: an integer or a string. */
export type ParamValue = number | string;

/** What {@link synthScript} needs. */
export interface SynthScriptOptions {
  /** The module to synthesize (the design's top, or one core for per-layer runs). */
  readonly top: string;
  /** Verilog files to read, relative to the design folder, in filelist order. */
  readonly files: readonly string[];
  /** Technology: `generic` (Yosys' gate library) or an FPGA family. */
  readonly target: StatTarget;
  /**
   * Flatten the hierarchy before mapping (better cross-module optimisation, no per-core figures).
   * Default false: the hierarchy is kept so the report can attribute cells to core types.
   */
  readonly flatten?: boolean;
  /** A Liberty cell library (path relative to the design folder) for `generic`: maps with ABC to it. */
  readonly liberty?: string;
  /** Parameters of `top` to override (`chparam`), e.g. a core's instance parameters. */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Where the script writes the `stat -json` report (relative path); default `synth/stat.json`. */
  readonly statFile?: string;
  /**
   * Where the script writes the logic-depth report (`ltp`, see {@link DEPTH_CUT}); none when absent.
   * Not available with a Liberty library (its flip-flop cells are not known by name).
   */
  readonly depthFile?: string;
  /**
   * Where the script writes the mapped top module as Verilog (`write_verilog`, top only), whose
   * instance lines name each instance's (parameterized) module: {@link parseInstanceModules}
   * reads them so a hierarchical run can be summed per layer. None when absent.
   */
  readonly cellsFile?: string;
}

const SAFE_PATH = /^[A-Za-z0-9_./+-]+$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function checkPath(p: string, field: string): string {
  if (!SAFE_PATH.test(p) || p.startsWith('/') || p.split('/').includes('..'))
    fail('E_ARG', `'${p}' must be a relative path of letters, digits and _ . / + - (no '..')`, { field });
  return p;
}

function paramValue(name: string, v: ParamValue): string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) fail('E_ARG', `parameter ${name} must be an integer, got ${v}`, { field: `params.${name}` });
    return String(v);
  }
  if (!/^[A-Za-z0-9_./+-]*$/.test(v)) fail('E_ARG', `string parameter ${name} may hold only letters, digits and _ . / + -, got '${v}'`, { field: `params.${name}` });
  return `"${v}"`;
}

/** The mapping command of a target (with `-top`, and the flatten choice). */
function mapCommands(o: SynthScriptOptions): string[] {
  const flat = o.flatten === true;
  switch (o.target) {
    case 'generic': {
      const lines = [`synth -top ${o.top}${flat ? ' -flatten' : ''}`];
      if (o.liberty) {
        const lib = checkPath(o.liberty, 'liberty');
        lines.push(`dfflibmap -liberty ${lib}`, `abc -liberty ${lib}`, 'opt_clean');
      }
      return lines;
    }
    case 'ice40':
      return [`synth_ice40 -top ${o.top}${flat ? '' : ' -noflatten'}`];
    case 'ecp5':
      return [`synth_ecp5 -top ${o.top}${flat ? '' : ' -noflatten'}`];
    case 'gowin':
      return [`synth_gowin -top ${o.top}${flat ? '' : ' -noflatten'}`];
    case 'xilinx':
      return [`synth_xilinx -top ${o.top}${flat ? ' -flatten' : ''}`];
  }
}

/**
 * Logic depth: after the stat report, the script flattens the mapped netlist (ignoring
 * `keep_hierarchy`), deletes the cells that end a combinational path (flip-flops, latches, block
 * RAM, LUT RAM and shift registers: their reads are registered or their write side would add
 * false paths) and runs `ltp -noff`, which prints the longest path through the remaining cells.
 * That count is the depth in technology cells: LUTs, carry cells (one per 4 bits on Xilinx
 * CARRY4, one per bit on iCE40 SB_CARRY), wide muxes and DSP blocks; generic gates for `generic`.
 * It is a structural measure (no wire delays), good for comparing layers and configurations.
 */
export const DEPTH_CUT: Readonly<Record<StatTarget, string>> = {
  xilinx: 't:FD* t:LD* t:RAM* t:FIFO* t:URAM* t:SRL* t:CFGLUT5',
  ice40: 't:SB_DFF* t:SB_RAM40_4K* t:SB_SPRAM256KA',
  ecp5: 't:TRELLIS_FF t:DP16KD t:PDPW16KD t:TRELLIS_DPR16X4',
  gowin: 't:DFF* t:DL* t:SP t:SPX9 t:SDP* t:DP t:DPB t:DPX9* t:pROM* t:rSDP t:rROM t:RAM16S*',
  generic: 't:$_*FF*_ t:$_DLATCH*_ t:$_SR_*_ t:$mem*',
};

/** The commands that write the logic-depth report (see {@link DEPTH_CUT}). */
function depthCommands(target: StatTarget, file: string): string[] {
  return ['# logic depth: longest combinational path in cells (see bnext-rtl src/synth/script.ts)', 'setattr -mod -unset keep_hierarchy', 'flatten', `delete ${DEPTH_CUT[target]}`, `tee -q -o ${file} ltp -noff`];
}

/** Reads the depth from the text `ltp` wrote ("Longest topological path in top (length=N):"). */
export function parseDepth(text: string, source = 'depth'): number {
  const all = [...text.matchAll(/Longest topological path in \S+ \(length=(\d+)\)/g)].map((m) => Number(m[1]));
  if (all.length === 0) {
    if (/No cells|^\s*$/.test(text)) return 0;
    fail('E_TOOL', `cannot read the logic depth from the Yosys ltp output`, { file: source });
  }
  return Math.max(...all);
}

/** The `stat` options per target: CMOS transistors for generic (or Liberty area). */
function statOptions(o: SynthScriptOptions): string {
  if (o.target !== 'generic') return '';
  return o.liberty ? ` -liberty ${checkPath(o.liberty, 'liberty')}` : ' -tech cmos';
}

/**
 * A standalone Yosys script (`.ys` text) that reads the design, elaborates `top` (with any
 * parameter overrides), synthesizes it for the target and writes `stat -json` to `statFile`.
 */
export function synthScript(o: SynthScriptOptions): string {
  if (!IDENT.test(o.top)) fail('E_ARG', `'${o.top}' is not a Verilog module name`, { field: 'top' });
  if (!SYNTH_TARGETS.includes(o.target)) fail('E_ARG', `unknown synthesis target '${o.target}' (choose ${SYNTH_TARGETS.join(', ')})`, { field: 'target' });
  if (o.liberty !== undefined && o.target !== 'generic') fail('E_ARG', `a Liberty library applies to the generic target only, not ${o.target}`, { field: 'liberty' });
  if (o.files.length === 0) fail('E_ARG', 'no Verilog files to synthesize', { field: 'files' });
  const files = o.files.map((f) => checkPath(f, 'files'));
  const stat = checkPath(o.statFile ?? 'synth/stat.json', 'statFile');
  if (o.depthFile !== undefined && o.liberty !== undefined) fail('E_ARG', 'the logic depth is not available with a Liberty library', { field: 'depthFile' });
  const depth = o.depthFile !== undefined ? depthCommands(o.target, checkPath(o.depthFile, 'depthFile')) : [];
  const cells = o.cellsFile !== undefined ? ['# instance -> module of the top, for per-layer figures', `select ${o.top}`, `write_verilog -selected -noattr ${checkPath(o.cellsFile, 'cellsFile')}`, 'select -clear'] : [];
  const params = Object.keys(o.params ?? {}).sort();
  for (const p of params) if (!IDENT.test(p)) fail('E_ARG', `'${p}' is not a parameter name`, { field: `params.${p}` });
  return [
    `# Yosys synthesis of ${o.top} for ${o.target}; generated by bnext-rtl.`,
    '# Run from the design folder: yosys -s <this file>',
    `read_verilog -defer ${files.join(' ')}`,
    ...(params.length ? [`chparam ${params.map((p) => `-set ${p} ${paramValue(p, o.params![p]!)}`).join(' ')} ${o.top}`] : []),
    `hierarchy -check -top ${o.top}`,
    ...mapCommands(o),
    `tee -q -o ${stat} stat -json${statOptions(o)}`,
    ...cells,
    ...depth,
    '',
  ].join('\n');
}

/**
 * Instance name -> module name (as `stat` names it: `$paramod$<hash>\core` or `core`) from the
 * top module Yosys wrote with `write_verilog` (see {@link SynthScriptOptions.cellsFile}).
 */
export function parseInstanceModules(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^ {2}\\?(\S+) +(u_\w+) \($/gm)) out.set(m[2]!, m[1]!);
  return out;
}

/**
 * Makes the file written by `tee -o FILE stat -json` parseable: Yosys 0.23 interleaves the
 * hierarchy listing (`  $paramod...\popcount_node   2`) with the JSON. Every JSON line of a stat
 * report starts with a quote or a bracket, so other lines are dropped.
 */
export function cleanStatJson(text: string): string {
  return text
    .split('\n')
    .filter((l) => /^\s*["{}[\]]/.test(l))
    .join('\n');
}
