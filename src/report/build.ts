/**
 * Gathers a {@link DesignReport} from a design folder: the manifest (required), the graph rebuilt
 * from it (for the diagram, the layer kinds and the SQNR), and the optional synthesis and power
 * reports. Every figure comes from one of those sources; a missing optional source becomes a
 * section that says which command makes it.
 */
import { join } from 'node:path';
import { BnextError, fail } from '../diag.js';
import type { Network } from '../dsl/network.js';
import type { Graph } from '../ir/graph.js';
import type { Manifest } from '../emit/design.js';
import { designFile, reloadDesign } from '../emit/reload.js';
import { resolveQuant, type QuantSettings } from '../passes/quant-settings.js';
import { compileHw, defaultCalibration } from '../ref/int.js';
import { quantReport } from '../ref/quant-report.js';
import { loadWeights } from '../weights/load.js';
import { randomWeights } from '../weights/random.js';
import { readQuantReportFile, readReportManifest, readSynthSection, SQNR_FILE, type QuantReportFile, type ReportManifest } from './inputs.js';
import { describeLayer, layerGraph, nodesByLayer } from './layers.js';
import { readPowerReport } from './power.js';
import { DESIGN_REPORT_VERSION, type DesignInfo, type DesignReport, type LayerReport, type LayerSqnrView, type SqnrSection } from './types.js';

/** Options of {@link buildDesignReport}. */
export interface ReportOptions {
  /** Include the integer-vs-float SQNR (default true); false leaves the section out. */
  readonly sqnr?: boolean;
  /** Seeded random images the SQNR is computed on, at the design's input size (default 2). */
  readonly sqnrImages?: number;
  /** Clock for frames/s and latency, MHz (default: the manifest's clock). */
  readonly clockMhz?: number;
  /** Called with a line after each stage (`rebuilding the graph: done (1.2 s)`). */
  readonly onProgress?: (line: string) => void;
}

/** Seed of the random images the SQNR is computed on (not the calibration seed). */
export const SQNR_SEED = 1;
/** Default number of SQNR images. */
export const DEFAULT_SQNR_IMAGES = 2;

/** The manifest's quantization settings as `resolveQuant` takes them (formats back to names). */
function manifestQuant(m: Manifest): QuantSettings {
  const formats = Object.fromEntries(Object.entries(m.quant.formats).map(([k, f]) => [k, `${f.signed ? 's' : 'u'}${f.width}.${f.frac}`]));
  return resolveQuant({ ...m.quant, formats });
}

function foldText(m: Manifest): string {
  const f = m.fold;
  if (f.kind === 'file') return `from ${f.file}`;
  if (f.kind === 'fps') return `automatic: target ${f.targetFps.toLocaleString('en-US')} frames/s at ${f.clockMhz} MHz`;
  return `automatic: best throughput under ${f.budgetLuts.toLocaleString('en-US')} LUTs at ${f.clockMhz} MHz`;
}

function designInfo(dir: string, m: ReportManifest): DesignInfo {
  const quant: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.quant)) if (typeof v === 'number') quant[k] = v;
  return {
    dir,
    top: m.top,
    network: m.network.name,
    input: m.network.input,
    classes: m.network.classes,
    madeBy: m.tool,
    weights: `${'seed' in m.weights ? `seeded random (seed ${m.weights.seed})` : `${m.weights.file} (sha256 ${m.weights.sha256.slice(0, 12)}…)`}${m.weightsMode === 'stream' ? '; MVAU weights arrive on weight streams' : ''}`,
    fold: foldText(m),
    quant,
    quantOverrides: Object.fromEntries(Object.entries(m.quant.formats).map(([k, f]) => [k, `${f.signed ? 's' : 'u'}${f.width}.${f.frac}`])),
    rtlSha256: m.rtlSha256,
  };
}

/** Runs a stage and reports its time. */
function stage<T>(label: string, on: ((l: string) => void) | undefined, work: () => T): T {
  const t = performance.now();
  const r = work();
  on?.(`${label}: done (${((performance.now() - t) / 1000).toFixed(2)} s)`);
  return r;
}

/** SQNR on seeded random images, through the same quantized graph the design was made from. */
function computeSqnr(dir: string, m: Manifest, net: Network, count: number): { file: QuantReportFile; images: number } {
  const ws = 'seed' in m.weights ? randomWeights(net, m.weights.seed) : loadWeights(net, designFile(dir, m.weights.file));
  const g = compileHw(net, ws, { quant: manifestQuant(m) });
  const imgs = defaultCalibration(net, count, SQNR_SEED);
  const len = imgs[0]!.data.length;
  const data = new Float32Array(count * len);
  imgs.forEach((im, i) => data.set(im.data, i * len));
  const r = quantReport(net, ws, g, { shape: [count, ...net.input], data });
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return {
    images: count,
    file: {
      network: r.network,
      images: r.images,
      layers: r.layers.map((l) => ({ layer: l.layer, node: l.node, format: l.format, sqnrDb: finite(l.sqnrDb), localSqnrDb: finite(l.localSqnrDb) })),
      logits: { minCosine: r.logits.minCosine, maxAbsError: r.logits.maxAbsError, top1Agree: r.logits.top1Agree },
    },
  };
}

/** Builds the report of the design folder `dir` (see the module comment). */
export async function buildDesignReport(dir: string, opts: ReportOptions = {}): Promise<DesignReport> {
  const clock = opts.clockMhz;
  if (clock !== undefined && !(Number.isFinite(clock) && clock > 0)) fail('E_ARG', `clock must be a positive number of MHz, got ${clock}`, { field: '--clock-mhz' });
  const images = opts.sqnrImages ?? DEFAULT_SQNR_IMAGES;
  if (!Number.isInteger(images) || images < 1 || images > 1000) fail('E_ARG', `SQNR images must be a whole number from 1 to 1000, got ${images}`, { field: '--sqnr-images' });
  const on = opts.onProgress;
  const m = readReportManifest(dir);
  const warnings: string[] = [];
  const names = m.layers.map((l) => l.name);

  let graph: Graph | undefined;
  let net: Network | undefined;
  try {
    const r = stage('rebuilding the graph', on, () => reloadDesign(dir));
    graph = r.design.graph;
    net = r.net;
  } catch (e) {
    if (!(e instanceof BnextError)) throw e;
    warnings.push(`the design's graph could not be rebuilt (${e.message}); the diagram, the layer kinds and the SQNR need it`);
  }
  const byLayer = graph ? nodesByLayer(graph) : undefined;

  const synth = readSynthSection(dir, m);
  if (synth.status === 'unreadable') warnings.push(`${synth.file} was not read: ${synth.reason}`);
  const synthLayers = synth.status !== 'present' ? [] : synth.mode === 'per-layer' ? synth.rows : (synth.layers ?? []);
  const synthByLayer = new Map(synthLayers.map((r) => [r.name, r]));
  const clockMhz = clock ?? m.performance.clockMhz;
  const power = readPowerReport(dir, clockMhz, names);
  if (power.section.status === 'unreadable') warnings.push(`${power.section.file} was not read: ${power.section.reason}`);
  if (power.section.status === 'present' && power.section.ignored.length) warnings.push(`${power.section.file}: fields not shown: ${power.section.ignored.join('; ')}`);

  let sqnr: SqnrSection;
  const sqnrByLayer = new Map<string, LayerSqnrView>();
  if (opts.sqnr === false) sqnr = { status: 'skipped', reason: 'left out (--no-sqnr)' };
  else {
    const fromFile = readQuantReportFile(dir, names);
    if (typeof fromFile === 'string') warnings.push(`${fromFile}; computing the SQNR instead`);
    let q: QuantReportFile | undefined;
    let source = join(dir, SQNR_FILE);
    let seed: number | null = null;
    if (typeof fromFile === 'object') q = fromFile;
    else if (net) {
      q = stage(`SQNR on ${images} image(s)`, on, () => computeSqnr(dir, m, net, images)).file;
      source = 'computed';
      seed = SQNR_SEED;
    }
    if (q) {
      for (const l of q.layers) sqnrByLayer.set(l.layer, { format: l.format, sqnrDb: l.sqnrDb, localSqnrDb: l.localSqnrDb });
      sqnr = { status: 'present', source, images: q.images, seed, logits: q.logits };
    } else sqnr = { status: 'skipped', reason: 'the graph could not be rebuilt' };
  }

  const cpf = m.performance.cyclesPerFrame;
  const bottleneckLayer =
    graph?.nodes.find((n) => n.id === m.performance.bottleneck)?.layer ?? m.layers.find((l) => l.cycles === cpf)?.name ?? m.layers.reduce((a, l) => (l.cycles > a.cycles ? l : a)).name;
  const layers: LayerReport[] = m.layers.map((l) => {
    const shape = byLayer?.get(l.name) ? describeLayer(byLayer.get(l.name)!) : undefined;
    const s = synthByLayer.get(l.name);
    return {
      name: l.name,
      kind: shape?.kind ?? null,
      features: shape?.features ?? [],
      nodes: l.nodes,
      pe: l.pe ?? null,
      simd: l.simd ?? null,
      par: l.par,
      cycles: l.cycles,
      load: l.cycles / cpf,
      bottleneck: l.cycles >= cpf || l.name === bottleneckLayer,
      weightBits: l.weightBits,
      bufferBits: l.bufferBits,
      lutsEstimate: l.lutsEstimate,
      synth: s ? { figures: s.figures, lutsEstimate: s.lutsEstimate } : null,
      sqnr: sqnrByLayer.get(l.name) ?? null,
      power: power.layers.get(l.name) ?? null,
    };
  });
  const ps = power.section.status === 'present' ? power.section : undefined;
  return {
    version: DESIGN_REPORT_VERSION,
    design: designInfo(dir, m),
    streams: m.streams,
    summary: {
      clockMhz,
      cyclesPerFrame: cpf,
      framesPerSecond: (clockMhz * 1e6) / cpf,
      bottleneck: { node: m.performance.bottleneck, layer: bottleneckLayer },
      latencyCycles: m.performance.latencyCyclesEstimate,
      latencyUs: m.performance.latencyCyclesEstimate / clockMhz,
      lutsEstimate: m.resources.lutsEstimate,
      synthesized: synth.status === 'present' && synth.mode === 'design' ? { target: synth.target, figures: synth.total } : null,
      memoryBits: {
        weights: m.memory.weightBits,
        fifos: m.memory.fifoBits,
        other: m.memory.otherBits,
        total: m.memory.totalBits,
        onChip: m.memory.onChipBits ?? null,
        external: m.memory.externalBufferBits ?? null,
        streamedWeights: m.memory.streamedWeightBits ?? null,
      },
      energyPerInferencePj: ps?.energyPerInferencePj ?? null,
      powerMw: ps?.total ? ps.total.dynamicMw + (ps.total.staticMw ?? 0) : null,
    },
    layers,
    graph: graph ? layerGraph(graph, names) : null,
    synth,
    power: power.section,
    sqnr,
    warnings,
  };
}
