/**
 * Types of the analytic resource model: what an op is built from (a core and its parameters, the
 * same as the emitter instantiates), the features a core's cost is linear in, and the resources an
 * estimate reports.
 */
import type { Node, NodeOf, OpKind } from '../../ir/graph.js';

/** Families the model is calibrated for: Xilinx 7-series (LUT6) and Lattice iCE40 (LUT4). */
export type EstimateTarget = 'xilinx' | 'ice40';

/** Every calibrated family, in report order. */
export const ESTIMATE_TARGETS: readonly EstimateTarget[] = ['xilinx', 'ice40'];

/** Estimated resources of a core, an op, a layer or a design. */
export interface Resources {
  /** Logic LUTs (LUT6 on xilinx, LUT4 on ice40), including ROMs Yosys builds from logic. */
  readonly luts: number;
  /** Flip-flops. */
  readonly ffs: number;
  /** Carry-chain cells (CARRY4 on xilinx, SB_CARRY on ice40). */
  readonly carry: number;
  /** DSP / multiplier blocks (DSP48E1 on xilinx; ice40 maps multipliers to LUTs, so 0). */
  readonly dsp: number;
  /** Block RAMs (RAMB18E1/RAMB36E1 counted as RAMB18 halves on xilinx; SB_RAM40_4K on ice40). */
  readonly bram: number;
  /** Memory bits placed in block RAM. */
  readonly bramBits: number;
  /** Memory bits placed in LUT RAM (xilinx distributed RAM); 0 on ice40, which has none. */
  readonly lutramBits: number;
}

/** All-zero resources. */
export const NO_RESOURCES: Resources = { luts: 0, ffs: 0, carry: 0, dsp: 0, bram: 0, bramBits: 0, lutramBits: 0 };

/** Sum of resources. */
export function addResources(a: Resources, b: Resources): Resources {
  return {
    luts: a.luts + b.luts,
    ffs: a.ffs + b.ffs,
    carry: a.carry + b.carry,
    dsp: a.dsp + b.dsp,
    bram: a.bram + b.bram,
    bramBits: a.bramBits + b.bramBits,
    lutramBits: a.lutramBits + b.lutramBits,
  };
}

/** Integer parameters of a core instance (file-name parameters are left out). */
export type CoreParams = Readonly<Record<string, number>>;

/** The core an op is built from, with the parameters the emitter gives it. */
export interface CoreShape {
  /** Verilog module (templates/cores/<module>.v). */
  readonly module: string;
  /** Its integer parameters, named as in the core. */
  readonly params: CoreParams;
}

/** What the model needs besides a node and its producers. */
export interface EstimateContext {
  /** Consumers of the node (a fork's output count). */
  readonly consumers: number;
  /** FIFOs over this many RAM bits go to external memory (0: none), as `generate --ext-mem-threshold`. */
  readonly extMemThresholdBits: number;
  /** Whether MVAU weights come from ROMs (`rom`) or from top-level streams (`stream`). */
  readonly weightsMode: 'rom' | 'stream';
  /** Memory read latency (cycles) external FIFOs are built for, as `generate --ext-mem-latency`. */
  readonly extMemLatency: number;
}

/** An op kind's part of the model: the core that implements a node (none for ports). */
export type OpEstimator<K extends OpKind> = (n: NodeOf<K>, ins: readonly Node[], ctx: EstimateContext) => CoreShape | null;

/** A memory of a core: `depth` words of `width` bits. */
export interface CoreMemory {
  /** Words. */
  readonly depth: number;
  /** Bits per word. */
  readonly width: number;
  /** `block`: the core asks for block RAM (ram_style/rom_style); `auto`: Yosys decides. */
  readonly style: 'block' | 'auto';
  /** A table initialised from a file and never written (a ROM); default false. */
  readonly rom?: boolean;
  /** Read ports (a per-channel table read by every lane has one per lane); default 1. */
  readonly ports?: number;
}

/** A core's part of the model: the features its LUT/FF/carry/DSP counts are linear in, and its memories. */
export interface CoreModel {
  /** One sentence: what the features count. */
  readonly doc: string;
  /** Feature values of an instance (names are the keys of the fitted coefficients). */
  readonly features: (p: CoreParams) => Readonly<Record<string, number>>;
  /** Memories Yosys may infer as RAM (block or distributed), with their geometry. */
  readonly memories: (p: CoreParams) => readonly CoreMemory[];
}

/** Fitted coefficients of one core on one family: per metric, per feature. */
export type CoreCoefficients = Readonly<Partial<Record<'luts' | 'ffs' | 'carry' | 'dsp', Readonly<Record<string, number>>>>>;
