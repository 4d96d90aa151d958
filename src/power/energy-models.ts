/**
 * The energy models of `bnext-rtl power`, their constants and where every number comes from.
 * Three technologies, chosen with `--tech`:
 *
 * (a) `osu018` - measured here, at gate level. Each core type of a design is synthesized once by
 *     Yosys to a Liberty library (default: OSU 0.18 um cells of Debian's qflow-tech-osu018,
 *     /usr/share/qflow/tech/osu018/osu018_stdcells.lib, 1.8 V typical) with `dfflibmap` and
 *     `abc -fast -liberty` (the default ABC script took minutes on a 17x18-bit multiplier); the
 *     netlist is simulated by Icarus with the library's own cell models (osu018_stdcells.v)
 *     under seeded random stimulus; every net's toggles feed the Liberty model of
 *     src/power/gate.ts (internal power tables, 0.5 C V^2 switching on the sinks' pin
 *     capacitance, cell leakage). This yields per core type: energy per toggle of its ports (the
 *     data-dependent part), energy per clock cycle (flip-flop clock pins and the clock net) and
 *     leakage (src/power/characterize.ts; cached by content hash under .cache/power/). A design
 *     instance then costs  toggles(ports, measured) x E_toggle + cycles x E_clock x s_logic +
 *     P_leak x s_all, where s_logic and s_all are its analytic size (LUT-equivalents; plus memory
 *     bits, src/synth/estimate/model.ts) over the characterized instance's: memory arrays are
 *     taken as clock-gated or SRAM (their clock energy does not grow with depth, their leakage
 *     does). The gate-level model is checked against OpenSTA `report_power`
 *     (test/power/opensta.test.ts). Not included: wire capacitance (no layout), glitches
 *     (zero-delay simulation), clock-tree buffers beyond the clock pins' own capacitance; and a
 *     core's internal activity is known only through its ports, calibrated under random data.
 * (b) `fpga` - literature figures, not measurements, for the VTR 7 flagship architecture
 *     k6_frac_N10_mem32K_40nm (a 40 nm FPGA whose delays, areas and hard-block energies were
 *     calibrated on Altera Stratix IV; Luu et al., "VTR 7.0", ACM TRETS 2014; file
 *     vtr_flow/arch/timing/k6_frac_N10_mem32K_40nm.xml, supply 0.9 V from its PTM 45 nm
 *     technology file vtr_flow/tech/PTM_45nm/45nm.xml). See {@link FPGA_VTR40}: each figure says
 *     whether it is quoted from the file (`literature`) or derived from its electrical
 *     parameters with a stated assumption (`derived`). Resource counts come from
 *     `<design>/synth/report.json` when present, else from the analytic estimate.
 * (c) `45nm` - an analytic cross-check with no activity: operations per inference times the
 *     45 nm energies of M. Horowitz, "Computing's energy problem (and what we can do about it)",
 *     ISSCC 2014, Fig. 1.1.9 (0.9 V): see {@link HOROWITZ_45NM}.
 *
 * The vectorless estimate beside every activity-based figure uses the default toggle rate
 * {@link VECTORLESS_TOGGLE_RATE} on every port bit (the Xilinx Power Estimator's default, UG440:
 * "The default value of 12.5% means one transition every eight cycles").
 */

/** A constant with its provenance. */
export interface SourcedFigure {
  /** The value, SI units (J, W, F). */
  readonly value: number;
  /** What the value is per (e.g. `per 64-bit read`). */
  readonly per: string;
  /** `literature`: quoted from the source; `derived`: computed from quoted parameters with the stated assumption. */
  readonly basis: 'literature' | 'derived';
  /** Where it comes from (and, when derived, how). */
  readonly source: string;
}

/** Default toggle rate of the vectorless estimate: toggles per bit per cycle (XPE default, UG440). */
export const VECTORLESS_TOGGLE_RATE = 0.125;

/** Horowitz, ISSCC 2014, 45 nm at 0.9 V: the figures this project uses (joules). */
export const HOROWITZ_45NM = {
  /** 8-bit integer add: 0.03 pJ. */
  add8: 0.03e-12,
  /** 32-bit integer add: 0.1 pJ. */
  add32: 0.1e-12,
  /** 8-bit integer multiply: 0.2 pJ. */
  mult8: 0.2e-12,
  /** 32-bit integer multiply: 3.1 pJ. */
  mult32: 3.1e-12,
  /** 64-bit read of an 8 KB SRAM: 10 pJ. */
  sram8KbRead64: 10e-12,
  /** 64-bit DRAM access: 1.3-2.6 nJ; we use the midpoint, 1.95 nJ. */
  dram64: 1.95e-9,
} as const;

/**
 * How the 45 nm model turns operations into energy (all derived from {@link HOROWITZ_45NM}):
 * - an n-bit add costs add8 * n/8 (linear in width: 32 bits gives 0.12 pJ against the quoted 0.1);
 * - an a x b-bit multiply costs mult8 * (a*b)/64 (quadratic: 32 x 32 gives 3.2 pJ against 3.1);
 * - a binary MAC (one XNOR and its share of the popcount tree, about one full-adder bit) costs
 *   one bit of an 8-bit add, add8 / 8 = 3.75 fJ;
 * - an on-chip memory bit read or written costs sram8KbRead64 / 64 = 0.156 pJ (every on-chip
 *   memory of the design is taken as an 8 KB SRAM; writes cost as much as reads);
 * - a bit from external DRAM costs dram64 / 64 = 30.5 pJ.
 * Registers, per-channel parameter tables and wires are not counted.
 */
export const ANALYTIC_45NM = {
  addPerBit: HOROWITZ_45NM.add8 / 8,
  multPerBitProduct: HOROWITZ_45NM.mult8 / 64,
  binaryMac: HOROWITZ_45NM.add8 / 8,
  sramPerBit: HOROWITZ_45NM.sram8KbRead64 / 64,
  dramPerBit: HOROWITZ_45NM.dram64 / 64,
} as const;

/** Supply of the VTR 40 nm architecture's technology file (PTM 45 nm, operating point 0.9 V). */
const VDD_VTR = 0.9;
/** L4 routing wire: Cmetal 26 fF; mux switch output 3.5 fF, input 0.32 fF; connection block input pin 1.7 fF. */
const C_ROUTE = 2 * (26e-15 + 3.5e-15) + 3 * (0.32e-15 + 1.7e-15);
/** Local (intra-CLB) wire over one tile: C_wire 2.5e-10 F/m over the 90 um tile the file assumes. */
const C_LOCAL = 2.5e-10 * 90e-6;

/** Per-resource energies of the `fpga` model (VTR k6_frac_N10_mem32K_40nm). */
export const FPGA_VTR40 = {
  family: 'VTR k6_frac_N10_mem32K_40nm (40 nm, Stratix IV-calibrated)',
  /** One toggle of a routed net. */
  route: {
    value: 0.5 * C_ROUTE * VDD_VTR * VDD_VTR,
    per: 'net toggle',
    basis: 'derived',
    source:
      'k6_frac_N10_mem32K_40nm.xml: L4 segment Cmetal 26 fF, switch Cout 3.5 fF / Cin 0.32 fF, C_ipin_cblock 1.7 fF; assumed 2 segments per net and fanout 3 (XPE default average fanout, UG440): C = 65.1 fF, E = 0.5 C V^2 at 0.9 V',
  },
  /** One toggle of a LUT output inside its cluster (the routed part is `route`). */
  lut: {
    value: 0.5 * C_LOCAL * VDD_VTR * VDD_VTR,
    per: 'LUT output toggle',
    basis: 'derived',
    source: 'k6_frac_N10_mem32K_40nm.xml: local_interconnect C_wire 2.5e-10 F/m over a 90 um tile = 22.5 fF, E = 0.5 C V^2 at 0.9 V (LUT-internal nodes not included)',
  },
  /** A flip-flop's clock load, per cycle (two clock edges). */
  ffClock: {
    value: (C_LOCAL / 10) * VDD_VTR * VDD_VTR,
    per: 'flip-flop per cycle',
    basis: 'derived',
    source: 'k6_frac_N10_mem32K_40nm.xml: clock C_wire 2.5e-10 F/m over a 90 um tile shared by the 10 flip-flops of a CLB: 2.25 fF each, C V^2 per cycle at 0.9 V',
  },
  /** One cycle of an enabled 32 Kb RAM port (the clock rises and falls). */
  bram: {
    value: 2 * 9.0e-12,
    per: '32 Kb RAM access (cycle)',
    basis: 'literature',
    source: 'k6_frac_N10_mem32K_40nm.xml: single-port memory modes, power pin-toggle, clk energy_per_toggle 9.0e-12 J; two clock toggles per access',
  },
  /** One toggle of an 18x18 multiplier input pin. */
  dspPin: {
    value: 1.09e-12,
    per: '18x18 multiplier input-pin toggle',
    basis: 'literature',
    source: 'k6_frac_N10_mem32K_40nm.xml: mult_18x18_slice power pin-toggle, A_cfg/B_cfg energy_per_toggle 1.09e-12 J',
  },
  /** Bits of one RAM block (for the resource estimate when no synthesis report exists). */
  bramBits: 32 * 1024,
} as const satisfies Record<string, SourcedFigure | string | number>;

/** Default Liberty library of the `osu018` model. */
export const OSU018_LIBERTY = '/usr/share/qflow/tech/osu018/osu018_stdcells.lib';
/** Its Verilog cell models, for the gate-level simulation. */
export const OSU018_CELLS = '/usr/share/qflow/tech/osu018/osu018_stdcells.v';
/** Transition time given to primary inputs and the clock in the gate-level model (s). */
export const GATE_INPUT_SLEW = 0.1e-9;
/** Cycles of random stimulus per characterization (after the reset). */
export const CHARACTERIZE_CYCLES = 400;
