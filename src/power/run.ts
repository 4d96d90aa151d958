/**
 * `powerDesign`: power of a generated design folder from a simulation of real (or seeded random)
 * images. Simulates the design in Verilator with toggle coverage of its top-level wires
 * (./activity.ts), applies the chosen energy model per instance (./models.ts; for osu018 after
 * characterizing each core type at gate level, ./characterize.ts), sums per layer and writes
 * `<design>/power/report.json` atomically (shape: {@link PowerReport}).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail } from '../diag.js';
import { nodeCycles } from '../emit/design.js';
import { verilogName } from '../emit/names.js';
import { reloadDesign } from '../emit/reload.js';
import type { Node } from '../ir/graph.js';
import { readFileChecked, writeFileAtomic } from '../io/atomic.js';
import { checkFinite, readNpy } from '../io/npy.js';
import { defaultCalibration } from '../ref/int.js';
import { simulateDesign } from '../sim/design.js';
import type { SynthReport } from '../synth/run.js';
import type { Tensor } from '../tensor.js';
import { designActivity, readCoverage, type ClassActivity, type InstanceActivity } from './activity.js';
import { characterizeCore, type CoreCharacterization } from './characterize.js';
import { FPGA_VTR40, HOROWITZ_45NM, OSU018_LIBERTY, VECTORLESS_TOGGLE_RATE } from './energy-models.js';
import { parseTopInstances, type TopInstance } from './instances.js';
import { readLiberty } from './liberty.js';
import { analyticEnergy, analyticEnergyPerInference, asicEnergy, estimatedResources, fpgaEnergy, nodeSize, type FpgaResources, type InstanceContext, type InstanceEnergy } from './models.js';
import type { CharacterizationSummary, EnergySplit, LayerPower, PowerFigures, PowerReport, PowerTech, ToggleRates } from './report.js';

/** Options of {@link powerDesign}. */
export interface PowerOptions {
  /** Energy model; default `osu018`. */
  readonly tech?: PowerTech;
  /** Clock (MHz); default the manifest's. */
  readonly clockMhz?: number;
  /** Images [N, 3, H, W]; default `images` seeded random images. */
  readonly batch?: Tensor;
  /** Or a .npy file of images [N, 3, H, W] (checked against the network's input). */
  readonly input?: string;
  /** Seed of the random images (and of nothing else); default 1. */
  readonly seed?: number;
  /** Random images when no batch is given; default 2 (two give a steady-state frame interval). */
  readonly images?: number;
  /** osu018: another Liberty library, and the Verilog models of its cells. */
  readonly liberty?: string;
  readonly cellModels?: string;
  /** Characterization cache; default `<repo>/.cache/power`. */
  readonly cacheDir?: string;
  /** Write `<dir>/power/report.json` (default true). */
  readonly write?: boolean;
  /** Progress lines for long stages. */
  readonly onProgress?: (line: string) => void;
}

const TECHS: readonly PowerTech[] = ['osu018', 'fpga', '45nm'];
const toMw = (w: number) => w * 1e3;

/** Runs the power flow on a design folder. Throws E_ARG, E_DESIGN, E_SIM, E_TOOL or E_FILE. */
export async function powerDesign(dirIn: string, o: PowerOptions = {}): Promise<PowerReport> {
  const dir = resolve(dirIn);
  const progress = o.onProgress ?? (() => {});
  const tech = o.tech ?? 'osu018';
  if (!TECHS.includes(tech)) fail('E_ARG', `unknown technology '${tech}' (choose ${TECHS.join(', ')})`, { field: '--tech' });
  if (o.liberty !== undefined && tech !== 'osu018') fail('E_ARG', `--liberty applies to the osu018 (Liberty) model, not ${tech}`, { field: '--liberty' });
  if (o.cellModels !== undefined && o.liberty === undefined) fail('E_ARG', 'cell models go with another Liberty library (--liberty)', { field: '--cells' });
  // A bad library fails now, not after the simulation.
  if (o.liberty !== undefined) {
    readLiberty(o.liberty);
    if (o.cellModels === undefined) fail('E_ARG', `--liberty ${o.liberty} needs --cells, the Verilog models of its cells, for the gate-level simulation`, { field: '--cells' });
    readFileChecked(o.cellModels);
  }
  const { design, net } = reloadDesign(dir);
  const m = design.manifest;
  const clockMhz = o.clockMhz ?? m.performance.clockMhz;
  if (!(Number.isFinite(clockMhz) && clockMhz > 0)) fail('E_ARG', `the clock must be a positive number of MHz, got ${clockMhz}`, { field: '--clock-mhz' });
  const seed = o.seed ?? 1;
  if (o.batch && o.input !== undefined) fail('E_ARG', 'give images either as a batch or as an input file, not both', { field: 'input' });
  const batch = o.batch ?? (o.input !== undefined ? readImages(o.input, net.input) : randomBatch(net.input, o.images ?? 2, seed, net));
  if (o.batch) checkImages(o.batch, net.input, 'batch');
  const images = batch.shape[0]!;

  const tmp = mkdtempSync(join(tmpdir(), 'bnext-power-'));
  let sim;
  let act;
  try {
    const dat = join(tmp, 'activity.dat');
    progress(`power: simulating ${images} image(s) with toggle coverage`);
    sim = await simulateDesign(design.graph, batch, { dir, activity: dat, clockMhz, seed, onProgress: progress });
    act = designActivity(design.graph, readCoverage(dat), sim.cycles);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!sim.pass) progress(`power: warning: ${sim.images.filter((i) => !i.match).length} image(s) differ from the integer model; the activity is still the RTL's`);

  const g = design.graph;
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const cyc = nodeCycles(g);
  const cyclesPerFrame = Number.isFinite(sim.cyclesPerFrame) ? sim.cyclesPerFrame : sim.cycles;
  const ctxOf = (a: InstanceActivity): InstanceContext => {
    const node = byId.get(a.node)!;
    return { node, inputs: node.inputs.map((i) => byId.get(i)!), act: a, cycles: sim.cycles, nodeCycles: cyc.get(node.id)!, cyclesPerFrame };
  };
  const topText = readFileChecked(join(dir, `${m.top}.v`)).toString('utf8');
  const tops = new Map(parseTopInstances(topText, join(dir, 'mem'), `${m.top}.v`).map((t) => [t.name, t]));

  let energies: Map<string, InstanceEnergy>;
  let chars: CharacterizationSummary[] = [];
  let modelName: string;
  let voltage: number | undefined;
  const sources: string[] = [];
  const notes: string[] = [];
  if (tech === 'osu018') {
    const r = await asicModel(dir, act.instances, ctxOf, tops, o, progress);
    energies = r.energies;
    chars = r.chars;
    voltage = r.voltage;
    modelName = `gate-level characterization, ${o.liberty ?? OSU018_LIBERTY}`;
    sources.push('measured here: Liberty internal_power, pin capacitance and cell_leakage_power of the cells Yosys (dfflibmap, abc -fast -liberty) maps each core to, toggles from an Icarus simulation with the library cell models (src/power/energy-models.ts)');
    notes.push('no wire capacitance or glitch power (zero-delay gate simulation); a core is seen through its ports, calibrated under random data');
    notes.push('memory arrays taken as clock-gated or SRAM: clock energy does not grow with their depth, leakage does');
  } else if (tech === 'fpga') {
    const res = fpgaResources(dir, act.instances, byId, tops);
    energies = new Map(act.instances.map((a) => [a.node, fpgaEnergy(ctxOf(a), res.map.get(a.node)!)]));
    modelName = FPGA_VTR40.family;
    voltage = 0.9;
    for (const k of ['route', 'lut', 'ffClock', 'bram', 'dspPin'] as const) sources.push(`${k}: ${(FPGA_VTR40[k].value * 1e15).toPrecision(3)} fJ per ${FPGA_VTR40[k].per} (${FPGA_VTR40[k].basis}; ${FPGA_VTR40[k].source})`);
    notes.push(`literature figures, not measurements; resources from ${res.source}; static power not modelled (device-dependent)`);
  } else {
    energies = new Map(act.instances.map((a) => [a.node, analyticEnergy(ctxOf(a))]));
    modelName = 'operation energies of Horowitz, ISSCC 2014 (45 nm)';
    voltage = 0.9;
    sources.push(`8-bit add ${HOROWITZ_45NM.add8 * 1e12} pJ, 32-bit add ${HOROWITZ_45NM.add32 * 1e12} pJ, 8-bit mult ${HOROWITZ_45NM.mult8 * 1e12} pJ, 32-bit mult ${HOROWITZ_45NM.mult32 * 1e12} pJ, 8 KB SRAM 64-bit read ${HOROWITZ_45NM.sram8KbRead64 * 1e12} pJ, DRAM 64-bit ${HOROWITZ_45NM.dram64 * 1e9} nJ`);
    notes.push('analytic: no activity dependence (the vectorless column equals the activity column); no leakage');
  }

  const runSeconds = sim.cycles / (clockMhz * 1e6);
  const frameSeconds = cyclesPerFrame / (clockMhz * 1e6);
  const figures = (nodes: readonly InstanceActivity[], pick: 'activity' | 'vectorless'): PowerFigures => {
    let stat = 0;
    const s = { binary: 0, real: 0, memory: 0 };
    for (const a of nodes) {
      const e = energies.get(a.node)!;
      const x = e[pick];
      s.binary += x.binary / runSeconds;
      s.real += x.real / runSeconds;
      s.memory += x.memory / runSeconds;
      s[e.category] += e.staticW;
      stat += e.staticW;
    }
    const total = s.binary + s.real + s.memory;
    return {
      dynamicMw: toMw(total - stat),
      staticMw: toMw(stat),
      totalMw: toMw(total),
      energyPj: total * frameSeconds * 1e12,
      split: { binary: toMw(s.binary), real: toMw(s.real), memory: toMw(s.memory) },
    };
  };
  const layerNames = [...new Set(act.instances.map((a) => a.layer))];
  const layers: LayerPower[] = layerNames.map((name) => {
    const ns = act.instances.filter((a) => a.layer === name);
    return { name, instances: ns.length, ...figures(ns, 'activity'), vectorless: figures(ns, 'vectorless'), toggleRate: rates(ns, sim.cycles) };
  });
  const cross = g.nodes.reduce(
    (acc, n) => {
      const e = analyticEnergyPerInference(n, n.inputs.map((i) => byId.get(i)!));
      return { binary: acc.binary + e.binary * 1e12, real: acc.real + e.real * 1e12, memory: acc.memory + e.memory * 1e12 };
    },
    { binary: 0, real: 0, memory: 0 } as EnergySplit,
  );
  const total = figures(act.instances, 'activity');
  const report: PowerReport = {
    schema: 'bnext-rtl.power/1',
    design: dirIn,
    top: m.top,
    network: m.network.name,
    tech,
    model: { name: modelName, ...(voltage !== undefined ? { voltage } : {}), sources, notes },
    clockMhz,
    input: o.input !== undefined ? { source: 'file', file: o.input, images } : o.batch ? { source: 'file', images } : { source: 'random', seed, images },
    simulation: { cycles: sim.cycles, cyclesPerFrame, framesPerSecond: (clockMhz * 1e6) / cyclesPerFrame, pass: sim.pass },
    total,
    energyPerInferencePj: total.energyPj,
    split: total.split,
    vectorless: figures(act.instances, 'vectorless'),
    vectorlessToggleRate: VECTORLESS_TOGGLE_RATE,
    toggleRate: rates(act.instances, sim.cycles),
    crossCheck45nm: { energyPj: cross.binary + cross.real + cross.memory, split: cross },
    layers,
    instances: act.instances.map((a) => {
      const e = energies.get(a.node)!;
      const pj = (x: EnergySplit) => ((x.binary + x.real + x.memory) / runSeconds + e.staticW) * frameSeconds * 1e12;
      const mod = tops.get(verilogName(a.node))?.module;
      return { node: a.node, layer: a.layer, kind: a.kind, ...(mod && tech !== '45nm' ? { module: mod } : {}), category: e.category, energyPj: pj(e.activity), vectorlessEnergyPj: pj(e.vectorless), toggleRate: rates([a], sim.cycles) };
    }),
    characterizations: chars,
  };
  if (o.write !== false) {
    mkdirSync(join(dir, 'power'), { recursive: true });
    writeFileAtomic(join(dir, 'power', 'report.json'), JSON.stringify(report, null, 2) + '\n');
  }
  return report;
}

/** Seeded random images (standard normal pixels, as the calibration set). */
function randomBatch(input: readonly number[], n: number, seed: number, net: Parameters<typeof defaultCalibration>[0]): Tensor {
  if (!Number.isInteger(n) || n < 1) fail('E_ARG', `the number of random images must be a positive integer, got ${n}`, { field: '--images' });
  const imgs = defaultCalibration(net, n, seed);
  return { shape: [n, ...input], data: Float32Array.from(imgs.flatMap((i) => [...i.data])) };
}

/** Reads and checks a .npy batch of images for a network input [3, H, W]. */
function readImages(file: string, input: readonly number[]): Tensor {
  const t = readNpy(file);
  checkImages(t, input, file);
  checkFinite(t, file);
  return t;
}

function checkImages(t: Tensor, input: readonly number[], file: string): void {
  const ok = t.shape.length === 4 && t.shape[0]! >= 1 && t.shape.slice(1).every((d, i) => d === input[i]);
  if (!ok) fail('E_SHAPE', `images must have shape [N, ${input.join(', ')}] for this design, got [${t.shape.join(', ')}]`, { file });
}

/** Measured toggle rates by class over a set of instances. */
function rates(nodes: readonly InstanceActivity[], cycles: number): ToggleRates {
  const r = (pick: (a: InstanceActivity) => ClassActivity) => {
    const bits = nodes.reduce((x, a) => x + pick(a).bits, 0);
    const tog = nodes.reduce((x, a) => x + pick(a).toggles, 0);
    return bits > 0 ? tog / (bits * cycles) : null;
  };
  return { datapath: r((a) => a.datapath), control: r((a) => a.control), memory: r((a) => a.memory) };
}

/** osu018: characterizes each core type once (its smallest instance) and applies it to every instance. */
async function asicModel(
  dir: string,
  acts: readonly InstanceActivity[],
  ctxOf: (a: InstanceActivity) => InstanceContext,
  tops: ReadonlyMap<string, TopInstance>,
  o: PowerOptions,
  progress: (l: string) => void,
): Promise<{ energies: Map<string, InstanceEnergy>; chars: CharacterizationSummary[]; voltage: number }> {
  const coreDir = join(dir, 'cores');
  const files = readdirSync(coreDir)
    .filter((f) => f.endsWith('.v'))
    .sort()
    .map((f) => join(coreDir, f));
  const chosen = new Map<string, { act: InstanceActivity; top: TopInstance; size: { logic: number; memBits: number } }>();
  for (const a of acts) {
    const top = tops.get(verilogName(a.node));
    if (!top) fail('E_DESIGN', `instance u_${verilogName(a.node)} of node ${a.node} is not in the top module`, { file: dir });
    const c = ctxOf(a);
    const size = nodeSize(c.node, c.inputs);
    const cur = chosen.get(top.module);
    if (!cur || size.logic + size.memBits < cur.size.logic + cur.size.memBits) chosen.set(top.module, { act: a, top, size });
  }
  const modules = [...chosen.keys()].sort();
  const results = new Map<string, CoreCharacterization>();
  let done = 0;
  const t0 = Date.now();
  const work = async (module: string) => {
    const c = chosen.get(module)!;
    const r = await characterizeCore({
      module,
      params: c.top.params,
      files,
      ties: c.top.ties,
      ...(o.liberty !== undefined ? { liberty: o.liberty } : {}),
      ...(o.cellModels !== undefined ? { cellModels: o.cellModels } : {}),
      ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}),
    });
    results.set(module, r);
    progress(`power: characterized ${++done}/${modules.length} core types${r.cached ? ' (cached)' : ''}: ${module} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  const queue = [...modules];
  await Promise.all([0, 1].map(async () => {
    for (let m = queue.shift(); m !== undefined; m = queue.shift()) await work(m);
  }));
  const energies = new Map<string, InstanceEnergy>();
  for (const a of acts) {
    const module = tops.get(verilogName(a.node))!.module;
    energies.set(a.node, asicEnergy(ctxOf(a), results.get(module)!, chosen.get(module)!.size));
  }
  const chars = modules.map((module) => {
    const r = results.get(module)!;
    return {
      module,
      instance: `u_${chosen.get(module)!.top.name}`,
      cells: r.gate.cells,
      flops: r.gate.flops,
      energyPerTogglePj: r.energyPerToggle * 1e12,
      clockPjPerCycle: r.clockEnergyPerCycle * 1e12,
      leakageUw: r.leakage * 1e6,
      cached: r.cached === true,
    };
  });
  return { energies, chars, voltage: results.get(modules[0]!)?.voltage ?? 0 };
}

/** FPGA resources per instance: from `<dir>/synth/report.json` (an FPGA target) when present, else estimated. */
function fpgaResources(dir: string, acts: readonly InstanceActivity[], byId: ReadonlyMap<string, Node>, tops: ReadonlyMap<string, TopInstance>): { map: Map<string, FpgaResources>; source: string } {
  const est = new Map(acts.map((a) => {
    const n = byId.get(a.node)!;
    return [a.node, estimatedResources(n, n.inputs.map((i) => byId.get(i)!))] as const;
  }));
  let rep: SynthReport | undefined;
  try {
    rep = JSON.parse(readFileChecked(join(dir, 'synth', 'report.json')).toString('utf8')) as SynthReport;
  } catch {
    rep = undefined;
  }
  if (!rep || rep.target === 'generic' || !Array.isArray(rep.rows)) return { map: est, source: 'the analytic estimate (run bnext-rtl synth --target xilinx for synthesized counts)' };
  const map = new Map(est);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  for (const row of rep.rows) {
    if (typeof row?.figures !== 'object' || row.figures === null) continue; // an unreadable row: those instances keep the estimate
    const members = acts.filter((a) => (rep!.mode === 'per-layer' ? a.layer === row.name && tops.get(verilogName(a.node))?.module === row.module : tops.get(verilogName(a.node))?.module === row.name));
    const weight = members.map((a) => est.get(a.node)!.luts + 1);
    const sum = weight.reduce((x, y) => x + y, 0);
    members.forEach((a, i) => {
      const f = weight[i]! / sum;
      const x = row.figures;
      map.set(a.node, { luts: (num(x.luts) + num(x.lutram)) * f, ffs: num(x.ffs) * f, bram: num(x.bram) * f, dsp: num(x.dsp) * f });
    });
  }
  return { map, source: `synth/report.json (${rep.target}, ${rep.mode}; instances it does not cover: the analytic estimate)` };
}
