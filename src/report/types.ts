/**
 * The design report as data: everything `bnext-rtl report` shows, gathered from a design folder
 * (manifest.json, the rebuilt graph, synth/report.json, power/report.json, the SQNR of the integer
 * model). The HTML page is a rendering of this object and `--json` prints it as is. Optional
 * figures are `null` (never absent), so the JSON always has the same keys.
 */

/** Format version of {@link DesignReport}; bumped when a field changes meaning. */
export const DESIGN_REPORT_VERSION = 1;

/** What the design is and where it came from (manifest.json). */
export interface DesignInfo {
  /** Design folder as given. */
  readonly dir: string;
  /** Top module name. */
  readonly top: string;
  /** Network name. */
  readonly network: string;
  /** Input shape [C, H, W]. */
  readonly input: readonly number[];
  /** Number of classes (logits). */
  readonly classes: number;
  /** The generator that made the design (manifest `tool`). */
  readonly madeBy: string;
  /** Where the weights came from, in words (`seeded random (seed 3)` or the file). */
  readonly weights: string;
  /** How the folding was chosen, in words. */
  readonly fold: string;
  /** Quantization bit widths (manifest `quant`, without per-node overrides). */
  readonly quant: Readonly<Record<string, number>>;
  /** Per-node format overrides (node id -> format name). */
  readonly quantOverrides: Readonly<Record<string, string>>;
  /** SHA-256 of the top Verilog file. */
  readonly rtlSha256: string;
}

/** One AXI-Stream port of the top. */
export interface StreamInfo {
  /** Elements per beat. */
  readonly lanes: number;
  /** Element format (`s8.4`, `bin`). */
  readonly format: string;
  /** tdata width in bits. */
  readonly tdataBits: number;
  /** Beats per image. */
  readonly beatsPerFrame: number;
}

/** Synthesis figures of one row or a total (a subset of src/synth/run.ts SynthFigures). */
export interface SynthFiguresView {
  readonly luts: number;
  readonly ffs: number;
  readonly carry: number;
  readonly bram: number;
  readonly lutram: number;
  readonly dsp: number;
  /** Generic gates (generic target). */
  readonly gates: number;
  readonly cells: number;
  /** CMOS transistor estimate (generic target), or null. */
  readonly transistors: number | null;
}

/** A layer's integer-vs-float SQNR (see src/ref/quant-report.ts). */
export interface LayerSqnrView {
  /** Output format of the node that represents the layer. */
  readonly format: string;
  /** End-to-end SQNR in dB; null when the integer output is exact. */
  readonly sqnrDb: number | null;
  /** The layer's own SQNR (fed float inputs) in dB; null when exact. */
  readonly localSqnrDb: number | null;
}

/** A layer's power figures, as read from power/report.json. */
export interface LayerPowerView {
  /** Dynamic power, mW. */
  readonly dynamicMw: number;
  /** Static (leakage) power, mW, or null when the report gives none. */
  readonly staticMw: number | null;
  /** Energy per inference, pJ, or null when the report gives none. */
  readonly energyPj: number | null;
}

/** One layer of the design. */
export interface LayerReport {
  /** Layer name (as in the manifest, the RTL instances and the checkpoint). */
  readonly name: string;
  /** What the layer computes, in a few words (`3x3 XNOR conv`), or null without the graph. */
  readonly kind: string | null;
  /** Structural features: `SE`, `residual`, `ELM`, `concat`, `pool`, `FC`. */
  readonly features: readonly string[];
  /** IR nodes in the layer. */
  readonly nodes: number;
  /** PE of its main MVAU, or null. */
  readonly pe: number | null;
  /** SIMD of its main MVAU, or null. */
  readonly simd: number | null;
  /** Stream lanes of its element-wise ops. */
  readonly par: number;
  /** Cycles per frame of its slowest node (cycle model). */
  readonly cycles: number;
  /** cycles / design cycles per frame (1 for the bottleneck). */
  readonly load: number;
  /** Whether the layer runs at the design's initiation interval (limits throughput). */
  readonly bottleneck: boolean;
  /** Weight memory bits. */
  readonly weightBits: number;
  /** FIFO / buffer bits. */
  readonly bufferBits: number;
  /** Analytic LUT estimate of the whole layer. */
  readonly lutsEstimate: number;
  /** Per-layer synthesis of the layer's MVAU (synth --per-layer), or null. */
  readonly synth: { readonly figures: SynthFiguresView; readonly lutsEstimate: number | null } | null;
  /** Integer-vs-float SQNR, or null. */
  readonly sqnr: LayerSqnrView | null;
  /** Power, or null. */
  readonly power: LayerPowerView | null;
}

/** A stream between two layers of the diagram. */
export interface LayerEdge {
  /** Producing layer. */
  readonly from: string;
  /** Consuming layer. */
  readonly to: string;
  /** The distinct streams (producer nodes) on this edge. */
  readonly streams: readonly { readonly node: string; readonly lanes: number; readonly format: string; readonly bits: number }[];
}

/** The dataflow graph at layer level (for the diagram). */
export interface LayerGraph {
  /** Layers in topological order (the manifest's order). */
  readonly layers: readonly string[];
  /** Layer-to-layer streams, in order of first appearance. */
  readonly edges: readonly LayerEdge[];
  /** The layer that drives the logits stream. */
  readonly outputLayer: string;
}

/** Synthesis results (synth/report.json). */
export type SynthSection =
  | { readonly status: 'absent'; readonly command: string }
  | { readonly status: 'unreadable'; readonly file: string; readonly reason: string; readonly command: string }
  | {
      readonly status: 'present';
      readonly file: string;
      readonly target: string;
      readonly mode: 'design' | 'per-layer';
      readonly yosys: string;
      readonly engine: string;
      readonly total: SynthFiguresView;
      /** Analytic LUT estimate for the same scope. */
      readonly lutsEstimate: number;
      /** (estimate - synthesized) / synthesized, or null. */
      readonly estimateError: number | null;
      /** Per core type (design mode) or per layer's MVAU (per-layer mode). */
      readonly rows: readonly SynthRowView[];
      /** Whole-design runs: the same synthesis summed per layer (all its cores); null when the file has none. */
      readonly layers: readonly SynthRowView[] | null;
    };

/** One row of a synthesis report: a core type, or a layer. */
export interface SynthRowView {
  readonly name: string;
  readonly module: string;
  readonly instances: number;
  readonly figures: SynthFiguresView;
  readonly lutsEstimate: number | null;
}

/** Power results (power/report.json), only the fields that validated. */
export type PowerSection =
  | { readonly status: 'absent'; readonly command: string }
  | { readonly status: 'unreadable'; readonly file: string; readonly reason: string; readonly command: string }
  | {
      readonly status: 'present';
      readonly file: string;
      /** Energy model / technology named by the report, or null. */
      readonly tech: string | null;
      /** Clock the power was computed at, MHz, or null. */
      readonly clockMhz: number | null;
      /** Whole-design dynamic and static power, mW, or null. */
      readonly total: { readonly dynamicMw: number; readonly staticMw: number | null } | null;
      /** Energy per inference, pJ, or null. */
      readonly energyPerInferencePj: number | null;
      /** Power split by class (binary arrays, real-valued paths, memories, ...), mW. */
      readonly split: readonly { readonly name: string; readonly mw: number }[];
      /** Vectorless (activity-free) estimate beside the measured one, or null. */
      readonly vectorless: { readonly dynamicMw: number; readonly staticMw: number | null } | null;
      /** Top-level fields present in the file but not shown (unknown, or failed validation). */
      readonly ignored: readonly string[];
    };

/** Integer-vs-float SQNR (per-layer values are in {@link LayerReport.sqnr}). */
export type SqnrSection =
  | { readonly status: 'skipped'; readonly reason: string }
  | {
      readonly status: 'present';
      /** `computed` on seeded random images, or the file it was read from. */
      readonly source: string;
      /** Images compared. */
      readonly images: number;
      /** Seed of the random images (computed), or null (file). */
      readonly seed: number | null;
      /** Logits: minimum cosine similarity, max abs error, top-1 agreements. */
      readonly logits: { readonly minCosine: number; readonly maxAbsError: number; readonly top1Agree: number };
    };

/** The headline figures. */
export interface ReportSummary {
  /** Clock the throughput is quoted at, MHz. */
  readonly clockMhz: number;
  /** Initiation interval: cycles per frame (cycle model). */
  readonly cyclesPerFrame: number;
  /** Frames per second at the clock. */
  readonly framesPerSecond: number;
  /** The bottleneck IR node and its layer. */
  readonly bottleneck: { readonly node: string; readonly layer: string };
  /** Latency estimate in cycles (sum of per-layer cycles, from the manifest). */
  readonly latencyCycles: number;
  /** The same in microseconds at the clock. */
  readonly latencyUs: number;
  /** Analytic LUT estimate of the whole design. */
  readonly lutsEstimate: number;
  /** Synthesized whole-design resources (synth in design mode), or null. */
  readonly synthesized: { readonly target: string; readonly figures: SynthFiguresView } | null;
  /**
   * Memory bits: weights, FIFOs/buffers, other (line buffers, tables), total; and, when the
   * manifest records them, the bits left on chip, in external buffers and on weight streams.
   */
  readonly memoryBits: {
    readonly weights: number;
    readonly fifos: number;
    readonly other: number;
    readonly total: number;
    readonly onChip: number | null;
    readonly external: number | null;
    readonly streamedWeights: number | null;
  };
  /** Energy per inference from the power report, pJ, or null. */
  readonly energyPerInferencePj: number | null;
  /** Total power from the power report, mW, or null. */
  readonly powerMw: number | null;
}

/** The whole report. */
export interface DesignReport {
  /** {@link DESIGN_REPORT_VERSION}. */
  readonly version: number;
  readonly design: DesignInfo;
  readonly streams: { readonly input: StreamInfo; readonly output: StreamInfo };
  readonly summary: ReportSummary;
  readonly layers: readonly LayerReport[];
  /** Layer graph for the diagram, or null when the design's graph could not be rebuilt. */
  readonly graph: LayerGraph | null;
  readonly synth: SynthSection;
  readonly power: PowerSection;
  readonly sqnr: SqnrSection;
  /** Things the user should know (an unreadable optional input, a graph that could not be rebuilt). */
  readonly warnings: readonly string[];
}
