/** The nextpnr timing wrapper: ports read from Yosys' RTLIL dump, every port bit wired exactly once. */
import { describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { fmaxWrapper, ice40PartFor, parsePorts } from '../../src/synth/timing.js';

// as Yosys 0.23 prints `dump mvau_xnor/x:*` (attributes left out), in reverse declaration order
const DUMP = `
  wire output 6 \\out_tdata_o
  wire width 16 output 5 \\out_tdata_o2
  wire input 4 \\out_tready_i
  wire width 3 input 3 \\in_tdata_i
  wire input 2 \\rst_ni
  wire input 1 \\clk_i
`;

describe('fmax wrapper', () => {
  it('reads ports in declaration order with their widths', () => {
    expect(parsePorts(DUMP)).toEqual([
      { name: 'clk_i', dir: 'input', width: 1 },
      { name: 'rst_ni', dir: 'input', width: 1 },
      { name: 'in_tdata_i', dir: 'input', width: 3 },
      { name: 'out_tready_i', dir: 'input', width: 1 },
      { name: 'out_tdata_o2', dir: 'output', width: 16 },
      { name: 'out_tdata_o', dir: 'output', width: 1 },
    ]);
  });

  it('drives every input bit from the shift register and folds every output bit, parameters on the instance', () => {
    const v = fmaxWrapper('core', parsePorts(DUMP), { W: 3, File: 'mem/a.mem' });
    expect(v).toContain('reg  [4:0] in_q;'); // 1 + 3 + 1 input bits besides the clock
    expect(v).toContain('wire [16:0] outs;');
    expect(v).toContain('.rst_ni(in_q[0:0])');
    expect(v).toContain('.in_tdata_i(in_q[3:1])');
    expect(v).toContain('.out_tready_i(in_q[4:4])');
    expect(v).toContain('.out_tdata_o2(outs[15:0])');
    expect(v).toContain('.out_tdata_o(outs[16:16])');
    expect(v).toMatch(/core #\(\n {4}\.File\("mem\/a\.mem"\),\n {4}\.W\(3\)\n {2}\) u_dut \(/);
    expect(() => fmaxWrapper('core', [{ name: 'd', dir: 'input', width: 1 }], {})).toThrow(BnextError);
  });

  it('picks the smallest iCE40 part with room (90 % of the logic cells), none when too big', () => {
    expect(ice40PartFor(1000, 500, 4)?.name).toBe('up5k');
    expect(ice40PartFor(6000, 500, 4)?.name).toBe('hx8k');
    expect(ice40PartFor(1000, 500, 31)?.name).toBe('hx8k');
    expect(ice40PartFor(9000, 500, 4)).toBeUndefined();
  });
});
