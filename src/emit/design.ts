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
import type { QuantSettings } from '../passes/quant-settings.js';
import { defaultCalibration } from '../ref/int.js';
import { estimateGraph } from '../synth/estimate/model.js';
import type { WeightSet } from '../weights/types.js';
import { CORES_DIR } from './env.js';
import { dataWidth } from './stream.js';
import { emitTop, type EmittedDesign } from './top.js';

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
  }[];
  readonly memory: { readonly weightBits: number; readonly fifoBits: number; readonly otherBits: number; readonly totalBits: number };
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
  const emitted = emitTop(g, { version: o.version ?? '0.1.0' });
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
    };
  });
  const weightBits = layers.reduce((a, l) => a + l.weightBits, 0);
  const fifoBits = layers.reduce((a, l) => a + l.bufferBits, 0);
  const clockMhz = o.fold.kind === 'file' ? DEFAULT_CLOCK_MHZ : o.fold.clockMhz;
  const input = g.nodes.find((n) => n.kind === 'input')!;
  const outSrc = g.nodes.find((n) => n.id === g.nodes.find((x) => x.kind === 'output')!.inputs[0])!;
  const fmtOf = (n: Node) => (n.elem.kind === 'fix' ? formatName(n.elem.fmt) : n.elem.kind);
  const rtl = emitted.files.get(`${emitted.top}.v`)!;
  const files = [`${emitted.top}.v`, `${emitted.top}.f`, ...emitted.cores.map((c) => `cores/${c}.v`), ...[...emitted.files.keys()].filter((k) => k.startsWith('mem/')), 'manifest.json', 'README.md'];
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
    memory: { weightBits, fifoBits, otherBits: est.total.memBits - weightBits - fifoBits, totalBits: est.total.memBits },
    performance: {
      cyclesPerFrame,
      bottleneck: bottleneck.id,
      latencyCyclesEstimate: layers.reduce((a, l) => a + l.cycles, 0),
      clockMhz,
      framesPerSecond: (clockMhz * 1e6) / cyclesPerFrame,
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

Simulate against the integer reference model:

    bnext-rtl sim --design <this folder> --input images.npy [--stall 0.3]

Lint:

    verilator --lint-only -Wall -f ${m.top}.f --top-module ${m.top}

Synthesize with Yosys (writes synth/<target>.ys, runnable as \`yosys -s synth/<target>.ys\` from this folder):

    bnext-rtl synth --design <this folder> --target ice40 --per-layer
`;
}

/** Fails when `dir` exists and is not empty, unless `force` (checked before any work is done). */
export function checkDesignTarget(dir: string, force = false): void {
  if (existsSync(dir) && readdirSync(dir).length && !force)
    fail('E_DESIGN', `${dir} exists and is not empty; choose another --out or pass --force to replace it`, { file: dir });
}

/** Writes the design folder atomically; refuses to replace an existing non-empty folder unless `force`. */
export function writeDesign(dir: string, d: Design, force = false): void {
  checkDesignTarget(dir, force);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(join(tmp, 'mem'), { recursive: true });
    mkdirSync(join(tmp, 'cores'), { recursive: true });
    for (const [p, t] of d.emitted.files) writeFileSync(join(tmp, p), t);
    for (const c of d.emitted.cores) copyFileSync(`${CORES_DIR}${c}.v`, join(tmp, 'cores', `${c}.v`));
    writeFileSync(join(tmp, `${d.manifest.top}.f`), [...d.emitted.cores.map((c) => `cores/${c}.v`), `${d.manifest.top}.v`].join('\n') + '\n');
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(d.manifest, null, 2) + '\n');
    writeFileSync(join(tmp, 'README.md'), designReadme(d.manifest));
    mkdirSync(dirname(dir), { recursive: true });
    if (existsSync(dir)) {
      const old = `${dir}.old-${process.pid}`;
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
