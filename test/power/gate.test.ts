/**
 * The Liberty reader, the table lookup, VCD toggle counting and the gate-level power model on
 * small hand-made inputs whose answers follow from the formulas by hand.
 */
import { describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { gatePower, type GateNetlist } from '../../src/power/gate.js';
import { lookup, parseLiberty } from '../../src/power/liberty.js';
import { vcdToggles } from '../../src/power/vcd.js';

/** A two-cell library in OSU-like units: ns, pF, V, nW. */
const LIB = `
/* test library */
library(tiny) {
  time_unit : "1ns";
  voltage_unit : "1V";
  leakage_power_unit : "1nW";
  capacitive_load_unit (1,pf);
  nom_voltage : 2.0;
  operating_conditions ( typ ) { voltage : 2.0; }
  default_operating_conditions : typ;
  power_lut_template(e2) { variable_1 : total_output_net_capacitance; variable_2 : input_transition_time;
    index_1 ("0.01, 0.03"); index_2 ("0.1, 0.3"); }
  power_lut_template(p1) { variable_1 : input_transition_time; index_1 ("0.1, 0.3"); }
  lu_table_template(t2) { variable_1 : total_output_net_capacitance; variable_2 : input_net_transition;
    index_1 ("0.01, 0.03"); index_2 ("0.1, 0.3"); }
  cell (INV) {
    area : 10;
    cell_leakage_power : 3.0;
    pin(A) { direction : input; capacitance : 0.01; }
    pin(Y) { direction : output; function : "(!A)";
      timing() { related_pin : "A";
        rise_transition(t2) { values ("0.1, 0.1", "0.1, 0.1"); }
        fall_transition(t2) { values ("0.1, 0.1", "0.1, 0.1"); } }
      internal_power() { related_pin : "A";
        rise_power(e2) { values ("1.0, 2.0", \\
                                 "3.0, 4.0"); }
        fall_power(e2) { values ("5.0, 6.0", "7.0, 8.0"); } } }
  }
  cell (DFF) {
    area : 40;
    cell_leakage_power : 10.0;
    ff (IQ, IQN) { next_state : "D"; clocked_on : "CLK"; }
    pin(CLK) { direction : input; capacitance : 0.02; clock : true;
      internal_power() { rise_power(p1) { values ("0.5, 0.7"); } fall_power(p1) { values ("1.5, 1.7"); } } }
    pin(D) { direction : input; capacitance : 0.01; }
    pin(Q) { direction : output; function : "IQ"; }
  }
}
`;

describe('Liberty reader', () => {
  const lib = parseLiberty(LIB, 'tiny.lib');

  it('converts library units to SI and reads pins, functions, flip-flops', () => {
    expect(lib.voltage).toBe(2);
    const inv = lib.cells.get('INV')!;
    expect(inv.leakage).toBeCloseTo(3e-9, 20);
    expect(inv.pins.get('A')!.capacitance).toBeCloseTo(0.01e-12, 25);
    expect(inv.pins.get('Y')!.function).toBe('(!A)');
    expect(lib.cells.get('DFF')!.sequential).toBe(true);
    expect(lib.cells.get('DFF')!.pins.get('CLK')!.clock).toBe(true);
    // pF x V^2 = pJ: a table value of 1.0 is 1 pJ
    expect(inv.pins.get('Y')!.internalPower[0]!.rise!.values[0]![0]).toBeCloseTo(1e-12, 24);
  });

  it('interpolates bilinearly and extrapolates linearly', () => {
    const t = lib.cells.get('INV')!.pins.get('Y')!.internalPower[0]!.rise!;
    // corners
    expect(lookup(t, 0.01e-12, 0.1e-9)).toBeCloseTo(1e-12, 24);
    expect(lookup(t, 0.03e-12, 0.3e-9)).toBeCloseTo(4e-12, 24);
    // centre: mean of the four corners
    expect(lookup(t, 0.02e-12, 0.2e-9)).toBeCloseTo(2.5e-12, 24);
    // beyond the last load: the last interval's slope continues (3 -> 5 at 0.05 pF, slew 0.1)
    expect(lookup(t, 0.05e-12, 0.1e-9)).toBeCloseTo(5e-12, 24);
    const p = lib.cells.get('DFF')!.pins.get('CLK')!.internalPower[0]!.rise!;
    expect(lookup(p, 0, 0.2e-9)).toBeCloseTo(0.6e-12, 24);
  });

  it('rejects a file that is not a library, naming the file', () => {
    expect(() => parseLiberty('cell (X) { }', 'bad.lib')).toThrow(BnextError);
    expect(() => parseLiberty('cell (X) { }', 'bad.lib')).toThrow(/not a Liberty library/);
    expect(() => parseLiberty('library (x) { nom_voltage : 1; cell (A) { ', 'cut.lib')).toThrow(/not closed/);
  });
});

describe('gate-level power model', () => {
  const lib = parseLiberty(LIB, 'tiny.lib');
  // in(1) -> INV u1 -> n(2) -> INV u2 -> out(3); clk(4) -> DFF u3.CLK, D = n(2), Q -> q(5)
  const nl: GateNetlist = {
    top: 't',
    cells: [
      { name: 'u1', type: 'INV', pins: { A: 1, Y: 2 } },
      { name: 'u2', type: 'INV', pins: { A: 2, Y: 3 } },
      { name: 'u3', type: 'DFF', pins: { CLK: 4, D: 2, Q: 5 } },
    ],
    inputs: new Map([
      ['in', [1]],
      ['clk', [4]],
    ]),
    outputs: new Map([
      ['out', [3]],
      ['q', [5]],
    ]),
    wires: new Map(),
  };

  it('matches the formulas by hand: switching 0.5 C V^2, internal mean of rise and fall, clock pin, leakage', () => {
    const toggles = new Map([
      [1, 0.5],
      [2, 0.5],
      [3, 0.5],
      [4, 2],
      [5, 0],
    ]);
    const p = gatePower(lib, nl, { toggles: (n) => toggles.get(n) ?? 0, inputSlew: 0.1e-9 });
    const v2 = 4;
    // net 2 drives u2.A (0.01 pF) and u3.D (0.01 pF); net 3 drives nothing
    expect(p.switching).toBeCloseTo(0.5 * 0.02e-12 * v2 * 0.5, 25);
    // u1 output: load 0.02 pF, slew 0.1 ns: rise 2.0 pJ (mid of 1 and 3), fall 6.0 pJ -> mean 4 pJ; u2: load 0 -> extrapolated
    const u1 = (2.0 + 6.0) / 2;
    const u2 = (lookup(lib.cells.get('INV')!.pins.get('Y')!.internalPower[0]!.rise!, 0, 0.1e-9) + lookup(lib.cells.get('INV')!.pins.get('Y')!.internalPower[0]!.fall!, 0, 0.1e-9)) / 2 / 1e-12;
    // the clock pin: (0.5 + 1.5) / 2 per edge, 2 edges per cycle
    const clk = ((0.5 + 1.5) / 2) * 2;
    expect(p.clockPins).toBeCloseTo(clk * 1e-12, 24);
    expect(p.internal).toBeCloseTo((u1 * 0.5 + u2 * 0.5 + clk) * 1e-12, 24);
    // the clock net (0.02 pF, 2 toggles) apart from switching
    expect(p.clockNet).toBeCloseTo(0.5 * 0.02e-12 * v2 * 2, 25);
    expect(p.leakage).toBeCloseTo((3 + 3 + 10) * 1e-9, 20);
    expect([p.cells, p.flops, p.area]).toEqual([3, 1, 60]);
  });

  it('energy grows with activity and is zero for a still netlist apart from the clock', () => {
    const still = gatePower(lib, nl, { toggles: (n) => (n === 4 ? 2 : 0) });
    const busy = gatePower(lib, nl, { toggles: (n) => (n === 4 ? 2 : 0.4) });
    expect(still.switching).toBe(0);
    expect(still.internal).toBeCloseTo(still.clockPins, 30);
    expect(busy.internal + busy.switching).toBeGreaterThan(still.internal + still.switching);
  });

  it('refuses a cell the library lacks', () => {
    const bad: GateNetlist = { ...nl, cells: [{ name: 'x', type: 'NAND9', pins: {} }] };
    expect(() => gatePower(lib, bad, { toggles: () => 0 })).toThrow(/type 'NAND9', which the Liberty library 'tiny' does not define/);
  });
});

describe('VCD toggles', () => {
  const vcd = `$timescale 1ps $end
$scope module tb $end
$scope module dut $end
$var wire 1 ! a $end
$var wire 3 " \\bus [2:0] $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
bx00 "
$end
#10
1!
b101 "
#20
0!
1!
b1 "
#30
0!
b10 "
`;
  it('counts per-bit changes, one per time step, none from x', () => {
    const t = vcdToggles(vcd, 'tb.dut');
    // a: 0 -> 1 (t10), 0 then 1 at t20 = still 1 (no toggle), 1 -> 0 (t30)
    expect([...t.get('a')!]).toEqual([2]);
    // bus LSB first: x00 -> 101 -> 001 -> 010: bit0 0-1,1-1,1-0 = 2; bit1 0,0,1 = 1; bit2 x-1 (not counted), 1-0 = 1
    expect([...t.get('bus')!]).toEqual([2, 1, 1]);
  });
});
