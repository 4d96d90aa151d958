/**
 * Co-simulation of one IR op: its core (as the emitter binds it) runs in Verilator under random
 * input gaps and output back-pressure, and every output beat is compared with the integer
 * reference semantics of the same node. Measured cycles are compared with the op's cycle model.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../diag.js';
import { CORES_DIR } from '../emit/env.js';
import { BINDINGS } from '../emit/ops/index.js';
import type { EmitContext, Instance } from '../emit/types.js';
import type { Graph, Node } from '../ir/graph.js';
import { OPS } from '../ir/ops/index.js';
import { REF_OPS } from '../ref/ops/index.js';
import type { RefOp } from '../ref/ops/types.js';
import { buildModel, DEFAULT_SIM_CACHE } from './build.js';
import { loadModel } from './harness.js';
import { chw, packStream, unpackStream, type WindowGeometry } from './pack.js';
import { runStreams, StreamSink, StreamSource } from './stream.js';

/** Options of {@link simulateOp}. */
export interface SimOpOptions {
  /** Probability of an input gap and of output back-pressure per cycle (default 0). */
  readonly stall?: number;
  readonly seed?: number;
  /** Frames to stream back to back (default 1). */
  readonly frames?: number;
  /** Where memory files and waveforms go (default `.cache/sim-op`). */
  readonly workDir?: string;
  /** Write an FST waveform when a mismatch is found (default true). */
  readonly waveOnMismatch?: boolean;
  readonly onProgress?: (msg: string) => void;
}

/** One differing output element. */
export interface Mismatch {
  readonly frame: number;
  readonly channel: number;
  readonly row: number;
  readonly col: number;
  readonly expected: number;
  readonly got: number;
  /** Cycle at which the beat carrying it was accepted. */
  readonly cycle: number;
}

/** Result of one op co-simulation. */
export interface SimOpResult {
  readonly op: string;
  readonly module: string;
  readonly pass: boolean;
  readonly beats: number;
  readonly cycles: number;
  /** The op's analytic cycles per frame times the frames. */
  readonly modelCycles: number;
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
 * Co-simulates node `n` fed by `ins` with the given input codes (one array per input, [C][H][W]).
 * For a window node, `geometry` is implied by its input; for an MVAU fed by a window, pass the
 * window node as its input.
 */
export async function simulateOp(n: Node, ins: readonly Node[], inputs: readonly Float64Array[], opts: SimOpOptions = {}): Promise<SimOpResult> {
  const frames = opts.frames ?? 1;
  const dir = opts.workDir ?? join(DEFAULT_SIM_CACHE, '..', 'sim-op');
  mkdirSync(dir, { recursive: true });
  const graph: Graph = { name: `op_${n.kind}`, nodes: [...ins, n], passes: [] };
  const ctx: EmitContext = { graph, byId: new Map(graph.nodes.map((x) => [x.id, x])) };
  const inst = (BINDINGS[n.kind] as (n: Node, ins: readonly Node[], ctx: EmitContext) => Instance)(n, ins, ctx);
  const params = { ...inst.params, ...materialize(inst, dir) };
  const numeric = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]));
  const build = async (trace: boolean) =>
    buildModel({ top: inst.module, files: coreFiles(inst), params: numeric, trace, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });

  const expected = (REF_OPS[n.kind] as RefOp<typeof n.kind>).int(n as never, { nodes: ins, values: inputs });
  const geometryOf = (p: Node): WindowGeometry | undefined => {
    if (p.kind !== 'window') return undefined;
    const src = p.inputs[0] ? ctx.byId.get(p.inputs[0]) : undefined;
    const inShape = (src?.shape ?? [p.shape[0] / (p.kernel * p.kernel), p.shape[1], p.shape[2]]) as [number, number, number];
    return { inShape, kernel: p.kernel, stride: p.stride, pad: p.pad };
  };
  const selfGeometry = n.kind === 'window' ? { inShape: ins[0]!.shape as [number, number, number], kernel: n.kernel, stride: n.stride, pad: n.pad } : undefined;
  const expectedBeats = packStream(n, expected, selfGeometry);

  const run = async (trace: boolean, wave?: string) => {
    const model = loadModel(await build(trace), wave ? { tracePath: wave } : {});
    try {
      model.reset(4);
      const sources = inst.inputs.map(
        (prefix, i) =>
          new StreamSource(model, {
            prefix,
            items: Array.from({ length: frames }, () => packStream(ins[i]!, inputs[i]!, geometryOf(ins[i]!))).flat(),
            gapProb: opts.stall ?? 0,
            seed: opts.seed ?? 1,
          }),
      );
      const sink = new StreamSink(model, { prefix: inst.output, stallProb: opts.stall ?? 0, seed: opts.seed ?? 1 });
      const want = expectedBeats.length * frames;
      const r = runStreams({ model, sources, sinks: [sink], expectedCounts: [want], maxCycles: 200 + want * 50 * (1 + 10 * (opts.stall ?? 0)) + frames * 20 * OPS[n.kind].cycles(n as never, ins) });
      return { cycles: r.cycles, received: sink.items };
    } finally {
      model.close();
    }
  };

  const { cycles, received } = await run(false);
  const mismatches: Mismatch[] = [];
  const per = expectedBeats.length;
  for (let f = 0; f < frames; f++) {
    const got = unpackStream(n, received.slice(f * per, (f + 1) * per).map((r) => BigInt(r.data)));
    for (let i = 0; i < expected.length && mismatches.length < 20; i++)
      if (got[i] !== expected[i]) {
        const [channel, row, col] = chw(n, i);
        const beat = f * per + (row * n.shape[2] + col) * (n.shape[0] / n.par) + Math.floor(channel / n.par);
        mismatches.push({ frame: f, channel, row, col, expected: expected[i]!, got: got[i]!, cycle: received[beat]?.cycle ?? -1 });
      }
    received.slice(f * per, (f + 1) * per).forEach((r, k) => {
      if (r.last !== (k === per - 1) && mismatches.length < 20)
        mismatches.push({ frame: f, channel: -1, row: -1, col: -1, expected: k === per - 1 ? 1 : 0, got: r.last ? 1 : 0, cycle: r.cycle });
    });
  }
  let wave: string | undefined;
  if (mismatches.length && opts.waveOnMismatch !== false) {
    wave = join(dir, `${n.kind}-${Date.now()}.fst`);
    await run(true, wave);
  }
  return {
    op: n.id,
    module: inst.module,
    pass: mismatches.length === 0,
    beats: received.length,
    cycles,
    modelCycles: frames * OPS[n.kind].cycles(n as never, ins),
    mismatches,
    ...(wave ? { wave } : {}),
  };
}

/** Formats a mismatch for a report line. */
export function describeMismatch(op: string, m: Mismatch): string {
  if (m.channel < 0) return `${op}: frame ${m.frame}: tlast ${m.got ? 'set' : 'missing'} at cycle ${m.cycle}`;
  return `${op}: frame ${m.frame}, channel ${m.channel}, pixel (${m.row}, ${m.col}): expected ${m.expected}, got ${m.got} (beat accepted at cycle ${m.cycle})`;
}

/** Throws E_SIM describing the first mismatches. */
export function assertSimPass(r: SimOpResult): void {
  if (!r.pass)
    fail('E_SIM', `${r.op} (${r.module}): ${r.mismatches.length} mismatch(es) against the integer model${r.wave ? `; waveform ${r.wave}` : ''}`, {}, r.mismatches.slice(0, 10).map((m) => describeMismatch(r.op, m)));
}
