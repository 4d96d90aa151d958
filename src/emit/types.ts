/** What an op binding tells the top-level stitcher about one core instance. */
import type { Graph, Node, NodeOf, OpKind } from '../ir/graph.js';

/** A memory initialisation file written beside the RTL and passed to a core parameter. */
export interface MemFile {
  /** Core parameter that receives the file name (a string parameter). */
  readonly param: string;
  /** File name relative to the design's `mem/` folder. */
  readonly file: string;
  /** One hex word per line, in address order. */
  readonly words: readonly string[];
}

/** One core instance. */
export interface Instance {
  /** Core module (templates/cores/<module>.v). */
  readonly module: string;
  /** Verilog parameter values: numbers or already-quoted strings. */
  readonly params: Readonly<Record<string, number | string>>;
  /** Port prefix of each input stream, in IR input order (`s`, or `s0`, `s1`, ...). */
  readonly inputs: readonly string[];
  /** Port prefix of the output stream (`m`); a fork's outputs are vectors. */
  readonly output: string;
  readonly mems?: readonly MemFile[];
  /**
   * Inputs whose tdata carries a padding flag above the lanes (MVAU inputs). When the producer is
   * not a sliding window, the stitcher supplies a constant 0 flag.
   */
  readonly padFlag?: readonly boolean[];
  /** Input ports tied to constants (e.g. an unused weight stream): port -> Verilog constant. */
  readonly ties?: Readonly<Record<string, string>>;
  /** Output ports intentionally left unused (connected to a named, lint-waived wire). */
  readonly open?: readonly { readonly port: string; readonly width: number }[];
  /** Other cores this core instantiates (for the file list). */
  readonly uses?: readonly string[];
  /**
   * The instance is a `fifo_ext` whose storage is external memory: the stitcher allocates its
   * address region (`words` words of `wordBytes` bytes), sets its `AddrW` / `Base` parameters and
   * brings its `mem_*` port out to the top level.
   */
  readonly extMem?: { readonly words: number; readonly wordBytes: number };
  /**
   * The instance reads its weights from a top-level weight stream (`--weights-mode stream`): the
   * stitcher writes `words` (one hex word per line, in stream order) to `mem/<file>` and brings
   * the instance's `w_*` stream out to the top level.
   */
  readonly weightStream?: { readonly file: string; readonly words: readonly string[]; readonly wordBits: number };
}

/** Where an MVAU's weights come from. */
export type WeightsMode = 'rom' | 'stream';

/** Placement choices that change which cores and top-level ports a design has. */
export interface Placement {
  /** `rom`: MVAU weights in $readmemh ROMs; `stream`: from top-level weight streams. */
  readonly weightsMode: WeightsMode;
  /** FIFOs whose RAM ({tlast, tdata} per beat) exceeds this many bits use external memory; 0 = none. */
  readonly extMemThresholdBits: number;
  /** Memory read latency (cycles) the external FIFOs keep full rate under (sizes their heads). */
  readonly extMemLatency: number;
}

/** Context for bindings. */
export interface EmitContext {
  readonly graph: Graph;
  /** Producer nodes by id. */
  readonly byId: ReadonlyMap<string, Node>;
  /** Weight and buffer placement (default: weights in ROMs, every FIFO on chip). */
  readonly placement?: Placement;
}

/** Binds one op kind to a core: parameters, memories, ports. */
export type OpBinding<K extends OpKind> = (n: NodeOf<K>, ins: readonly Node[], ctx: EmitContext) => Instance;
