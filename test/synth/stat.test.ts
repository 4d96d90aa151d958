import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { classifyCell, parseStatJson, RESOURCE_CLASSES, summarizeResources, type CellStats } from '../../src/synth/stat.js';
import { closeYosysWorkers, resolveYosysEngine, runYosys, type YosysEngine } from '../../src/synth/yosys.js';

const hasNative = (await resolveYosysEngine('auto')) === 'native';
const FIX = 'test/fixtures/lint';
const read = (f: string) => readFile(`${FIX}/${f}`, 'utf8');

/** Width of the clean fixture; it has two Width-bit registered adders, so 2*Width flip-flops. */
const WIDTH = 6;

afterAll(() => closeYosysWorkers());

const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);

function expectConsistent(s: CellStats): void {
  expect(sum(s.byType)).toBe(s.cells);
  expect(Object.keys(s.byType)).toEqual(Object.keys(s.byType).sort());
}

describe.each<YosysEngine>(['native', 'wasm'])('stat -json from real Yosys runs (%s)', (engine) => {
  it.skipIf(engine === 'native' && !hasNative)('parses xilinx and generic statistics of the clean fixture', async () => {
    const files = { 'add.v': await read('lint_clean_add.v'), 'top.v': await read('lint_clean_top.v') };
    const load = `read_verilog add.v top.v\nchparam -set Width ${WIDTH} lint_clean_top\n`;
    const r = await runYosys({
      engine,
      files,
      outputs: ['xilinx.json', 'cmos.json', 'nodesign.json'],
      script:
        `${load}synth_xilinx -flatten -top lint_clean_top\ntee -q -o xilinx.json stat -json -tech xilinx\ndesign -reset\n` +
        `${load}synth -flatten -top lint_clean_top\ntee -q -o cmos.json stat -json -tech cmos\ndesign -reset\n` +
        `read_verilog add.v\nproc\ntee -q -o nodesign.json stat -json\n`,
    });

    const x = parseStatJson(r.outputs['xilinx.json']!, 'xilinx.json');
    expect(x.creator).toMatch(/^Yosys \d+\.\d+/);
    expect(x.modules.map((m) => m.module)).toEqual(['lint_clean_top']);
    const xd = x.design!;
    expectConsistent(xd);
    expect(xd.processes).toBe(0);
    expect(xd.lcEstimate).toBeGreaterThan(0);
    const xs = summarizeResources(xd, 'xilinx');
    expect(xs.byClass.ff).toBe(2 * WIDTH);
    expect(xs.byClass.lut).toBeGreaterThan(0);
    expect(xs.byClass.carry).toBeGreaterThan(0);
    expect(xs.byClass.io).toBeGreaterThan(0);
    expect(xs.unclassified).toEqual({}); // every cell synth_xilinx produced is known
    expect(sum(xs.byClass)).toBe(xd.cells);

    const g = parseStatJson(r.outputs['cmos.json']!, 'cmos.json').design!;
    expectConsistent(g);
    expect(g.transistors).toBeGreaterThan(0);
    expect(typeof g.transistorsLowerBound).toBe('boolean');
    const gs = summarizeResources(g, 'generic');
    expect(gs.byClass.ff).toBe(2 * WIDTH);
    expect(gs.byClass.gate).toBe(g.cells - 2 * WIDTH - gs.byClass.meta);
    expect(gs.unclassified).toEqual({});

    // Without a top module there is no design section (and Yosys 0.23 writes a trailing comma).
    const n = parseStatJson(r.outputs['nodesign.json']!, 'nodesign.json');
    expect(n.design).toBeUndefined();
    expect(n.modules.map((m) => m.module)).toEqual(['lint_clean_add']);
    expect(n.modules[0]!.byType['$add']).toBe(1);
  });
});

describe('resource classes from a real run', () => {
  it('classifies block RAM, distributed RAM and DSP cells on xilinx (default engine)', async () => {
    const r = await runYosys({
      files: { 'mix.v': await read('lint_mix.v') },
      outputs: ['mix.json'],
      script: 'read_verilog mix.v\nsynth_xilinx -flatten -top lint_mix\ntee -q -o mix.json stat -json\n',
    });
    const d = parseStatJson(r.outputs['mix.json']!).design!;
    const s = summarizeResources(d, 'xilinx');
    expect(s.byClass.bram).toBeGreaterThanOrEqual(1);
    expect(s.byClass.lutram).toBeGreaterThanOrEqual(1);
    expect(s.byClass.dsp).toBeGreaterThanOrEqual(1);
    expect(s.unclassified).toEqual({});
  });
});

describe('parseStatJson errors', () => {
  const err = (text: string): BnextError => {
    try {
      parseStatJson(text, 'x.json');
    } catch (e) {
      expect(e).toBeInstanceOf(BnextError);
      return e as BnextError;
    }
    throw new Error('expected parseStatJson to throw');
  };

  it('rejects text that is not JSON', () => {
    const e = err('Warning: something\n');
    expect(e.code).toBe('E_TOOL');
    expect(e.location.file).toBe('x.json');
  });

  it('rejects a report with a missing count and names the field', () => {
    const e = err(JSON.stringify({ modules: { '\\m': { num_wires: 1, num_wire_bits: 1, num_memories: 0, num_memory_bits: 0, num_processes: 0, num_cells_by_type: {} } } }));
    expect(e.code).toBe('E_TOOL');
    expect(e.location.field).toBe('modules.\\m.num_cells');
  });
});

describe('classifyCell', () => {
  // Cell names as the Yosys technology libraries and vendor documentation spell them.
  const table: readonly (readonly [Parameters<typeof classifyCell>[0], string, string])[] = [
    ['xilinx', 'LUT6', 'lut'],
    ['xilinx', 'FDCE', 'ff'],
    ['xilinx', 'CARRY8', 'carry'],
    ['xilinx', 'RAMB36E1', 'bram'],
    ['xilinx', 'RAM64M', 'lutram'],
    ['xilinx', 'RAM32X1D', 'lutram'],
    ['xilinx', 'SRLC32E', 'lutram'],
    ['xilinx', 'DSP48E2', 'dsp'],
    ['xilinx', 'MUXF8', 'mux'],
    ['ice40', 'SB_LUT4', 'lut'],
    ['ice40', 'SB_DFFESR', 'ff'],
    ['ice40', 'SB_CARRY', 'carry'],
    ['ice40', 'SB_RAM40_4K', 'bram'],
    ['ice40', 'SB_MAC16', 'dsp'],
    ['ecp5', 'TRELLIS_FF', 'ff'],
    ['ecp5', 'CCU2C', 'carry'],
    ['ecp5', 'DP16KD', 'bram'],
    ['ecp5', 'MULT18X18D', 'dsp'],
    ['ecp5', 'L6MUX21', 'mux'],
    ['gowin', 'LUT3', 'lut'],
    ['gowin', 'DFFRE', 'ff'],
    ['gowin', 'ALU', 'carry'],
    ['gowin', 'DPX9B', 'bram'],
    ['gowin', 'RAM16SDP4', 'lutram'],
    ['gowin', 'MULT18X18', 'dsp'],
    ['gowin', 'MUX2_LUT7', 'mux'],
    ['generic', '$_XOR_', 'gate'],
    ['generic', '$_MUX_', 'gate'],
    ['generic', '$_DFF_P_', 'ff'],
    ['generic', '$_SDFFE_PN0P_', 'ff'],
    ['generic', '$_DLATCH_P_', 'latch'],
    ['generic', '$add', 'other'],
    ['xilinx', '$scopeinfo', 'meta'],
    ['xilinx', '$_DFF_P_', 'ff'], // left-over internal cells are still counted on a vendor target
    ['ice40', 'LUT4', 'other'], // another vendor's cell is not silently counted
  ];
  it.each(table)('%s %s -> %s', (target, type, cls) => {
    expect(classifyCell(target, type)).toBe(cls);
    expect(RESOURCE_CLASSES).toContain(cls);
  });
});
