/**
 * Where Yosys 0.23 puts a core's memory on each family, and how many blocks it takes, as read off
 * the calibration runs (src/synth/estimate/calibrate.ts):
 *  - xilinx: memories marked `rom_style = "block"` go to block RAM; others of at most 2 words
 *    become flip-flops, of at most 256 words and 4 kbit LUT RAM, larger ones block RAM. Blocks are
 *    counted in RAMB18 halves (a RAMB36 is two), configured as {@link bramGeometry} chooses;
 *  - ice40: memories of less than 64 bits become flip-flops; the others go to SB_RAM40_4K blocks
 *    (256 x 16, 512 x 8, 1024 x 4 or 2048 x 2, see {@link bramGeometry});
 *  - blocks stacked for the depth have their read data multiplexed in LUTs (`muxBits` = width *
 *    (stack - 1) multiplexer inputs);
 *  - tables (ROMs) read on more ports than a block has (two on xilinx, one on ice40), or smaller
 *    than 4 kbit (xilinx) / 1 kbit (ice40), are built from LUTs, once per read port
 *    (`romLogicBits` = bits * ports).
 */
import type { CoreMemory, EstimateTarget } from './types.js';

/** A memory's placement: block RAM (blocks, and LUT multiplexer inputs for stacked blocks), LUT RAM, or logic. */
export type MemoryPlacement =
  | { readonly kind: 'bram'; readonly blocks: number; readonly muxBits: number }
  | { readonly kind: 'lutram' }
  | { readonly kind: 'logic' }
  | { readonly kind: 'rom-logic'; readonly bits: number };

/** Thresholds of the automatic placement on xilinx. */
export const MEMORY_RULES = {
  /** Memories of at most this many words are built from flip-flops. */
  xilinxLogicMaxDepth: 2,
  /** LUT RAM holds memories of at most this many words ... */
  xilinxLutramMaxDepth: 256,
  /** ... and this many bits. */
  xilinxLutramMaxBits: 4096,
  /** iCE40: memories of fewer bits than this are built from flip-flops (48 bits were, 80 were not). */
  ice40LogicMaxBits: 63,
} as const;

/** RAMB18E1 / RAMB36E1 simple-dual-port configurations: words, bits, RAMB18 units. */
const XILINX_CONFIGS = [
  [512, 36, 1], [1024, 18, 1], [2048, 9, 1], [4096, 4, 1], [8192, 2, 1], [16384, 1, 1],
  [512, 72, 2], [1024, 36, 2], [2048, 18, 2], [4096, 9, 2], [8192, 4, 2], [16384, 2, 2], [32768, 1, 2],
] as const;

/** SB_RAM40_4K configurations: words, bits. */
const ICE40_CONFIGS = [[256, 16], [512, 8], [1024, 4], [2048, 2]] as const;

/**
 * Block count (RAMB18 units on xilinx) and stacking of a memory in block RAM. iCE40: the
 * configuration with the fewest blocks, ties to the deeper one. Xilinx: the least cost, a RAMB18
 * unit costing as much as 64 multiplexer inputs of stacked blocks, ties to the later (wider
 * block) one; this reproduces Yosys 0.23 on the calibration runs and on deep ROMs (a 9216 x 1024
 * ROM as 285 RAMB36 of 2K x 18, five deep) but is only an approximation of its cost model (a
 * 2304 x 1024 ROM took 144 blocks where this gives 171).
 */
function bramGeometry(m: CoreMemory, target: EstimateTarget): { blocks: number; stack: number } {
  let best = { blocks: Infinity, stack: 1, cost: Infinity };
  if (target === 'ice40') {
    for (const [d, w] of ICE40_CONFIGS) {
      const stack = Math.ceil(m.depth / d);
      const blocks = Math.ceil(m.width / w) * stack;
      if (blocks <= best.blocks) best = { blocks, stack, cost: blocks };
    }
  } else {
    for (const [d, w, u] of XILINX_CONFIGS) {
      const stack = Math.ceil(m.depth / d);
      const blocks = Math.ceil(m.width / w) * stack * u;
      const cost = 64 * blocks + m.width * (stack - 1);
      if (cost <= best.cost) best = { blocks, stack, cost };
    }
  }
  return { blocks: best.blocks, stack: best.stack };
}

/** Blocks of a memory in block RAM on a family (RAMB18 halves on xilinx). */
export function bramBlocks(m: CoreMemory, target: EstimateTarget): number {
  return bramGeometry(m, target).blocks;
}

/** The placement of one memory on a family. */
export function placeMemory(m: CoreMemory, target: EstimateTarget): MemoryPlacement {
  if (m.depth <= 0 || m.width <= 0) return { kind: 'logic' };
  const bram = (): MemoryPlacement => {
    const g = bramGeometry(m, target);
    return { kind: 'bram', blocks: g.blocks, muxBits: m.width * (g.stack - 1) };
  };
  const ports = m.ports ?? 1;
  if (m.rom && m.style !== 'block') {
    const maxPorts = target === 'xilinx' ? 2 : 1;
    const minBits = target === 'xilinx' ? 4096 : 1024;
    if (ports > maxPorts || m.depth * m.width < minBits) return { kind: 'rom-logic', bits: m.depth * m.width * ports };
  }
  if (target === 'ice40' && m.style !== 'block' && m.depth * m.width <= MEMORY_RULES.ice40LogicMaxBits) return { kind: 'logic' };
  if (m.style === 'block' || target === 'ice40') return bram();
  if (m.depth <= MEMORY_RULES.xilinxLogicMaxDepth) return { kind: 'logic' };
  if (m.depth <= MEMORY_RULES.xilinxLutramMaxDepth && m.depth * m.width <= MEMORY_RULES.xilinxLutramMaxBits) return { kind: 'lutram' };
  return bram();
}
