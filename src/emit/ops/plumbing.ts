/** fork, fifo -> templates/cores/stream_fork.v, stream_fifo.v (on chip) or fifo_ext.v (external memory) */
import type { FifoNode } from '../../ir/graph.js';
import { consumers } from '../../ir/graph.js';
import { frameBeats } from '../../passes/size-fifos.js';
import { dataWidth } from '../stream.js';
import type { Instance, OpBinding, Placement } from '../types.js';

/** Beats of a fifo_ext's on-chip tail (absorbs back-pressure of the write channel). */
export const EXT_TAIL_DEPTH = 16;
/**
 * Beats of a fifo_ext's on-chip head: reads in flight plus beats waiting, so a FIFO streams one
 * beat per cycle while the memory's read latency stays under about this many cycles.
 */
export const EXT_HEAD_DEPTH = 32;
/** Default memory read latency (cycles, request to response) the fifo_ext heads are sized for. */
export const DEFAULT_EXT_MEM_LATENCY = EXT_HEAD_DEPTH - 4;

/**
 * Head depth of a fifo_ext for a memory read latency of `latency` cycles: the reads in flight
 * plus the head's own two-cycle pass and a margin, never less than {@link EXT_HEAD_DEPTH}.
 */
export function extHeadDepth(latency: number): number {
  return Math.max(EXT_HEAD_DEPTH, latency + 4);
}

/** RAM bits of a FIFO as stream_fifo holds it: {tlast, tdata} per entry. */
export function fifoRamBits(n: FifoNode): number {
  return n.depth * (dataWidth(n) + 1);
}

/** Bytes per external memory word for a beat of `bits` bits: the least power of two that holds it. */
export function extWordBytes(bits: number): number {
  let b = 1;
  while (8 * b < bits) b *= 2;
  return b;
}

/** Whether a FIFO's storage goes to an external memory port under a placement. */
export function isExternalFifo(n: FifoNode, p: Placement | undefined): boolean {
  return p !== undefined && p.extMemThresholdBits > 0 && fifoRamBits(n) > p.extMemThresholdBits;
}

/** Binds the `fork` op to the stream_fork core. */
export const fork: OpBinding<'fork'> = (n, _ins, ctx) => ({
  module: 'stream_fork',
  params: { N: consumers(ctx.graph).get(n.id)!.length, DataW: dataWidth(n) },
  inputs: ['in'],
  output: 'out',
});

/** Binds the `fifo` op to the stream_fifo core, or to fifo_ext when it is too large for the chip. */
export const fifo: OpBinding<'fifo'> = (n, _ins, ctx): Instance => {
  if (isExternalFifo(n, ctx.placement)) {
    const wordBytes = extWordBytes(dataWidth(n));
    return {
      module: 'fifo_ext',
      params: { DataW: dataWidth(n), Depth: n.depth, FrameBeats: frameBeats(n), WordBytes: wordBytes, TailDepth: EXT_TAIL_DEPTH, HeadDepth: extHeadDepth(ctx.placement?.extMemLatency ?? DEFAULT_EXT_MEM_LATENCY) },
      inputs: ['in'],
      output: 'out',
      uses: ['stream_fifo'],
      extMem: { words: n.depth, wordBytes },
    };
  }
  return {
    module: 'stream_fifo',
    params: { DataW: dataWidth(n), Depth: n.depth },
    inputs: ['in'],
    output: 'out',
    // occupancy output, for debugging; a design does not need it
    open: [{ port: 'count_o', width: Math.ceil(Math.log2(n.depth + 2)) }],
  };
};
