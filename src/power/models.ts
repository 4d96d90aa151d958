/**
 * The three energy models applied to a design's instances (see ./energy-models.ts for what they
 * are and where their numbers come from). Each gives, per instance, the dynamic energy of the
 * simulated run (J) under the measured activity and under the vectorless toggle rate, the static
 * power (W), and how the energy splits between binary arrays, real-valued paths and memories.
 */
import type { Node } from '../ir/graph.js';
import { estimateNode } from '../synth/estimate/model.js';
import { instanceBits, instanceToggles, type InstanceActivity } from './activity.js';
import type { CoreCharacterization } from './characterize.js';
import { ANALYTIC_45NM, FPGA_VTR40, VECTORLESS_TOGGLE_RATE } from './energy-models.js';
import { opCounts } from './ops.js';
import type { EnergySplit } from './report.js';

/** Energy of one instance over the run. */
export interface InstanceEnergy {
  /** Dynamic energy over the run (J): measured activity, and vectorless. */
  readonly activity: EnergySplit;
  readonly vectorless: EnergySplit;
  /** Static power (W), attributed to `category`. */
  readonly staticW: number;
  /** Where the instance's own (non-memory) energy goes. */
  readonly category: keyof EnergySplit;
}

/** Everything a model needs about one instance. */
export interface InstanceContext {
  readonly node: Node;
  readonly inputs: readonly Node[];
  readonly act: InstanceActivity;
  /** Cycles of the simulated run. */
  readonly cycles: number;
  /** Analytic cycles of this node per frame (for block-RAM enable rates). */
  readonly nodeCycles: number;
  /** Measured cycles per frame of the design. */
  readonly cyclesPerFrame: number;
}

/** Where an instance's energy goes by its op kind. */
export function categoryOf(n: Node): keyof EnergySplit {
  if (n.kind === 'mvau' && n.mode === 'xnor') return 'binary';
  if (n.kind === 'fifo' || n.kind === 'window') return 'memory';
  return 'real';
}

const split = (cat: keyof EnergySplit, own: number, memory = 0): EnergySplit => ({
  binary: cat === 'binary' ? own : 0,
  real: cat === 'real' ? own : 0,
  memory: memory + (cat === 'memory' ? own : 0),
});

/** Analytic size of a node: logic (LUT-equivalents) and memory bits (the osu018 scaling measures). */
export function nodeSize(n: Node, ins: readonly Node[]): { readonly logic: number; readonly memBits: number } {
  const e = estimateNode(n, ins);
  return { logic: e.luts, memBits: e.memBits };
}

const ratio = (a: number, b: number) => (a > 0 && b > 0 ? a / b : 1);

/**
 * osu018: measured port toggles times the characterized energy per toggle, plus the clock energy
 * per cycle scaled by logic size and the leakage scaled by logic + memory size (this instance's
 * analytic size over the characterized instance's). Memory arrays are taken as clock-gated (or
 * SRAM): their clock energy does not grow with their depth, their leakage does; Yosys maps them
 * to ungated flip-flops, whose clock power would dominate any design with deep FIFOs.
 */
export function asicEnergy(c: InstanceContext, ch: CoreCharacterization, charSize: { readonly logic: number; readonly memBits: number }): InstanceEnergy {
  const cat = categoryOf(c.node);
  const size = nodeSize(c.node, c.inputs);
  const clock = c.cycles * ch.clockEnergyPerCycle * ratio(size.logic, charSize.logic);
  const memToggles = c.act.memory.toggles;
  const own = (instanceToggles(c.act) - memToggles) * ch.energyPerToggle + clock;
  const vlToggles = VECTORLESS_TOGGLE_RATE * c.cycles;
  const vlOwn = (instanceBits(c.act) - c.act.memory.bits) * vlToggles * ch.energyPerToggle + clock;
  return {
    activity: split(cat, own, memToggles * ch.energyPerToggle),
    vectorless: split(cat, vlOwn, c.act.memory.bits * vlToggles * ch.energyPerToggle),
    staticW: ch.leakage * ratio(size.logic + size.memBits, charSize.logic + charSize.memBits),
    category: cat,
  };
}

/** FPGA resources of one instance. */
export interface FpgaResources {
  readonly luts: number;
  readonly ffs: number;
  readonly bram: number;
  readonly dsp: number;
}

/**
 * Resources from the analytic estimate when no synthesis report exists: its LUTs, one flip-flop
 * per LUT (an assumption), memories of 2 Kb or more in 32 Kb RAM blocks, no DSP (the estimate
 * maps multipliers to LUTs).
 */
export function estimatedResources(n: Node, ins: readonly Node[]): FpgaResources {
  const e = estimateNode(n, ins);
  return { luts: e.luts, ffs: e.luts, bram: e.memBits >= 2048 ? Math.ceil(e.memBits / FPGA_VTR40.bramBits) : 0, dsp: 0 };
}

/**
 * fpga: per cycle, LUTs x toggle rate x (LUT + routing energy) + flip-flops x (toggle rate x
 * routing energy + clock energy) + RAM blocks x enable rate x access energy + DSPs x 36 input
 * pins x toggle rate x pin energy. The toggle rate is the instance's measured port toggle rate;
 * the RAM enable rate is the node's analytic busy fraction (its cycles over the frame's).
 */
export function fpgaEnergy(c: InstanceContext, r: FpgaResources): InstanceEnergy {
  const cat = categoryOf(c.node);
  const bits = instanceBits(c.act);
  const rate = bits > 0 ? instanceToggles(c.act) / (bits * c.cycles) : 0;
  const busy = Math.min(1, c.nodeCycles / Math.max(1, c.cyclesPerFrame));
  const perCycle = (a: number) =>
    r.luts * a * (FPGA_VTR40.lut.value + FPGA_VTR40.route.value) + r.ffs * (a * FPGA_VTR40.route.value + FPGA_VTR40.ffClock.value) + r.dsp * 36 * a * FPGA_VTR40.dspPin.value;
  const ram = r.bram * busy * FPGA_VTR40.bram.value * c.cycles;
  return {
    activity: split(cat, perCycle(rate) * c.cycles, ram),
    vectorless: split(cat, perCycle(VECTORLESS_TOGGLE_RATE) * c.cycles, ram),
    staticW: 0,
    category: cat,
  };
}

/** 45 nm: operations per inference times Horowitz's energies (the same with and without activity). */
export function analyticEnergyPerInference(n: Node, ins: readonly Node[]): EnergySplit {
  const o = opCounts(n, ins);
  const arith = o.mults.reduce((a, [k, x, y]) => a + k * x * y * ANALYTIC_45NM.multPerBitProduct, 0) + o.adds.reduce((a, [k, w]) => a + k * w * ANALYTIC_45NM.addPerBit, 0);
  return { binary: o.bops * ANALYTIC_45NM.binaryMac, real: arith, memory: o.memBits * ANALYTIC_45NM.sramPerBit };
}

/**
 * The 45 nm model as an {@link InstanceEnergy} over the run: energy per inference times the run's
 * length in frame intervals, so that power = energy per inference / frame time exactly.
 */
export function analyticEnergy(c: InstanceContext): InstanceEnergy {
  const e = analyticEnergyPerInference(c.node, c.inputs);
  const frames = c.cycles / Math.max(1, c.cyclesPerFrame);
  const run = { binary: e.binary * frames, real: e.real * frames, memory: e.memory * frames };
  return { activity: run, vectorless: run, staticW: 0, category: categoryOf(c.node) };
}
