/**
 * End-to-end co-simulation of a generated design: images stream into the top module under random
 * input gaps and output back-pressure, the logits stream out, and every logit code is compared
 * with the integer reference model of the same graph. Reports cycles per frame (steady state),
 * latency and simulation speed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fail } from '../diag.js';
import { emitOptionsOf } from '../emit/design.js';
import { CORES_DIR } from '../emit/env.js';
import { readManifest } from '../emit/reload.js';
import { emitTop, SIM_CORES_DIR, type EmitOptions } from '../emit/top.js';
import { quantize as quantizeValue, type FixFormat } from '../ir/fixed.js';
import type { Graph } from '../ir/graph.js';
import { OPS } from '../ir/ops/index.js';
import { interpret } from '../ref/interp.js';
import { imageOf, type Tensor } from '../tensor.js';
import { buildModel, DEFAULT_SIM_CACHE } from './build.js';
import { loadModel } from './harness.js';
import { packStream, unpackStream } from './pack.js';
import { runStreams, StreamSink, StreamSource } from './stream.js';

/** Options of {@link simulateDesign}. */
export interface SimDesignOptions {
  /** Probability of an input gap and of output back-pressure per cycle (default 0). */
  readonly stall?: number;
  readonly seed?: number;
  /** Write an FST waveform here. */
  readonly wave?: string;
  readonly onProgress?: (msg: string) => void;
  /** Called when the simulation starts (done 0) and whenever an image's last logit is out, with the cycles so far. */
  readonly onFrame?: (done: number, total: number, cycles: number) => void;
  /** Cycle limit (default: 4x the analytic cycles of all frames plus the latency bound). */
  readonly maxCycles?: number;
  /** Clock for the frames/s figure (MHz, default 200). */
  readonly clockMhz?: number;
  /**
   * Activity: build the model with toggle coverage of the top module's wires and write the
   * counters (counted from the end of the reset) to this Verilator coverage .dat file (read by
   * src/power/activity.ts).
   */
  readonly activity?: string;
  /** Simulate this design folder's own files (`<top>.v`, `cores/`, `mem/`, `sim/`) instead of emitting `g` afresh. */
  readonly dir?: string;
  /** How `g` is emitted (weights mode, external memory threshold); with `dir`, taken from its manifest. */
  readonly emit?: EmitOptions;
  /** Latency of the behavioural external memory, cycles (default {@link DEFAULT_MEM_LATENCY}). */
  readonly memLatency?: number;
}

/** Default latency of the simulated external memory (request to response), cycles. */
export const DEFAULT_MEM_LATENCY = 20;

/** Per-image comparison. */
export interface ImageResult {
  readonly index: number;
  readonly match: boolean;
  /** Class indices where the RTL logit code differs from the integer model. */
  readonly mismatches: readonly { readonly cls: number; readonly expected: number; readonly got: number }[];
  /** Cycle at which the image's last logit left the design. */
  readonly doneCycle: number;
}

/** Result of an end-to-end simulation. */
export interface SimDesignResult {
  readonly pass: boolean;
  readonly images: readonly ImageResult[];
  /** RTL logits (dequantized), [N, classes]. */
  readonly logits: Tensor;
  readonly cycles: number;
  /** Cycles from the first input beat to the first image's last logit. */
  readonly latencyCycles: number;
  /** Steady-state cycles per frame (interval between consecutive images' last logits); NaN for one image. */
  readonly cyclesPerFrame: number;
  readonly framesPerSecond: number;
  /** Verilator build seconds (0 on a cache hit) and simulation seconds and speed. */
  readonly buildSeconds: number;
  readonly simSeconds: number;
  readonly cyclesPerSecond: number;
}

/** Simulates `g` (an `rtl`-pipeline graph) on a batch [N, 3, H, W]. */
export async function simulateDesign(g: Graph, batch: Tensor, opts: SimDesignOptions = {}): Promise<SimDesignResult> {
  const input = g.nodes.find((n) => n.kind === 'input')!;
  const output = g.nodes.find((n) => n.kind === 'output')!;
  const outSrc = g.nodes.find((n) => n.id === output.inputs[0])!;
  if (input.elem.kind !== 'fix' || outSrc.elem.kind !== 'fix') return fail('E_IR', `${g.name} is not quantized`);
  const inFmt: FixFormat = input.elem.fmt;
  const outFmt: FixFormat = outSrc.elem.fmt;
  const n = batch.shape[0]!;

  const design = emitTop(g, opts.dir ? emitOptionsOf(readManifest(opts.dir)) : (opts.emit ?? {}));
  // A top with external memory ports or weight streams runs inside its simulation-only wrapper.
  const sim = design.sim;
  const memLatency = opts.memLatency ?? DEFAULT_MEM_LATENCY;
  if (!(Number.isInteger(memLatency) && memLatency >= 1 && memLatency < 2 ** 16))
    fail('E_ARG', `memory latency must be an integer from 1 to 65535 cycles, got ${memLatency}`, { field: 'memLatency' });
  // Content-addressed folder: the same design reuses its Verilator build (the memory folder is a
  // build parameter).
  const h = createHash('sha256');
  for (const [p, t] of design.files) h.update(p).update('\0').update(t).update('\0');
  const dir = opts.dir ? resolve(opts.dir) : join(DEFAULT_SIM_CACHE, '..', 'designs', `${design.top}-${h.digest('hex').slice(0, 16)}`);
  const coreDir = opts.dir ? join(dir, 'cores') + '/' : CORES_DIR;
  if (!opts.dir && !existsSync(dir)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(join(tmp, 'mem'), { recursive: true });
    for (const [p, t] of design.files) {
      mkdirSync(dirname(join(tmp, p)), { recursive: true });
      writeFileSync(join(tmp, p), t);
    }
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process made it first
    }
  }
  const t0 = Date.now();
  const simCoreDir = opts.dir ? join(dir, 'sim') + '/' : SIM_CORES_DIR;
  const built = await buildModel({
    top: sim?.top ?? design.top,
    files: [
      join(dir, `${design.top}.v`),
      ...design.cores.map((c) => `${coreDir}${c}.v`),
      ...(sim ? [join(dir, sim.file), ...sim.cores.map((c) => `${simCoreDir}${c}.v`)] : []),
    ],
    params: { MemDir: `${dir}/mem/` },
    trace: opts.wave !== undefined,
    // Activity counts the top's wires (one stream per IR node); the cores are not instrumented.
    ...(opts.activity !== undefined ? { coverage: { exclude: [`${coreDir}*`, `${simCoreDir}*`] } } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const buildSeconds = built.cached ? 0 : (Date.now() - t0) / 1000;

  const items = [];
  const expected: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const img = imageOf(batch, i);
    const codes = Float64Array.from(img.data, (v) => quantizeValue(v, inFmt));
    for (const beat of packStream(input, codes)) items.push(beat); // (a spread of a 224x224 image overflows the stack)
    expected.push(interpret(g, img, 'int').codes!);
  }
  const classes = output.shape[0];
  const beatsPerFrame = classes / outSrc.par;
  const model = loadModel(built, opts.wave ? { tracePath: opts.wave } : {});
  const t1 = Date.now();
  let cycles: number;
  let received;
  try {
    if (sim) {
      if (design.extMems.length) model.set('sim_mem_latency_i', memLatency);
      model.set('sim_stall_permille_i', Math.round((opts.stall ?? 0) * 1000));
    }
    model.reset(4);
    if (opts.activity !== undefined) {
      model.step(); // the release of the reset takes effect on this edge
      model.coverage(undefined, true);
    }
    const src = new StreamSource(model, { prefix: 'in', items, gapProb: opts.stall ?? 0, seed: opts.seed ?? 1 });
    const sink = new StreamSink(model, { prefix: 'out', stallProb: opts.stall ?? 0, seed: opts.seed ?? 1 });
    // The longest silence on the outputs is a frame's latency; the sum of every op's cycles bounds it.
    const byId = new Map(g.nodes.map((x) => [x.id, x]));
    const bound = g.nodes.reduce((a, x) => a + OPS[x.kind].cycles(x as never, x.inputs.map((i) => byId.get(i)!)), 0);
    const slow = 1 + 4 * (opts.stall ?? 0);
    const maxCycles = opts.maxCycles ?? Math.ceil((n + 2) * bound * slow + 100_000);
    // One run per image (the streams carry on between runs), so progress is reported per image.
    cycles = 0;
    opts.onFrame?.(0, n, 0);
    for (let i = 1; i <= n; i++) {
      const r = runStreams({ model, sources: [src], sinks: [sink], expectedCounts: [beatsPerFrame * i], maxCycles: maxCycles - cycles, stallCycles: Math.ceil(bound * slow + 10_000) });
      cycles += r.cycles;
      opts.onFrame?.(i, n, cycles);
    }
    received = sink.items;
    if (opts.activity !== undefined) model.coverage(opts.activity);
  } finally {
    model.close();
  }
  const simSeconds = (Date.now() - t1) / 1000;
  const logits = new Float32Array(n * classes);
  const images: ImageResult[] = [];
  for (let i = 0; i < n; i++) {
    const beats = received.slice(i * beatsPerFrame, (i + 1) * beatsPerFrame);
    const got = unpackStream(outSrc, beats.map((b) => b.data));
    const mismatches = [];
    for (let c = 0; c < classes; c++) {
      logits[i * classes + c] = got[c]! * 2 ** -outFmt.frac;
      if (got[c] !== expected[i]![c]) mismatches.push({ cls: c, expected: expected[i]![c]!, got: got[c]! });
    }
    const lastOk = beats[beats.length - 1]?.last === true;
    images.push({ index: i, match: mismatches.length === 0 && lastOk, mismatches, doneCycle: beats[beats.length - 1]?.cycle ?? -1 });
  }
  const done = images.map((im) => im.doneCycle);
  const cyclesPerFrame = n > 1 ? (done[n - 1]! - done[0]!) / (n - 1) : Number.NaN;
  const clock = (opts.clockMhz ?? 200) * 1e6;
  return {
    pass: images.every((im) => im.match),
    images,
    logits: { shape: [n, classes], data: logits },
    cycles,
    latencyCycles: done[0]!,
    cyclesPerFrame,
    framesPerSecond: clock / (Number.isFinite(cyclesPerFrame) ? cyclesPerFrame : done[0]!),
    buildSeconds,
    simSeconds,
    cyclesPerSecond: cycles / Math.max(simSeconds, 1e-3),
  };
}
