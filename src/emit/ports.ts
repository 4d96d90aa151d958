/**
 * What a design's external interfaces cost and how to serve them: the manifest entries of the
 * external memory ports (map buffers too large for the chip) and of the weight streams, with their
 * bandwidth at the design's frame rate, and the design README's sections about them.
 */
import type { Graph } from '../ir/graph.js';
import { frameBeats } from '../passes/size-fifos.js';
import type { NodeEstimate } from '../synth/estimate/model.js';
import type { Manifest } from './design.js';
import { DEFAULT_EXT_MEM_LATENCY, EXT_TAIL_DEPTH, extHeadDepth } from './ops/plumbing.js';
import type { EmittedDesign } from './top.js';

/** One map buffer in external memory (manifest `externalMemory.buffers`). */
export interface ExtBufferInfo {
  /** IR node id of the FIFO. */
  readonly node: string;
  /** Layer of the FIFO. */
  readonly layer: string;
  /** Top-level port prefix (`<port>_wr_valid_o`, ...). */
  readonly port: string;
  /** Beats the buffer holds (FIFO depth). */
  readonly beats: number;
  /** tdata bits per beat. */
  readonly beatBits: number;
  /** Bytes per memory word (one beat per word, in the low bits). */
  readonly wordBytes: number;
  /** Region offset from the top's `ExtMemBase` parameter, bytes. */
  readonly base: number;
  /** Region size, bytes. */
  readonly sizeBytes: number;
  /** Memory traffic per frame, bits (every beat written once and read once, whole words). */
  readonly bitsPerFrame: number;
  /** Memory traffic at the design's frames/s (analytic cycle model), bytes per second. */
  readonly bytesPerSecond: number;
}

/** The manifest's `externalMemory`. */
export interface ExternalMemoryInfo {
  /** FIFOs whose RAM ({tlast, tdata} per beat) exceeds this many bits are external; 0 = none. */
  readonly thresholdBits: number;
  /**
   * Memory read latency (cycles, request to response) the ports keep one beat per cycle under:
   * each fifo_ext's head holds that many reads in flight (`generate --ext-mem-latency`).
   */
  readonly latencyCycles: number;
  /** Byte address width of the memory ports (0 without any). */
  readonly addrBits: number;
  /** One entry per external buffer (and port), in dataflow order. */
  readonly buffers: readonly ExtBufferInfo[];
  /** Bytes of all regions. */
  readonly totalBytes: number;
  /** Memory traffic of all ports per frame, bits. */
  readonly bitsPerFrame: number;
  /** Memory traffic of all ports at the design's frames/s, bytes per second. */
  readonly bytesPerSecond: number;
}

/** One weight stream input (manifest `weightStreams`). */
export interface WeightStreamInfo {
  /** IR node id of the MVAU. */
  readonly node: string;
  /** Layer of the MVAU. */
  readonly layer: string;
  /** Top-level port prefix (`<port>_tvalid_i`, `<port>_tready_o`, `<port>_tdata_i`). */
  readonly port: string;
  /** tdata bits per word. */
  readonly width: number;
  /** Words per output pixel (one pass of the file). */
  readonly wordsPerPixel: number;
  /** Output pixels per frame. */
  readonly pixels: number;
  /** Words per frame (wordsPerPixel * pixels). */
  readonly wordsPerFrame: number;
  /** In which order the words are streamed. */
  readonly order: string;
  /** The words, in stream order (path in the design folder). */
  readonly file: string;
  /** Stream bits per frame. */
  readonly bitsPerFrame: number;
  /** At the design's frames/s (analytic cycle model), bytes per second. */
  readonly bytesPerSecond: number;
}

/** Manifest entries of a design's external interfaces, and the memory bits they take off the chip. */
export function portsManifest(
  g: Graph,
  emitted: EmittedDesign,
  est: ReadonlyMap<string, NodeEstimate>,
  fps: number,
  thresholdBits: number,
  latencyCycles: number = DEFAULT_EXT_MEM_LATENCY,
): { externalMemory: ExternalMemoryInfo; weightStreams: WeightStreamInfo[]; movedOffChipBits: number; streamedWeightBits: number } {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const buffers: ExtBufferInfo[] = emitted.extMems.map((e) => {
    const bitsPerFrame = 2 * frameBeats(byId.get(e.node)!) * e.wordBytes * 8;
    return { node: e.node, layer: e.layer, port: e.prefix, beats: e.beats, beatBits: e.beatBits, wordBytes: e.wordBytes, base: e.base, sizeBytes: e.sizeBytes, bitsPerFrame, bytesPerSecond: (bitsPerFrame / 8) * fps };
  });
  const weightStreams: WeightStreamInfo[] = emitted.weightStreams.map((w) => {
    const bitsPerFrame = w.wordsPerPixel * w.pixels * w.wordBits;
    return {
      node: w.node,
      layer: w.layer,
      port: w.prefix,
      width: w.wordBits,
      wordsPerPixel: w.wordsPerPixel,
      pixels: w.pixels,
      wordsPerFrame: w.wordsPerPixel * w.pixels,
      order: 'the words of the file in file order (word nf*SF + sf of the MVAU schedule), once per output pixel, pixel after pixel, frame after frame',
      file: `mem/${w.file}`,
      bitsPerFrame,
      bytesPerSecond: (bitsPerFrame / 8) * fps,
    };
  });
  const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);
  // The estimate counts every FIFO and ROM on chip; an external FIFO keeps its head and tail.
  const extBits = sum(buffers, (b) => est.get(b.node)!.memBits - (EXT_TAIL_DEPTH + 1 + extHeadDepth(latencyCycles)) * (b.beatBits + 1));
  const streamedWeightBits = sum(weightStreams, (w) => est.get(w.node)!.memBits);
  return {
    externalMemory: {
      thresholdBits,
      latencyCycles,
      addrBits: emitted.addrBits,
      buffers,
      totalBytes: sum(buffers, (b) => b.sizeBytes),
      bitsPerFrame: sum(buffers, (b) => b.bitsPerFrame),
      bytesPerSecond: sum(buffers, (b) => b.bytesPerSecond),
    },
    weightStreams,
    movedOffChipBits: extBits + streamedWeightBits,
    streamedWeightBits,
  };
}

const gbps = (bytesPerSecond: number): string => `${(bytesPerSecond / 1e9).toFixed(3)} GB/s`;

/** README lines on memory placement, the external memory ports and the weight streams. */
export function portsReadme(m: Manifest): string {
  const x = m.externalMemory;
  const fps = `${m.performance.framesPerSecond.toFixed(1)} frames/s`;
  const lines = [
    `- Memory: ${m.memory.onChipBits} bits on chip${m.memory.externalBufferBits ? `, ${m.memory.externalBufferBits} bits of map buffers in external memory` : ''}${m.memory.streamedWeightBits ? `, ${m.memory.streamedWeightBits} MVAU weight bits streamed in` : ''}.`,
    x.buffers.length
      ? `- External memory: ${x.buffers.length} port(s), see below.`
      : x.thresholdBits
        ? `- External memory: none (no FIFO exceeds the --ext-mem-threshold of ${x.thresholdBits} bits).`
        : '- External memory: none (--ext-mem-threshold none: every FIFO is on chip).',
    m.weightsMode === 'stream' ? `- Weights: ${m.weightStreams.length} MVAU weight stream(s), see below.` : '- Weights: in ROMs initialised from `mem/*.mem` (`--weights-mode rom`).',
    '',
  ];
  if (x.buffers.length)
    lines.push(
      '## External memory ports',
      '',
      `${x.buffers.length} map buffer(s) over ${x.thresholdBits} bits live in external memory (core \`fifo_ext\`, see`,
      `\`cores/fifo_ext.v\`): ${x.totalBytes} bytes in all, ${gbps(x.bytesPerSecond)} of traffic at ${fps}.`,
      'Each has its own port `<port>_*` (one per buffer: each buffer streams independently at its own rate, and',
      'an interconnect of your choice can merge the ports onto one memory controller) and its own region at',
      `\`ExtMemBase + base\` (top parameter \`ExtMemBase\`, default 0; regions 4 KiB aligned; ${x.addrBits}-bit byte addresses).`,
      'Signals, all synchronous to `clk_i`:',
      '',
      '- `<port>_wr_valid_o / _wr_ready_i / _wr_addr_o / _wr_data_o`: write one word (AXI4: AW + W of a',
      '  single-beat burst, size = the word bytes); held until ready.',
      '- `<port>_wr_done_i`: one pulse per completed write, in order (AXI4 B with BREADY = 1). A word is read',
      '  back only after its write is done.',
      '- `<port>_rd_valid_o / _rd_ready_i / _rd_addr_o`: read one word (AXI4 AR, single beat).',
      '- `<port>_rsp_valid_i / _rsp_ready_o / _rsp_data_i`: read data, in order (AXI4 R); ready stays high.',
      '',
      'One beat per word, in the low bits. Every beat of a buffer\'s stream is written once and read once per',
      `frame; a buffer keeps up at one beat per cycle while the read latency stays under about ${x.latencyCycles ?? DEFAULT_EXT_MEM_LATENCY} cycles`,
      `(each head holds ${extHeadDepth(x.latencyCycles ?? DEFAULT_EXT_MEM_LATENCY)} beats; \`generate --ext-mem-latency\` sizes them).`,
      'manifest.json `externalMemory.buffers` lists each port with its bits, region and bandwidth:',
      '',
      '| port | beats x bits | base | bytes | MB/s |',
      '|---|---|---|---|---|',
      ...x.buffers.map((b) => `| \`${b.port}\` | ${b.beats} x ${b.beatBits} | 0x${b.base.toString(16)} | ${b.sizeBytes} | ${(b.bytesPerSecond / 1e6).toFixed(1)} |`),
      '',
    );
  if (m.weightsMode === 'stream')
    lines.push(
      '## Weight streams',
      '',
      '`--weights-mode stream`: every MVAU reads its weights from a top-level stream `<port>_tvalid_i /',
      '<port>_tready_o / <port>_tdata_i` instead of a ROM. Stream the words of its file (one hex word per line',
      'after the header comment) in file order, once per output pixel, over and over: the unit takes one word',
      `per step of its schedule. In all ${gbps(m.weightStreams.reduce((a, w) => a + w.bytesPerSecond, 0))} at ${fps}. The SE and classifier layers (\`fc\`)`,
      'keep their ROMs. manifest.json `weightStreams` lists each stream:',
      '',
      '| port | bits | words/pixel | pixels | file | MB/s |',
      '|---|---|---|---|---|---|',
      ...m.weightStreams.map((w) => `| \`${w.port}\` | ${w.width} | ${w.wordsPerPixel} | ${w.pixels} | \`${w.file}\` | ${(w.bytesPerSecond / 1e6).toFixed(1)} |`),
      '',
    );
  return lines.join('\n') + '\n';
}

/** README paragraph on the simulation-only wrapper (empty when the top needs none). */
export function simReadme(m: Manifest): string {
  const mems = m.externalMemory.buffers.length > 0;
  if (!mems && !m.weightStreams.length) return '';
  return `
The top has ports a testbench must serve, so simulation uses the simulation-only wrapper
\`${m.top}_sim\` (\`sim/${m.top}_sim.v\`, file list \`${m.top}_sim.f\`): the same image and logits streams, plus
inputs ${mems ? '`sim_mem_latency_i` (memory latency, cycles) and ' : ''}\`sim_stall_permille_i\` (per-mille chance per cycle of a
memory / weight stream stall); behavioural models from \`sim/\` serve the ports. Never synthesize it:
\`${m.top}.f\`, the synthesis file list, does not include it.
`;
}
