/**
 * The hand-written binary-path Verilog cores (templates/cores): the lint gate (Verilator -Wall,
 * Yosys hierarchy/check, Icarus -g2005) over a parameter grid, the in-core parameter checks, and
 * the self-checking Icarus testbenches of test/fixtures/cores (random data, random input gaps and
 * output back-pressure, behavioural models written from the documented formulas).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileIcarus, formatLintIssues, lintAll, lintVerilator, type LintParams } from '../../src/sim/lint.js';
import { closeYosysWorkers, execYosys } from '../../src/synth/yosys.js';
import { requireTool } from '../../src/tools/toolchain.js';

const CORES = 'templates/cores';
const TB = 'test/fixtures/cores';

/** Direct submodules of each core (a core may instantiate itself: the popcount tree recurses). */
const DEPS: Readonly<Record<string, readonly string[]>> = {
  skid_buffer: [],
  stream_fifo: [],
  stream_fork: [],
  delay_line: [],
  keep_add: [],
  popcount_node: ['keep_add', 'popcount_node'],
  popcount_tree: ['popcount_node'],
  popcount: ['popcount_tree'],
  xnor_popcount: ['popcount_tree'],
  mvau_feed: [],
  mvau_out: ['skid_buffer'],
  mvau_xnor: ['delay_line', 'mvau_feed', 'mvau_out', 'xnor_popcount'],
  mvau_int: ['delay_line', 'mvau_feed', 'mvau_out'],
  sliding_window: ['skid_buffer'],
  threshold: ['skid_buffer'],
};

/** The source files of a core and everything under it, sorted. */
function filesOf(...tops: string[]): string[] {
  const seen = new Set<string>();
  const visit = (m: string): void => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const d of DEPS[m] ?? []) visit(d);
  };
  tops.forEach(visit);
  return [...seen].sort().map((m) => `${CORES}/${m}.v`);
}

/** Deterministic pseudo-random 32-bit words (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A $readmemh file of `n` random words of `bits` bits. */
function randomWords(seed: number, n: number, bits: number): string {
  const next = rng(seed);
  const digits = Math.ceil(bits / 4);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    let hex = '';
    for (let d = 0; d < digits; d++) {
      const top = d === 0 && bits % 4 !== 0 ? bits % 4 : 4;
      hex += (next() & ((1 << top) - 1)).toString(16);
    }
    lines.push(hex);
  }
  return `${lines.join('\n')}\n`;
}

/** A $readmemh file of `n` signed values uniform in [lo, hi], as `bits`-bit two's complement. */
function signedWords(seed: number, n: number, bits: number, lo: number, hi: number): string {
  const next = rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = lo + (next() % (hi - lo + 1));
    lines.push((((v % 2 ** bits) + 2 ** bits) % 2 ** bits).toString(16));
  }
  return `${lines.join('\n')}\n`;
}

let dir = '';
/** Data files written by beforeAll: name -> absolute path. */
const DATA: Record<string, string> = {};
/** Their text, for the Yosys virtual file system. */
const DATA_TEXT: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bnext-cores-'));
  const files: Record<string, string> = {
    // mvau_xnor MW=36 MH=6 PE=3 SIMD=9: NF*SF = 2*4 words of 27 bits; thresholds of AccW = 8 bits
    'w_xnor.mem': randomWords(11, 8, 27),
    't_xnor.mem': signedWords(12, 6, 8, -14, 14),
    // mvau_int MW=16 MH=4 PE=2 SIMD=4 InW=WeightW=4: 2*4 words of 2*4*4 bits; AccW = 12
    'w_int.mem': randomWords(13, 8, 32),
    't_int.mem': signedWords(14, 4, 12, -60, 60),
    // threshold Channels=8 InW=6 ThreshW=7, and ThreshW=4 < InW=8 (narrow thresholds)
    't_thr.mem': signedWords(15, 8, 7, -40, 40),
    't_thr4.mem': signedWords(16, 8, 4, -8, 7),
  };
  for (const [name, text] of Object.entries(files)) {
    DATA[name] = join(dir, name);
    DATA_TEXT[name] = text;
    await writeFile(DATA[name]!, text);
  }
});

afterAll(async () => {
  await closeYosysWorkers();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const KEYWORDS = new Set(['module', 'if', 'else', 'for', 'begin', 'end', 'generate', 'always', 'initial', 'assign', 'function', 'task']);

describe('core sources', () => {
  it('instantiate exactly the submodules listed (module name = file name)', async () => {
    for (const [core, deps] of Object.entries(DEPS)) {
      const src = (await readFile(`${CORES}/${core}.v`, 'utf8')).replace(/\/\/.*$/gm, '');
      expect(src.match(/^\s*module\s+(\w+)/m)?.[1], core).toBe(core);
      const inst = new Set<string>();
      for (const m of src.matchAll(/^[ \t]*([a-z_][a-z0-9_]*)(?:[ \t]*#[ \t]*\(|[ \t]+[a-z_][a-z0-9_]*[ \t]*\()/gm)) {
        if (!/_error_/.test(m[1]!) && !KEYWORDS.has(m[1]!)) inst.add(m[1]!);
      }
      expect([...inst].sort(), core).toEqual([...deps].sort());
    }
  });
});

/** One lint configuration of a core. */
interface LintCase {
  readonly top: string;
  readonly params: LintParams;
}

const GRID: readonly LintCase[] = [
  { top: 'skid_buffer', params: { DataW: 1 } },
  { top: 'skid_buffer', params: { DataW: 33 } },
  { top: 'stream_fifo', params: { DataW: 8, Depth: 1 } },
  { top: 'stream_fifo', params: { DataW: 8, Depth: 5 } },
  { top: 'stream_fifo', params: { DataW: 3, Depth: 16 } },
  { top: 'stream_fork', params: { N: 1, DataW: 4 } },
  { top: 'stream_fork', params: { N: 3, DataW: 8 } },
  { top: 'delay_line', params: { DataW: 5, Stages: 0 } },
  { top: 'delay_line', params: { DataW: 5, Stages: 3 } },
  { top: 'keep_add', params: { AW: 3, BW: 5, SumW: 4 } },
  { top: 'popcount', params: { Width: 1, Stages: 0 } },
  { top: 'popcount', params: { Width: 64, Stages: 2 } },
  { top: 'popcount', params: { Width: 100, Stages: 5 } },
  { top: 'xnor_popcount', params: { Width: 3, Stages: 0 } },
  { top: 'xnor_popcount', params: { Width: 32, Stages: 1 } },
  { top: 'xnor_popcount', params: { Width: 128, Stages: 3 } },
  // mvau: PE in {1, MH} x SIMD in {MW, a divisor}, weight stream mode
  ...[1, 8].flatMap((PE) => [36, 12].map((SIMD) => ({ top: 'mvau_xnor', params: { MW: 36, MH: 8, PE, SIMD } }))),
  { top: 'mvau_xnor', params: { MW: 36, MH: 8, PE: 2, SIMD: 9, PopStages: 0, OutMode: 'acc' } },
  { top: 'mvau_int', params: { MW: 27, MH: 4, PE: 1, SIMD: 3 } },
  { top: 'mvau_int', params: { MW: 27, MH: 4, PE: 4, SIMD: 27, InW: 4, WeightW: 3, AccW: 8 } },
  // sliding_window: Kernel {1, 3} x Stride {1, 2} x ElemW {1, 8}
  ...[1, 3].flatMap((Kernel) =>
    [1, 2].flatMap((Stride) => [1, 8].map((ElemW) => ({ top: 'sliding_window', params: { Channels: 8, Height: 5, Width: 6, Kernel, Stride, SIMD: 4, ElemW } }))),
  ),
  { top: 'threshold', params: { Channels: 8, Par: 1 } },
  { top: 'threshold', params: { Channels: 8, Par: 8, InW: 4, ThreshW: 5 } },
];

const show = (c: LintCase): string => `${c.top} ${JSON.stringify(c.params)}`;

describe.concurrent('lint gate: Verilator -Wall, Yosys, Icarus', () => {
  it('covers every core', () => {
    const linted = new Set(GRID.flatMap((c) => filesOf(c.top)).map((f) => basename(f, '.v')));
    expect([...linted].sort()).toEqual(Object.keys(DEPS).sort());
  });

  it.each(GRID.map((c) => [show(c), c] as const))('%s', async (_name, c) => {
    const r = await lintAll(filesOf(c.top), c.top, c.params);
    expect(formatLintIssues(r.issues)).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

/** Cases that read $readmemh files: Verilator and Icarus through lint.ts, Yosys on a VFS. */
const DATA_GRID: readonly (LintCase & { readonly data: readonly string[] })[] = [
  { top: 'mvau_xnor', params: { MW: 36, MH: 6, PE: 3, SIMD: 9, AccW: 8, WeightFile: 'w_xnor.mem' }, data: ['w_xnor.mem'] },
  {
    top: 'mvau_xnor',
    params: { MW: 36, MH: 6, PE: 3, SIMD: 9, AccW: 8, WeightFile: 'w_xnor.mem', OutMode: 'thresh', ThreshFile: 't_xnor.mem' },
    data: ['w_xnor.mem', 't_xnor.mem'],
  },
  {
    top: 'mvau_int',
    params: { MW: 16, MH: 4, PE: 2, SIMD: 4, InW: 4, WeightW: 4, AccW: 12, WeightFile: 'w_int.mem', OutMode: 'thresh', ThreshFile: 't_int.mem' },
    data: ['w_int.mem', 't_int.mem'],
  },
  {
    top: 'mvau_int',
    params: { MW: 16, MH: 4, PE: 2, SIMD: 4, InW: 4, WeightW: 4, AccW: 12, WeightFile: 'w_int.mem', RomStyle: 'auto' },
    data: ['w_int.mem'],
  },
  { top: 'threshold', params: { Channels: 8, Par: 4, InW: 6, ThreshW: 7, ThreshFile: 't_thr.mem' }, data: ['t_thr.mem'] },
];

describe.concurrent('lint gate with weight / threshold files', () => {
  it.each(DATA_GRID.map((c) => [show(c), c] as const))('%s', async (_name, c) => {
    const files = filesOf(c.top);
    const abs: LintParams = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, typeof v === 'string' && v.endsWith('.mem') ? DATA[v]! : v]));
    const v = await lintVerilator(files, c.top, abs);
    const i = await compileIcarus(files, c.top, abs);
    expect(formatLintIssues([...v.issues, ...i.issues])).toEqual([]);
    // Yosys reads the files at elaboration: give it the sources and the data in one VFS
    const vfs: Record<string, string> = { ...Object.fromEntries(c.data.map((d) => [d, DATA_TEXT[d]!])) };
    for (const f of files) vfs[`rtl/${basename(f)}`] = await readFile(f, 'utf8');
    const set = Object.entries(c.params)
      .map(([k, val]) => `-set ${k} ${typeof val === 'string' ? `"${val}"` : val}`)
      .join(' ');
    const script = [`read_verilog ${files.map((f) => `rtl/${basename(f)}`).join(' ')}`, `chparam ${set} ${c.top}`, `hierarchy -check -top ${c.top}`, 'proc', 'flatten', 'check -assert'].join('\n');
    const y = await execYosys({ script, files: vfs, label: c.top });
    expect(y.console.split('\n').filter((l) => /Warning|ERROR/.test(l))).toEqual([]);
    expect(y.exitCode).toBe(0);
  });
});

describe.concurrent('parameter checks stop elaboration in every tool', () => {
  const bad: readonly LintCase[] = [
    { top: 'mvau_xnor', params: { MW: 10, MH: 4, PE: 1, SIMD: 4 } }, // SIMD does not divide MW
    { top: 'mvau_int', params: { MW: 8, MH: 6, PE: 4, SIMD: 8 } }, // PE does not divide MH
    { top: 'mvau_xnor', params: { MW: 16, MH: 4, PE: 1, SIMD: 8, OutMode: 'bits' } }, // unknown OutMode
    { top: 'sliding_window', params: { Kernel: 2 } }, // even kernel
    { top: 'threshold', params: { Channels: 6, Par: 4 } }, // Par does not divide Channels
    { top: 'mvau_xnor', params: { RomStyle: 'lutram' } }, // unknown RomStyle
  ];
  it.each(bad.map((c) => [show(c), c] as const))('%s', async (_name, c) => {
    const r = await lintAll(filesOf(c.top), c.top, c.params);
    expect(r.results.map((x) => [x.tool, x.ok])).toEqual([
      ['verilator', false],
      ['yosys', false],
      ['iverilog', false],
    ]);
    expect(formatLintIssues(r.issues).join('\n')).toMatch(/_error_/);
  });
});

/** Compiles and runs a self-checking testbench; returns the simulation output. */
async function runTestbench(tb: string, cores: readonly string[], params: LintParams): Promise<string> {
  const iverilog = await requireTool('iverilog');
  const vvp = iverilog.path.includes('/') ? join(dirname(iverilog.path), 'vvp') : 'vvp';
  const out = join(dir, `${tb}-${Math.random().toString(36).slice(2)}.vvp`);
  const defs = Object.entries(params).map(([k, v]) => `-P${tb}.${k}=${typeof v === 'string' ? `"${v}"` : String(v)}`);
  const c = await execa(iverilog.path, ['-g2005', '-Wall', '-s', tb, ...defs, '-o', out, `${TB}/${tb}.v`, ...filesOf(...cores)], { reject: false, all: true });
  expect(c.all ?? '', 'iverilog output').toBe('');
  expect(c.exitCode).toBe(0);
  const r = await execa(vvp, ['-n', out], { reject: false, all: true, timeout: 120_000 });
  await rm(out, { force: true });
  return r.all ?? '';
}

/** Asserts a PASS line and no FAIL line. */
function passed(out: string): void {
  expect(out).not.toMatch(/FAIL/);
  expect(out).toMatch(/^PASS /m);
}

describe.concurrent('Icarus directed tests', () => {
  const quiet = { GapPct: 0, StallPct: 0 };

  it.each([
    [{ Depth: 1, N: 1 }],
    [{ Depth: 2, N: 3 }],
    [{ Depth: 5, N: 2, ...quiet }],
    [{ Depth: 16, N: 4, StallPct: 70 }],
  ])('skid_buffer -> stream_fifo -> stream_fork %j', async (p) => {
    passed(await runTestbench('tb_streams', ['skid_buffer', 'stream_fifo', 'stream_fork'], p));
  });

  it.each([0, 1].flatMap((Xnor) => [1, 5, 13, 64, 128].flatMap((Width) => [0, 3].map((Stages) => [{ Xnor, Width, Stages }]))))(
    'popcount / xnor_popcount %j',
    async (p) => {
      passed(await runTestbench('tb_popcount', ['popcount', 'xnor_popcount'], { ...p, Cycles: 200 }));
    },
  );

  const mvau = ['mvau_xnor', 'mvau_int'];
  it.each([
    // PE in {1, MH} x SIMD in {MW, divisor}; NF >= 3 exercises the replay buffer
    [{ MW: 12, MH: 4, PE: 1, SIMD: 12 }],
    [{ MW: 12, MH: 4, PE: 4, SIMD: 12 }],
    [{ MW: 12, MH: 4, PE: 1, SIMD: 3 }],
    [{ MW: 12, MH: 4, PE: 4, SIMD: 3, StallPct: 80 }],
    [{ MW: 36, MH: 6, PE: 2, SIMD: 9, ...quiet }],
    [{ MW: 64, MH: 8, PE: 2, SIMD: 32, ...quiet }],
    [{ MW: 12, MH: 8, PE: 2, SIMD: 12, StallPct: 80 }],
  ])('mvau_xnor, weight stream %j', async (p) => {
    passed(await runTestbench('tb_mvau', mvau, { Kind: 0, Pixels: 6, ...p }));
  });

  it('mvau_xnor, weight ROM, acc and thresh', async () => {
    const p = { Kind: 0, MW: 36, MH: 6, PE: 3, SIMD: 9, WeightFile: DATA['w_xnor.mem']!, Pixels: 8 };
    passed(await runTestbench('tb_mvau', mvau, p));
    passed(await runTestbench('tb_mvau', mvau, { ...p, OutMode: 'thresh', ThreshFile: DATA['t_xnor.mem']!, ...quiet }));
  });

  it.each([
    [{ MW: 27, MH: 4, PE: 1, SIMD: 3, InW: 8, WeightW: 8, AccW: 24 }],
    [{ MW: 27, MH: 4, PE: 4, SIMD: 27, InW: 8, WeightW: 8, AccW: 24, ...quiet }],
    [{ MW: 16, MH: 6, PE: 2, SIMD: 4, InW: 4, WeightW: 3, AccW: 7 }],
  ])('mvau_int, weight stream %j', async (p) => {
    passed(await runTestbench('tb_mvau', mvau, { Kind: 1, Pixels: 5, ...p }));
  });

  it('mvau_int, weight ROM, thresh', async () => {
    const p = { Kind: 1, MW: 16, MH: 4, PE: 2, SIMD: 4, InW: 4, WeightW: 4, AccW: 12, Pixels: 6 };
    passed(await runTestbench('tb_mvau', mvau, { ...p, WeightFile: DATA['w_int.mem']!, OutMode: 'thresh', ThreshFile: DATA['t_int.mem']! }));
  });

  const windows: [LintParams][] = [1, 3].flatMap((Kernel) =>
    [1, 2].flatMap((Stride) => [1, 8].flatMap((ElemW): [LintParams][] => [[{ Kernel, Stride, ElemW }], [{ Kernel, Stride, ElemW, ...quiet }]])),
  );
  it.each(windows)('sliding_window %j', async (p) => {
    passed(await runTestbench('tb_sliding_window', ['sliding_window'], p));
  });

  it.each([
    // tiny and odd maps, Pad 0, a stride that skips the last rows, CB = 1, a 5x5 kernel
    [{ Kernel: 3, Height: 1, Width: 1, Channels: 4, SIMD: 4 }],
    [{ Kernel: 3, Stride: 2, Height: 7, Width: 4, Channels: 2, SIMD: 1, Pad: 0 }],
    [{ Kernel: 1, Stride: 2, Height: 6, Width: 6, Channels: 4, SIMD: 2, ...quiet }],
    [{ Kernel: 5, Stride: 1, Height: 6, Width: 7, Channels: 2, SIMD: 2 }],
    [{ Kernel: 3, Stride: 1, Height: 3, Width: 3, Channels: 16, SIMD: 4, Pad: 0, ...quiet }],
  ])('sliding_window edge case %j', async (p) => {
    passed(await runTestbench('tb_sliding_window', ['sliding_window'], p));
  });

  it('threshold: file thresholds with ties, no file (sign), narrow thresholds', async () => {
    const f = DATA['t_thr.mem']!;
    passed(await runTestbench('tb_threshold', ['threshold'], { ThreshFile: f }));
    passed(await runTestbench('tb_threshold', ['threshold'], { ThreshFile: f, Par: 8, ...quiet }));
    passed(await runTestbench('tb_threshold', ['threshold'], { ThreshFile: f, Par: 1 }));
    passed(await runTestbench('tb_threshold', ['threshold'], {}));
    passed(await runTestbench('tb_threshold', ['threshold'], { ThreshFile: DATA['t_thr4.mem']!, InW: 8, ThreshW: 4 }));
  });
});
