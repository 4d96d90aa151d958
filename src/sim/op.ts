/**
 * Co-simulation of one IR op: its core (as the emitter binds it) runs in Verilator under random
 * input gaps and output back-pressure, and every output beat (data, padding flag and tlast) is
 * compared with the integer reference semantics of the same node. After the expected beats, the
 * run goes on until every input beat has been taken and checks that nothing more comes out.
 * Measured cycles (until the last output beat and the last input beat moved) are compared with
 * the op's cycle model. A fork's outputs are each checked, each under its own back-pressure.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../diag.js';
import { CORES_DIR } from '../emit/env.js';
import { BINDINGS } from '../emit/ops/index.js';
import type { EmitContext, Instance } from '../emit/types.js';
import { maxCode, minCode } from '../ir/fixed.js';
import { consumers, type Graph, type Node } from '../ir/graph.js';
import { OPS } from '../ir/ops/index.js';
import { REF_OPS } from '../ref/ops/index.js';
import type { RefOp } from '../ref/ops/types.js';
import { hashString, Rng } from '../util/rng.js';
import { buildModel, DEFAULT_SIM_CACHE } from './build.js';
import { loadModel, type SimModel } from './harness.js';
import { chw, packStream, unpackStream, type WindowGeometry } from './pack.js';
import { runStreams, StreamSink, StreamSource, type ReceivedItem } from './stream.js';

/** Options of {@link simulateOp}. */
export interface SimOpOptions {
  /** Probability of an input gap and of output back-pressure per cycle (default 0). */
  readonly stall?: number;
  /** Seed of the stall patterns (default 1). */
  readonly seed?: number;
  /** Frames to stream back to back (default 1, or the number of frames given). */
  readonly frames?: number;
  /**
   * Further graph nodes the binding or the stream packing needs: the producer of a window that
   * feeds the op (for its padding flags), the consumers of a fork (their number is its output count).
   */
  readonly context?: readonly Node[];
  /** Where memory files and waveforms go (default `.cache/sim-op`). */
  readonly workDir?: string;
  /** Write an FST waveform when a mismatch is found (default true). */
  readonly waveOnMismatch?: boolean;
  /** Receives the Verilator build's progress lines. */
  readonly onProgress?: (msg: string) => void;
}

/** One frame's input codes: one array per input, [C][H][W] each. */
export type FrameCodes = readonly Float64Array[];

/** One differing output element, beat or tlast. */
export interface Mismatch {
  /** What differs: an element's value, a whole beat's bits (padding flag or stray bits), or tlast. */
  readonly what: 'value' | 'beat' | 'tlast';
  /** Output stream (non-zero only for a fork's further outputs). */
  readonly output: number;
  /** Frame index. */
  readonly frame: number;
  /** Element position (-1 for beat and tlast mismatches). */
  readonly channel: number;
  /** Element row and column (-1 for beat and tlast mismatches). */
  readonly row: number;
  readonly col: number;
  /** Beat index within the frame. */
  readonly beat: number;
  /** Expected and received value (element code, tdata or tlast bit). */
  readonly expected: number | bigint;
  readonly got: number | bigint;
  /** Cycle at which the beat carrying it was accepted. */
  readonly cycle: number;
}

/** Result of one op co-simulation. */
export interface SimOpResult {
  /** Node id. */
  readonly op: string;
  /** Core module simulated. */
  readonly module: string;
  /** No mismatch. */
  readonly pass: boolean;
  /** Output beats received (all outputs of a fork together). */
  readonly beats: number;
  /** Cycles until the last output beat arrived and the last input beat was taken. */
  readonly cycles: number;
  /** The op's analytic cycles per frame times the frames. */
  readonly modelCycles: number;
  /** Expected output elements at the output format's minimum or maximum code (saturation coverage). */
  readonly extremes: number;
  readonly mismatches: readonly Mismatch[];
  /** Waveform written on a mismatch. */
  readonly wave?: string;
}

/** Writes memory files at content-addressed paths (stable, so Verilator builds stay cached). */
function materialize(inst: Instance, dir: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of inst.mems ?? []) {
    const text = m.words.join('\n') + '\n';
    const h = createHash('sha256').update(text).digest('hex').slice(0, 16);
    const path = join(dir, `${h}.mem`);
    if (!existsSync(path)) writeFileSync(path, text);
    params[m.param] = path;
  }
  return params;
}

/** The cores a module needs, as files (its own and the ones it instantiates, transitively listed by the binding). */
function coreFiles(inst: Instance): string[] {
  const names = [...new Set([inst.module, ...(inst.uses ?? [])])];
  return names.map((n) => `${CORES_DIR}${n}.v`);
}

/**
 * Receives output `index` of a core whose outputs share tdata/tlast and have one valid and ready
 * bit each (stream_fork), with its own random back-pressure. The sinks of one core share `ready`.
 */
class LaneSink extends StreamSink {
  private readonly rngLane: Rng;
  private takes = false;

  constructor(
    private readonly sim: SimModel,
    private readonly index: number,
    private readonly shared: { bits: number },
    private readonly stallLane: number,
    seed: number,
    prefix: string,
  ) {
    super(sim, { prefix });
    this.rngLane = new Rng(seed, hashString(`sink ${prefix}[${index}]`));
  }

  override drive(): void {
    this.takes = !(this.stallLane > 0 && this.rngLane.uniform() < this.stallLane);
    this.shared.bits = this.takes ? this.shared.bits | (1 << this.index) : this.shared.bits & ~(1 << this.index);
    this.sim.set(this.ports.ready, this.shared.bits);
  }

  override update(): boolean {
    if (!this.takes || ((this.sim.sampledNum(this.ports.valid) >>> this.index) & 1) === 0) return false;
    const last = this.ports.last ? this.sim.sampledNum(this.ports.last) !== 0 : false;
    this.items.push({ data: this.sim.sampled(this.ports.data), last, cycle: this.sim.cycle });
    return true;
  }
}

/**
 * Co-simulates node `n` fed by `ins`. `inputs` is one frame's codes (one array per input,
 * [C][H][W], repeated for every frame) or a list of frames (cycled when `frames` is larger). An
 * MVAU fed by a window takes the window node as its input, with the window's producer in
 * `opts.context`. Throws E_SIM on a timeout, a deadlock, extra output beats or input beats the
 * core never takes; value mismatches are returned.
 */
export async function simulateOp(n: Node, ins: readonly Node[], inputs: FrameCodes | readonly FrameCodes[], opts: SimOpOptions = {}): Promise<SimOpResult> {
  const frameList: readonly FrameCodes[] = inputs.length > 0 && inputs[0] instanceof Float64Array ? [inputs as FrameCodes] : (inputs as readonly FrameCodes[]);
  if (!frameList.length) fail('E_SIM', `${n.id}: no input frames to simulate`, { field: 'inputs' });
  const frames = opts.frames ?? frameList.length;
  const frameCodes = (f: number): FrameCodes => frameList[f % frameList.length]!;
  const stall = opts.stall ?? 0;
  const seed = opts.seed ?? 1;
  const dir = opts.workDir ?? join(DEFAULT_SIM_CACHE, '..', 'sim-op');
  mkdirSync(dir, { recursive: true });
  const graph: Graph = { name: `op_${n.kind}`, nodes: [...(opts.context ?? []), ...ins, n], passes: [] };
  const ctx: EmitContext = { graph, byId: new Map(graph.nodes.map((x) => [x.id, x])) };
  const inst = (BINDINGS[n.kind] as (n: Node, ins: readonly Node[], ctx: EmitContext) => Instance)(n, ins, ctx);
  const params = { ...inst.params, ...materialize(inst, dir) };
  const numeric = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]));
  const build = async (trace: boolean) =>
    buildModel({ top: inst.module, files: coreFiles(inst), params: numeric, trace, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const outputs = n.kind === 'fork' ? Math.max(1, consumers(graph).get(n.id)!.length) : 1;

  const geometryOf = (p: Node): WindowGeometry | undefined => {
    if (p.kind !== 'window') return undefined;
    const src = p.inputs[0] ? ctx.byId.get(p.inputs[0]) : undefined;
    if (!src) return fail('E_SIM', `${n.id}: its input ${p.id} is a window; pass the window's producer ${p.inputs[0] ?? '?'} in options.context (its padding flags depend on it)`, { field: 'context' });
    return { inShape: src.shape, kernel: p.kernel, stride: p.stride, pad: p.pad };
  };
  const selfGeometry = n.kind === 'window' ? { inShape: ins[0]!.shape, kernel: n.kernel, stride: n.stride, pad: n.pad } : undefined;
  const ref = (REF_OPS[n.kind] as RefOp<typeof n.kind>).int;
  const expected = Array.from({ length: Math.min(frames, frameList.length) }, (_, f) => ref(n as never, { nodes: ins, values: frameCodes(f) }));
  const expectedOf = (f: number): Float64Array => expected[f % expected.length]!;
  const expectedBeats = expected.map((e) => packStream(n, e, selfGeometry));
  const per = expectedBeats[0]!.length;
  const model1 = OPS[n.kind].cycles(n as never, ins);

  const run = async (trace: boolean, wave?: string) => {
    const model = loadModel(await build(trace), wave ? { tracePath: wave } : {});
    try {
      model.reset(4);
      const sources = inst.inputs.map(
        (prefix, i) =>
          new StreamSource(model, {
            prefix,
            items: Array.from({ length: frames }, (_, f) => packStream(ins[i]!, frameCodes(f)[i]!, geometryOf(ins[i]!))).flat(),
            gapProb: stall,
            seed,
          }),
      );
      const shared = { bits: 0 };
      const sinks =
        n.kind === 'fork'
          ? Array.from({ length: outputs }, (_, k) => new LaneSink(model, k, shared, stall, seed, inst.output))
          : [new StreamSink(model, { prefix: inst.output, stallProb: stall, seed })];
      const want = per * frames;
      const start = model.cycle;
      const maxCycles = 200 + want * 50 * (1 + 10 * stall) + frames * 20 * model1;
      runStreams({ model, sources, sinks, expectedCounts: sinks.map(() => want), maxCycles });
      const outDone = model.cycle;
      // every input beat must be taken (a pool drops trailing rows after its last output), and
      // nothing more may come out
      let inDone = sources.every((s) => s.remaining === 0) ? model.cycle : -1;
      const limit = model.cycle + 200 + 50 * sources.reduce((a, s) => a + s.remaining, 0);
      for (let idle = 0; idle < 16 && model.cycle < limit; idle = inDone >= 0 ? idle + 1 : 0) {
        for (const s of sources) s.drive();
        for (const s of sinks) s.drive();
        model.step(1);
        for (const s of sources) s.update();
        for (const s of sinks) s.update();
        if (inDone < 0 && sources.every((s) => s.remaining === 0)) inDone = model.cycle;
      }
      const extra = sinks.map((s, k) => `output ${k}: ${s.items.length - want}`).filter((_, k) => sinks[k]!.items.length > want);
      if (extra.length) fail('E_SIM', `${n.id} (${inst.module}): output beats beyond the expected ${want}`, { field: 'streams' }, extra);
      const left = sources.filter((s) => s.remaining > 0).map((s) => `input '${s.name}': ${s.remaining} of ${s.remaining + s.sent} beats not taken`);
      if (left.length) fail('E_SIM', `${n.id} (${inst.module}): input beats never taken after all output beats arrived`, { field: 'streams' }, left);
      return { cycles: Math.max(outDone, inDone) - start, received: sinks.map((s) => s.items.slice(0, want)) };
    } finally {
      model.close();
    }
  };

  const { cycles, received } = await run(false);
  const mismatches: Mismatch[] = [];
  received.forEach((items, output) => compare(n, items, expectedOf, expectedBeats, frames, output, mismatches));
  let wave: string | undefined;
  if (mismatches.length && opts.waveOnMismatch !== false) {
    wave = join(dir, `${n.kind}-${Date.now()}.fst`);
    await run(true, wave);
  }
  const f = n.elem.kind === 'fix' ? n.elem.fmt : undefined;
  const extremes = f ? expected.reduce((a, e) => a + e.filter((v) => v === minCode(f) || v === maxCode(f)).length, 0) : 0;
  return {
    op: n.id,
    module: inst.module,
    pass: mismatches.length === 0,
    beats: received.reduce((a, r) => a + r.length, 0),
    cycles,
    modelCycles: frames * model1,
    extremes,
    mismatches,
    ...(wave ? { wave } : {}),
  };
}

/** At most this many mismatches are collected per run. */
const MAX_MISMATCHES = 20;

/** Compares one output stream, frame by frame, element by element, beat by beat. */
function compare(
  n: Node,
  items: readonly ReceivedItem[],
  expectedOf: (f: number) => Float64Array,
  expectedBeats: readonly (readonly { data: bigint; last: boolean }[])[],
  frames: number,
  output: number,
  out: Mismatch[],
): void {
  const per = expectedBeats[0]!.length;
  const blocks = n.shape[0] / n.par;
  for (let f = 0; f < frames && out.length < MAX_MISMATCHES; f++) {
    const beats = items.slice(f * per, (f + 1) * per);
    const want = expectedOf(f);
    const wantBeats = expectedBeats[f % expectedBeats.length]!;
    const got = unpackStream(n, beats.map((r) => r.data));
    const bad = new Set<number>();
    for (let i = 0; i < want.length && out.length < MAX_MISMATCHES; i++)
      if (got[i] !== want[i]) {
        const [channel, row, col] = chw(n, i);
        const beat = (row * n.shape[2] + col) * blocks + Math.floor(channel / n.par);
        bad.add(beat);
        out.push({ what: 'value', output, frame: f, channel, row, col, beat, expected: want[i]!, got: got[i]!, cycle: beats[beat]?.cycle ?? -1 });
      }
    beats.forEach((r, k) => {
      if (out.length >= MAX_MISMATCHES) return;
      const w = wantBeats[k]!;
      if (!bad.has(k) && r.data !== w.data) out.push({ what: 'beat', output, frame: f, channel: -1, row: -1, col: -1, beat: k, expected: w.data, got: r.data, cycle: r.cycle });
      if (r.last !== w.last) out.push({ what: 'tlast', output, frame: f, channel: -1, row: -1, col: -1, beat: k, expected: w.last ? 1 : 0, got: r.last ? 1 : 0, cycle: r.cycle });
    });
  }
}

/** Formats a mismatch for a report line. */
export function describeMismatch(op: string, m: Mismatch): string {
  const where = `${op}${m.output ? ` output ${m.output}` : ''}: frame ${m.frame}`;
  if (m.what === 'tlast') return `${where}: tlast ${m.got ? 'set' : 'missing'} on beat ${m.beat} (cycle ${m.cycle})`;
  if (m.what === 'beat') return `${where}, beat ${m.beat}: tdata 0x${m.got.toString(16)}, expected 0x${m.expected.toString(16)} (padding flag or unused bits; cycle ${m.cycle})`;
  return `${where}, channel ${m.channel}, pixel (${m.row}, ${m.col}): expected ${m.expected}, got ${m.got} (beat accepted at cycle ${m.cycle})`;
}

/** Throws E_SIM describing the first mismatches. */
export function assertSimPass(r: SimOpResult): void {
  if (!r.pass)
    fail('E_SIM', `${r.op} (${r.module}): ${r.mismatches.length} mismatch(es) against the integer model${r.wave ? `; waveform ${r.wave}` : ''}`, {}, r.mismatches.slice(0, 10).map((m) => describeMismatch(r.op, m)));
}
