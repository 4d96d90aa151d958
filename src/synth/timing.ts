/**
 * Maximum clock frequency on iCE40 by place and route with nextpnr-ice40.
 *
 * A core or a whole design has far more ports than an iCE40 package has pins, and pins would put
 * slow I/O paths on the critical path. So the module is wrapped: every input is driven by a shift
 * register fed from one pin, every output is folded into a register chain (`q <= out ^ (q << 1)`,
 * one 2-input LUT per bit) that drives one pin. Every path of the module then starts and ends at
 * a register, and nothing is optimised away. Flow, run in the design folder:
 *  1. Yosys lists the module's ports (`dump <top>/x:*` after elaboration with the parameters);
 *  2. the wrapper `synth/fmax/<label>.wrap.v` is written (the parameters set on the instance);
 *  3. Yosys `synth_ice40 -top bnext_fmax_wrap -json`;
 *  4. `nextpnr-ice40 --<part> --package <pkg> --json ... --report r.json --timing-allow-fail
 *     --pcf-allow-unconstrained --seed 1`; the report's lowest `fmax.*.achieved` is the result.
 * Results are cached by a hash of the netlist and the nextpnr arguments.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { BnextError, fail } from '../diag.js';
import { readFileChecked, writeFileAtomic } from '../io/atomic.js';
import { requireTool } from '../tools/toolchain.js';
import type { ParamValue } from './script.js';
import { runYosys, type YosysEngine } from './yosys.js';

/** An iCE40 part nextpnr can place on: device flag, package, logic cells and 4 kbit RAMs. */
export interface Ice40Part {
  /** Part name and nextpnr device flag, e.g. `up5k`. */
  readonly name: 'up5k' | 'hx8k';
  /** Package for nextpnr. */
  readonly pkg: string;
  /** Logic cells (LUT4 + flip-flop). */
  readonly lcs: number;
  /** SB_RAM40_4K blocks. */
  readonly brams: number;
}

/** Parts tried, smallest first. */
export const ICE40_PARTS: readonly Ice40Part[] = [
  { name: 'up5k', pkg: 'sg48', lcs: 5280, brams: 30 },
  { name: 'hx8k', pkg: 'ct256', lcs: 7680, brams: 32 },
];

/**
 * The smallest part a synthesized design fits (LUTs and FFs each at most 90 % of the logic cells,
 * since packing is never perfect; block RAMs at most the part's), or undefined.
 */
export function ice40PartFor(luts: number, ffs: number, brams: number): Ice40Part | undefined {
  return ICE40_PARTS.find((p) => luts <= 0.9 * p.lcs && ffs <= 0.9 * p.lcs && brams <= p.brams);
}

/** Place-and-route result. */
export interface FmaxResult {
  /** Part placed on. */
  readonly part: Ice40Part['name'];
  /** Highest clock frequency the routed design meets (MHz, nextpnr's timing analysis). */
  readonly mhz: number;
  /** Logic cells used (the wrapper adds one per input and output bit). */
  readonly lcs: number;
  /** nextpnr version line. */
  readonly nextpnr: string;
}

/** A port of a module as Yosys reports it. */
export interface PortInfo {
  /** Port name. */
  readonly name: string;
  /** Direction. */
  readonly dir: 'input' | 'output' | 'inout';
  /** Width in bits. */
  readonly width: number;
}

/** Parses the ports out of `dump <top>/x:*` (RTLIL wire declarations), in declaration order. */
export function parsePorts(rtlil: string): PortInfo[] {
  const out: { p: PortInfo; idx: number }[] = [];
  for (const m of rtlil.matchAll(/^\s*wire (?:width (\d+) )?(input|output|inout) (\d+) \\(\S+)$/gm))
    out.push({ p: { name: m[4]!, dir: m[2] as PortInfo['dir'], width: m[1] ? Number(m[1]) : 1 }, idx: Number(m[3]) });
  return out.sort((a, b) => a.idx - b.idx).map((x) => x.p);
}

function verilogParam(v: ParamValue): string {
  return typeof v === 'number' ? String(v) : `"${v}"`;
}

/** The wrapper module (see the module comment); the clock port is `clk_i`. */
export function fmaxWrapper(module: string, ports: readonly PortInfo[], params: Readonly<Record<string, ParamValue>>): string {
  if (!ports.some((p) => p.name === 'clk_i' && p.dir === 'input')) fail('E_DESIGN', `${module} has no clk_i input; cannot time it`, { field: module });
  const bad = ports.find((p) => p.dir === 'inout');
  if (bad) fail('E_DESIGN', `${module} has an inout port ${bad.name}; cannot time it`, { field: module });
  const ins = ports.filter((p) => p.dir === 'input' && p.name !== 'clk_i');
  const outs = ports.filter((p) => p.dir === 'output');
  const nIn = Math.max(1, ins.reduce((a, p) => a + p.width, 0));
  const nOut = Math.max(1, outs.reduce((a, p) => a + p.width, 0));
  const conns: string[] = ['    .clk_i(clk_i)'];
  let i = 0;
  for (const p of ins) {
    conns.push(`    .${p.name}(in_q[${i + p.width - 1}:${i}])`);
    i += p.width;
  }
  let o = 0;
  for (const p of outs) {
    conns.push(`    .${p.name}(outs[${o + p.width - 1}:${o}])`);
    o += p.width;
  }
  const keys = Object.keys(params).sort();
  const inst = keys.length ? `${module} #(\n${keys.map((k) => `    .${k}(${verilogParam(params[k]!)})`).join(',\n')}\n  ) u_dut (` : `${module} u_dut (`;
  return [
    `// Timing wrapper of ${module} for nextpnr-ice40 (generated by bnext-rtl; see src/synth/timing.ts).`,
    '`default_nettype none',
    'module bnext_fmax_wrap (',
    '  input  wire clk_i,',
    '  input  wire si_i,',
    '  output wire so_o',
    ');',
    `  reg  [${nIn - 1}:0] in_q;`,
    `  wire [${nOut - 1}:0] outs;`,
    `  reg  [${nOut - 1}:0] out_q;`,
    nIn > 1 ? `  always @(posedge clk_i) in_q <= {in_q[${nIn - 2}:0], si_i};` : '  always @(posedge clk_i) in_q <= si_i;',
    nOut > 1 ? `  always @(posedge clk_i) out_q <= outs ^ {out_q[${nOut - 2}:0], 1'b0};` : '  always @(posedge clk_i) out_q <= outs;',
    `  assign so_o = out_q[${nOut - 1}];`,
    ...(outs.length === 0 ? ["  assign outs = 1'b0;"] : []),
    `  ${inst}`,
    conns.join(',\n'),
    '  );',
    'endmodule',
    '`default_nettype wire',
    '',
  ].join('\n');
}

/** What {@link ice40Fmax} needs. */
export interface FmaxJob {
  /** Design folder (working directory; `$readmemh` paths resolve against it). */
  readonly dir: string;
  /** Label for file names and messages (a layer or the top). */
  readonly label: string;
  /** Module to time. */
  readonly module: string;
  /** Its parameters (empty for a design's top). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Verilog files to read (relative to the folder). */
  readonly files: readonly string[];
  /** Part to place on. */
  readonly part: Ice40Part;
  /** Yosys engine. */
  readonly engine: YosysEngine;
}

/** Runs the flow of the module comment (cached in `<dir>/synth/cache/`). */
export async function ice40Fmax(j: FmaxJob): Promise<FmaxResult> {
  const safe = j.label.replace(/[^\w.-]/g, '_');
  const base = `synth/fmax/${safe}`;
  mkdirSync(join(j.dir, 'synth', 'fmax'), { recursive: true });
  const chparam = Object.keys(j.params).length
    ? [`chparam ${Object.keys(j.params).sort().map((k) => `-set ${k} ${verilogParam(j.params[k]!)}`).join(' ')} ${j.module}`]
    : [];
  const probe = await runYosys({
    script: [`read_verilog -defer ${j.files.join(' ')}`, ...chparam, `hierarchy -check -top ${j.module}`, `tee -q -o ${base}.ports.il dump ${j.module}/x:*`, ''].join('\n'),
    cwd: j.dir,
    outputs: [`${base}.ports.il`],
    engine: j.engine,
    label: `${j.label} (ports)`,
  });
  const wrap = fmaxWrapper(j.module, parsePorts(probe.outputs[`${base}.ports.il`]!), j.params);
  writeFileAtomic(join(j.dir, `${base}.wrap.v`), wrap);
  const net = `${base}.${j.part.name}.json`;
  await runYosys({
    script: [`read_verilog -defer ${j.files.join(' ')} ${base}.wrap.v`, 'hierarchy -check -top bnext_fmax_wrap', `synth_ice40 -top bnext_fmax_wrap -json ${net}`, ''].join('\n'),
    cwd: j.dir,
    outputs: [net],
    engine: j.engine,
    label: `${j.label} (ice40 netlist)`,
  });
  const tool = await requireTool('nextpnr-ice40');
  const report = `${base}.${j.part.name}.pnr.json`;
  const args = [`--${j.part.name}`, '--package', j.part.pkg, '--json', net, '--report', report, '--timing-allow-fail', '--pcf-allow-unconstrained', '--seed', '1', '-q'];
  const key = createHash('sha256').update(JSON.stringify({ v: 1, args, tool: tool.versionText })).update(readFileChecked(join(j.dir, net))).digest('hex');
  const cacheFile = join(j.dir, 'synth', 'cache', `fmax-${key}.json`);
  if (existsSync(cacheFile)) {
    try {
      const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as FmaxResult;
      if (typeof c.mhz === 'number') return c;
    } catch {
      // unreadable entry: run again
    }
  }
  const r = await execa(tool.path, args, { cwd: j.dir, reject: false, all: true, stdin: 'ignore', timeout: 1_800_000 });
  if (r.exitCode !== 0) {
    const text = typeof r.all === 'string' ? r.all : '';
    const first = text.split('\n').find((l) => /ERROR/.test(l))?.trim() ?? `exit status ${r.exitCode}`;
    throw new BnextError('E_TOOL', `nextpnr-ice40 failed for ${j.label} on ${j.part.name}: ${first}`, { field: 'nextpnr-ice40' }, text.split('\n').slice(-15));
  }
  const rep = JSON.parse(readFileChecked(join(j.dir, report)).toString('utf8')) as {
    fmax?: Record<string, { achieved?: number }>;
    utilization?: Record<string, { used?: number }>;
  };
  const achieved = Object.values(rep.fmax ?? {}).map((c) => c.achieved).filter((v): v is number => typeof v === 'number');
  if (achieved.length === 0) fail('E_TOOL', `nextpnr-ice40 reported no clock for ${j.label}`, { file: join(j.dir, report), field: 'fmax' });
  const res: FmaxResult = {
    part: j.part.name,
    mhz: Math.round(Math.min(...achieved) * 100) / 100,
    lcs: rep.utilization?.['ICESTORM_LC']?.used ?? 0,
    nextpnr: tool.versionText,
  };
  writeFileAtomic(cacheFile, JSON.stringify(res));
  return res;
}
