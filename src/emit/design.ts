/**
 * A generated design: the `rtl` graph of a network (lowered, quantized, folded, buffered), its
 * emitted RTL, and a manifest of everything a user needs to know about it. `writeDesign` writes
 * a self-contained folder atomically (a failure leaves no folder behind).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fail } from '../diag.js';
import type { Network } from '../dsl/network.js';
import { formatName } from '../ir/fixed.js';
import type { Graph, Node } from '../ir/graph.js';
import { OPS } from '../ir/ops/index.js';
import { autoFold, type FoldConfig } from '../passes/fold.js';
import { compile, runPasses } from '../passes/index.js';
import { graphTiming } from '../passes/timing.js';
import type { QuantSettings } from '../passes/quant-settings.js';
import { defaultCalibration } from '../ref/int.js';
import { estimateGraph } from '../synth/estimate/model.js';
import type { WeightSet } from '../weights/types.js';
import { packageDesign, packageReadme, type PackageOptions } from '../package/index.js';
import { CORES_DIR } from './env.js';
import { portsManifest, portsReadme, simReadme, type ExternalMemoryInfo, type WeightStreamInfo } from './ports.js';
import { dataWidth } from './stream.js';
import { DEFAULT_EXT_MEM_LATENCY } from './ops/plumbing.js';
import { emitTop, SIM_CORES_DIR, type EmitOptions, type EmittedDesign } from './top.js';
import type { WeightsMode } from './types.js';

/** How the folding is chosen. */
export type FoldChoice =
  | { readonly kind: 'file'; readonly config: FoldConfig; readonly file: string }
  | { readonly kind: 'fps'; readonly targetFps: number; readonly clockMhz: number }
  | { readonly kind: 'luts'; readonly budgetLuts: number; readonly clockMhz: number };

/** Where the weights came from (recorded so `sim` can rebuild the same graph). */
export type WeightsSource = { readonly seed: number } | { readonly file: string; readonly sha256: string };

/** Inputs of {@link generateDesign}. */
export interface GenerateOptions {
  readonly net: Network;
  readonly ws: WeightSet;
  readonly weights: WeightsSource;
  readonly quant: QuantSettings;
  readonly fold: FoldChoice;
  /** Network recipe for the manifest (zoo size or JSON file). */
  readonly recipe: Readonly<Record<string, unknown>>;
  readonly version?: string;
  /** FIFOs whose RAM exceeds this many bits get an external memory port (default {@link DEFAULT_EXT_MEM_THRESHOLD_BITS}; 0 = none). */
  readonly extMemThresholdBits?: number;
  /** MVAU weights in ROMs (`rom`, default) or from top-level weight streams (`stream`). */
  readonly weightsMode?: WeightsMode;
  /** Memory read latency (cycles) external FIFOs keep full rate under (default {@link DEFAULT_EXT_MEM_LATENCY}). */
  readonly extMemLatency?: number;
}

/** The manifest written as manifest.json. */
export interface Manifest {
  readonly tool: string;
  readonly network: { readonly name: string; readonly input: readonly number[]; readonly classes: number; readonly recipe: Readonly<Record<string, unknown>> };
  readonly weights: WeightsSource;
  readonly quant: QuantSettings;
  readonly fold: FoldChoice & { readonly resolved: FoldConfig };
  readonly top: string;
  readonly rtlSha256: string;
  readonly streams: {
    readonly input: { readonly lanes: number; readonly format: string; readonly tdataBits: number; readonly beatsPerFrame: number };
    readonly output: { readonly lanes: number; readonly format: string; readonly tdataBits: number; readonly beatsPerFrame: number };
  };
  readonly layers: readonly {
    readonly name: string;
    readonly nodes: number;
    readonly pe?: number;
    readonly simd?: number;
    readonly par: number;
    readonly cycles: number;
    readonly weightBits: number;
    readonly bufferBits: number;
    readonly lutsEstimate: number;
    /** Instance names of the layer's cores in the top (`u_<node>`), as the waveform hierarchy shows them under `TOP.<top>`. */
    readonly instances: readonly string[];
  }[];
  readonly memory: {
    readonly weightBits: number;
    readonly fifoBits: number;
    readonly otherBits: number;
    readonly totalBits: number;
    /** Memory bits left on chip: totalBits minus external buffers and streamed weights, plus the fifo_ext heads and tails. */
    readonly onChipBits: number;
    /** Bits of the external memory regions (whole words). */
    readonly externalBufferBits: number;
    /** MVAU weight bits that arrive on weight streams instead of ROMs. */
    readonly streamedWeightBits: number;
  };
  /** Where MVAU weights come from. */
  readonly weightsMode: WeightsMode;
  /** Map buffers in external memory (`generate --ext-mem-threshold`). */
  readonly externalMemory: ExternalMemoryInfo;
  /** Weight stream inputs (`generate --weights-mode stream`). */
  readonly weightStreams: readonly WeightStreamInfo[];
  readonly performance: {
    readonly cyclesPerFrame: number;
    readonly bottleneck: string;
    readonly latencyCyclesEstimate: number;
    readonly clockMhz: number;
    readonly framesPerSecond: number;
  };
  readonly resources: { readonly lutsEstimate: number; readonly note: string };
  readonly files: readonly string[];
}

/** A generated design in memory. */
export interface Design {
  readonly graph: Graph;
  readonly emitted: EmittedDesign;
  readonly manifest: Manifest;
}

/** Default clock (MHz) when the user gives none. */
export const DEFAULT_CLOCK_MHZ = 200;
/** Default target frame rate of automatic folding. */
export const DEFAULT_TARGET_FPS = 100;
/** Default of `--ext-mem-threshold`: FIFOs over 1 Mbit (2^20 bits) use external memory. */
export const DEFAULT_EXT_MEM_THRESHOLD_BITS = 2 ** 20;

/** The emitter options a manifest records (so a design folder is re-emitted identically). */
export function emitOptionsOf(m: Pick<Manifest, 'weightsMode' | 'externalMemory'>): EmitOptions {
  // Manifests written before these options existed: ROM weights, every FIFO on chip.
  return {
    weightsMode: m.weightsMode ?? 'rom',
    extMemThresholdBits: m.externalMemory?.thresholdBits ?? 0,
    extMemLatency: m.externalMemory?.latencyCycles ?? DEFAULT_EXT_MEM_LATENCY,
  };
}

/** Per-node cycles of a graph. */
export function nodeCycles(g: Graph): Map<string, number> {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  return new Map(g.nodes.map((n) => [n.id, OPS[n.kind].cycles(n as never, n.inputs.map((i) => byId.get(i)!))]));
}

function resolveFold(g0: Graph, choice: FoldChoice): FoldConfig {
  if (choice.kind === 'file') return choice.config;
  if (choice.kind === 'fps') return autoFold(g0, Math.max(1, Math.floor((choice.clockMhz * 1e6) / choice.targetFps)));
  // Best throughput under a LUT budget: the least cycle target whose estimate fits.
  let lo = 1;
  let hi = 2 ** 34;
  const lutsAt = (t: number) => estimateGraph(compileFolded(g0, autoFold(g0, t))).total.luts;
  if (lutsAt(hi) > choice.budgetLuts) fail('E_FOLD', `even the least parallel design needs about ${lutsAt(hi)} LUTs, over the budget of ${choice.budgetLuts}`, { field: '--budget-luts' });
  while (hi - lo > Math.max(1, lo * 0.01)) {
    const mid = Math.floor((lo + hi) / 2);
    if (lutsAt(mid) <= choice.budgetLuts) hi = mid;
    else lo = mid + 1;
  }
  return autoFold(g0, hi);
}

/** The `rtl` pipeline's last steps (fold, size-fifos) on a quantized `hw` graph. */
function compileFolded(g0: Graph, cfg: FoldConfig): Graph {
  return runPasses(g0, ['fold', 'size-fifos'], { fold: cfg });
}

/** Compiles, folds, emits and describes a design. */
export function generateDesign(o: GenerateOptions): Design {
  const hw = compile(o.net, o.ws, 'hw', { calibration: defaultCalibration(o.net), quant: o.quant });
  const cfg = resolveFold(hw, o.fold);
  const g = compileFolded(hw, cfg);
  const thresholdBits = o.extMemThresholdBits ?? DEFAULT_EXT_MEM_THRESHOLD_BITS;
  const weightsMode = o.weightsMode ?? 'rom';
  const extMemLatency = o.extMemLatency ?? DEFAULT_EXT_MEM_LATENCY;
  const emitted = emitTop(g, { version: o.version ?? '0.1.0', weightsMode, extMemThresholdBits: thresholdBits, extMemLatency });
  const cyc = nodeCycles(g);
  const est = estimateGraph(g);
  let bottleneck = g.nodes[0]!;
  for (const n of g.nodes) if (cyc.get(n.id)! > cyc.get(bottleneck.id)!) bottleneck = n;
  const cyclesPerFrame = cyc.get(bottleneck.id)!;
  const layerNames = [...new Set(g.nodes.map((n) => n.layer))];
  const layers = layerNames.map((name) => {
    const ns = g.nodes.filter((n) => n.layer === name);
    const mv = ns.find((n): n is Node & { kind: 'mvau' } => n.kind === 'mvau' && n.mode === 'xnor') ?? ns.find((n): n is Node & { kind: 'mvau' } => n.kind === 'mvau');
    const weightBits = ns.filter((n) => n.kind === 'mvau' || n.kind === 'fc').reduce((a, n) => a + est.nodes.get(n.id)!.memBits, 0);
    const bufferBits = ns.filter((n) => n.kind === 'fifo').reduce((a, n) => a + est.nodes.get(n.id)!.memBits, 0);
    return {
      name,
      nodes: ns.length,
      ...(mv ? { pe: mv.pe, simd: mv.simd } : {}),
      par: ns.find((n) => n.kind === 'add' || n.kind === 'affine')?.par ?? ns[0]!.par,
      cycles: Math.max(...ns.map((n) => cyc.get(n.id)!)),
      weightBits,
      bufferBits,
      lutsEstimate: ns.reduce((a, n) => a + est.nodes.get(n.id)!.luts, 0),
      instances: ns.flatMap((n) => emitted.instances.get(n.id) ?? []),
    };
  });
  const weightBits = layers.reduce((a, l) => a + l.weightBits, 0);
  const fifoBits = layers.reduce((a, l) => a + l.bufferBits, 0);
  const clockMhz = o.fold.kind === 'file' ? DEFAULT_CLOCK_MHZ : o.fold.clockMhz;
  const input = g.nodes.find((n) => n.kind === 'input')!;
  const outSrc = g.nodes.find((n) => n.id === g.nodes.find((x) => x.kind === 'output')!.inputs[0])!;
  const fmtOf = (n: Node) => (n.elem.kind === 'fix' ? formatName(n.elem.fmt) : n.elem.kind);
  const rtl = emitted.files.get(`${emitted.top}.v`)!;
  const sim = emitted.sim;
  const files = [
    `${emitted.top}.v`,
    `${emitted.top}.f`,
    ...emitted.cores.map((c) => `cores/${c}.v`),
    ...[...emitted.files.keys()].filter((k) => k.startsWith('mem/')),
    ...(sim ? [`${emitted.top}_sim.f`, sim.file, ...sim.cores.map((c) => `sim/${c}.v`)] : []),
    'manifest.json',
    'README.md',
  ];
  const fps = (clockMhz * 1e6) / cyclesPerFrame;
  const ports = portsManifest(g, emitted, est.nodes, fps, thresholdBits, extMemLatency);
  const manifest: Manifest = {
    tool: `bnext-rtl ${o.version ?? '0.1.0'}`,
    network: { name: o.net.name, input: o.net.input, classes: o.net.classes, recipe: o.recipe },
    weights: o.weights,
    quant: o.quant,
    fold: { ...o.fold, resolved: cfg },
    top: emitted.top,
    rtlSha256: createHash('sha256').update(rtl).digest('hex'),
    streams: {
      input: { lanes: input.par, format: fmtOf(input), tdataBits: dataWidth(input), beatsPerFrame: (input.shape[0] / input.par) * input.shape[1] * input.shape[2] },
      output: { lanes: outSrc.par, format: fmtOf(outSrc), tdataBits: dataWidth(outSrc), beatsPerFrame: outSrc.shape[0] / outSrc.par },
    },
    layers,
    memory: {
      weightBits,
      fifoBits,
      otherBits: est.total.memBits - weightBits - fifoBits,
      totalBits: est.total.memBits,
      onChipBits: est.total.memBits - ports.movedOffChipBits,
      externalBufferBits: 8 * ports.externalMemory.totalBytes,
      streamedWeightBits: ports.streamedWeightBits,
    },
    weightsMode,
    externalMemory: ports.externalMemory,
    weightStreams: ports.weightStreams,
    performance: {
      cyclesPerFrame,
      bottleneck: bottleneck.id,
      latencyCyclesEstimate: Math.round(graphTiming(g).latency),
      clockMhz,
      framesPerSecond: fps,
    },
    resources: { lutsEstimate: est.total.luts, note: 'analytic estimate (src/synth/estimate/model.ts); run bnext-rtl synth for synthesis figures' },
    files,
  };
  return { graph: g, emitted, manifest };
}

/** The design folder's README: how to simulate, lint and synthesize it. */
function designReadme(m: Manifest): string {
  return `# ${m.top}

Generated by ${m.tool} for ${m.network.name} (input ${m.network.input.join('x')}, ${m.network.classes} classes).
See manifest.json for the folding, streams, memories, cycle model and estimates.

- Top module: \`${m.top}\` in \`${m.top}.v\`; every core it uses is in \`cores/\`; \`${m.top}.f\` lists them.
- Memory files (\`$readmemh\`) are in \`mem/\`; the top's \`MemDir\` parameter (default \`"mem/"\`) names the folder,
  relative to the simulator's working directory.
- Image stream \`in_*\`: ${m.streams.input.beatsPerFrame} beats per image, ${m.streams.input.lanes} lane(s) of ${m.streams.input.format} (${m.streams.input.tdataBits} bits), pixels row-major.
- Logits stream \`out_*\`: ${m.streams.output.beatsPerFrame} beats per image, ${m.streams.output.lanes} lane(s) of ${m.streams.output.format}.
- Cycle model: ${m.performance.cyclesPerFrame} cycles per frame (bottleneck \`${m.performance.bottleneck}\`),
  ${m.performance.framesPerSecond.toFixed(1)} frames/s at ${m.performance.clockMhz} MHz.
${portsReadme(m)}
Simulate against the integer reference model:

    bnext-rtl sim --design <this folder> --input images.npy [--stall 0.3]
${simReadme(m)}
Lint:

    verilator --lint-only -Wall -f ${m.top}.f --top-module ${m.top}

Synthesize with Yosys (writes synth/<target>.ys, runnable as \`yosys -s synth/<target>.ys\` from this folder):

    bnext-rtl synth --design <this folder> --target ice40 --per-layer
${packageReadme(m)}`;
}

/** Fails when `dir` exists and is not empty, unless `force` (checked before any work is done). */
export function checkDesignTarget(dir: string, force = false): void {
  if (existsSync(dir) && readdirSync(dir).length && !force)
    fail('E_DESIGN', `${dir} exists and is not empty; choose another --out or pass --force to replace it`, { file: dir });
}

/**
 * Writes the design folder atomically, with its package files (../package: FuseSoC core,
 * standalone testbench, `pkg.vectors` test images); refuses to replace an existing non-empty
 * folder unless `force`. Returns the manifest as written (its `files` include the package files).
 */
export function writeDesign(dir: string, d: Design, force = false, pkg: PackageOptions = {}): Manifest {
  checkDesignTarget(dir, force);
  // Packaging (FuseSoC core, standalone testbench, vectors) is computed before anything is written.
  const extra = packageDesign(d, pkg);
  const manifest = { ...d.manifest, files: [...d.manifest.files, ...extra.keys()] };
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(join(tmp, 'mem'), { recursive: true });
    mkdirSync(join(tmp, 'cores'), { recursive: true });
    const sim = d.emitted.sim;
    if (sim) mkdirSync(join(tmp, 'sim'), { recursive: true });
    for (const [p, t] of d.emitted.files) writeFileSync(join(tmp, p), t);
    for (const c of d.emitted.cores) copyFileSync(`${CORES_DIR}${c}.v`, join(tmp, 'cores', `${c}.v`));
    for (const c of sim?.cores ?? []) copyFileSync(`${SIM_CORES_DIR}${c}.v`, join(tmp, 'sim', `${c}.v`));
    const synthList = [...d.emitted.cores.map((c) => `cores/${c}.v`), `${d.manifest.top}.v`];
    writeFileSync(join(tmp, `${d.manifest.top}.f`), synthList.join('\n') + '\n');
    if (sim) writeFileSync(join(tmp, `${d.manifest.top}_sim.f`), [...synthList, ...sim.cores.map((c) => `sim/${c}.v`), sim.file].join('\n') + '\n');
    for (const [p, t] of extra) {
      mkdirSync(dirname(join(tmp, p)), { recursive: true });
      writeFileSync(join(tmp, p), t);
    }
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(tmp, 'README.md'), designReadme(manifest));
    mkdirSync(dirname(dir), { recursive: true });
    if (existsSync(dir)) {
      const old = `${dir}.old-${process.pid}`;
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, dir);
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
