/**
 * fifo -> stream_fifo (RAM FIFO on chip) or fifo_ext (the same with its storage in external
 * memory: a small on-chip head and tail FIFO and the memory port's control).
 */
import { EXT_TAIL_DEPTH, extHeadDepth, extWordBytes, isExternalFifo } from '../../emit/ops/plumbing.js';
import { frameBeats } from '../../passes/size-fifos.js';
import { dataWidth } from '../../emit/stream.js';
import type { CoreMemory, CoreModel, CoreShape, OpEstimator } from './types.js';
import { clog2, p } from './common.js';

/**
 * The core and parameters of a fifo node (as src/emit/ops/plumbing.ts instantiates it; the top adds
 * `AddrW` and `Base` of the external memory map to a fifo_ext, which the model takes as 32 bits).
 */
export const fifo: OpEstimator<'fifo'> = (n, _ins, ctx): CoreShape => {
  const dw = dataWidth(n);
  if (isExternalFifo(n, ctx))
    return { module: 'fifo_ext', params: { DataW: dw, Depth: n.depth, FrameBeats: frameBeats(n), WordBytes: extWordBytes(dw), TailDepth: EXT_TAIL_DEPTH, HeadDepth: extHeadDepth(ctx.extMemLatency) } };
  return { module: 'stream_fifo', params: { DataW: dw, Depth: n.depth } };
};

const fifoMem = (depth: number, dataW: number): CoreMemory => ({ depth, width: dataW + 1, style: 'auto' });

/** Cost models of stream_fifo and fifo_ext. */
export const fifoCores: Readonly<Record<string, CoreModel>> = {
  stream_fifo: {
    doc: 'output register/skid bits, pointer and count bits',
    features: (x) => ({ dataBits: p(x, 'DataW'), ptrBits: clog2(p(x, 'Depth') + 2), one: 1 }),
    memories: (x) => [fifoMem(p(x, 'Depth'), p(x, 'DataW'))],
  },
  fifo_ext: {
    doc: 'two on-chip FIFOs (data bits, pointers), the memory port (word bits, address and count bits)',
    features: (x) => ({
      dataBits: 2 * p(x, 'DataW'),
      ptrBits: clog2(p(x, 'TailDepth') + 2) + clog2(p(x, 'HeadDepth') + 2),
      wordBits: 8 * p(x, 'WordBytes'),
      addrBits: (p(x, 'AddrW') || 32) + clog2(p(x, 'Depth') + 1) + clog2(p(x, 'FrameBeats') + 1),
      one: 1,
    }),
    memories: (x) => [fifoMem(p(x, 'TailDepth'), p(x, 'DataW')), fifoMem(p(x, 'HeadDepth'), p(x, 'DataW'))],
  },
};
