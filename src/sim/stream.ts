/**
 * Valid/ready (AXI4-Stream style) drivers and monitors for a {@link SimModel}: a source that
 * presents items with seeded random gaps and holds each one until it is accepted, a sink that
 * applies seeded random back-pressure and records what it receives, and a loop that runs them
 * until every sink has its items, with a clear error naming the stuck streams on a timeout or a
 * deadlock. Handshakes are decided on the values the clock edge sampled (`SimModel.sampled`).
 *
 * Port names follow `<prefix>_tvalid`, `<prefix>_tready`, `<prefix>_tdata`, `<prefix>_tlast`, with
 * or without the lowRISC direction suffix (`s_tvalid_i`, `s_tready_o`); tlast is optional.
 */
import { fail } from '../diag.js';
import { hashString, Rng } from '../util/rng.js';
import type { PortDir } from './build.js';
import type { SimModel } from './harness.js';

/** Port names of one stream interface. */
export interface StreamPorts {
  /** Valid signal (driven by the producer). */
  readonly valid: string;
  /** Ready signal (driven by the consumer). */
  readonly ready: string;
  /** Data signal. */
  readonly data: string;
  /** Optional last-of-packet signal. */
  readonly last?: string;
}

/** One item for a source: a bare value, or a value with its tlast bit. */
export type StreamItem = number | bigint | { readonly data: number | bigint; readonly last: boolean };

/** Options of {@link StreamSource}. */
export interface SourceOptions {
  /** Port name prefix, e.g. `s` for `s_tvalid_i`. */
  readonly prefix: string;
  /** The items to send, in order. */
  readonly items: Iterable<StreamItem>;
  /** Probability in [0, 1) that the source idles for a cycle before presenting an item. Default 0. */
  readonly gapProb?: number;
  /** PRNG seed (combined with the prefix, so streams sharing a seed stay independent). Default 1. */
  readonly seed?: number;
  /** Explicit port names, overriding those derived from the prefix. */
  readonly ports?: Partial<StreamPorts>;
}

/** Options of {@link StreamSink}. */
export interface SinkOptions {
  /** Port name prefix, e.g. `m` for `m_tvalid_o`. */
  readonly prefix: string;
  /** Probability in [0, 1) that the sink deasserts ready in a cycle. Default 0. */
  readonly stallProb?: number;
  /** PRNG seed (combined with the prefix, so streams sharing a seed stay independent). Default 1. */
  readonly seed?: number;
  /** Explicit port names, overriding those derived from the prefix. */
  readonly ports?: Partial<StreamPorts>;
}

/** An item a sink received. */
export interface ReceivedItem {
  /** tdata, unsigned. */
  readonly data: bigint;
  /** tlast (false when the stream has none). */
  readonly last: boolean;
  /** Model cycle count just after the accepting edge (the edge was cycle `cycle - 1`'s). */
  readonly cycle: number;
}

/** Drives a stream into the design: `<prefix>_tvalid/_tdata/_tlast` in, `<prefix>_tready` out. */
export class StreamSource {
  /** Prefix, for messages. */
  readonly name: string;
  /** Resolved port names. */
  readonly ports: StreamPorts;
  private accepted = 0;
  private readonly items: { readonly data: number | bigint; readonly last: boolean }[];
  private readonly rng: Rng;
  private readonly gapProb: number;
  private holding = false;

  constructor(
    private readonly model: SimModel,
    opts: SourceOptions,
  ) {
    this.name = opts.prefix;
    this.ports = resolvePorts(model, opts.prefix, 'source', opts.ports);
    this.gapProb = probability(opts.gapProb ?? 0, 'gapProb', opts.prefix);
    this.rng = new Rng(opts.seed ?? 1, hashString(`source ${opts.prefix}`));
    this.items = [...opts.items].map((it) => (typeof it === 'object' ? it : { data: it, last: false }));
    if (!this.ports.last && this.items.some((it) => it.last))
      fail('E_SIM', `stream '${opts.prefix}' of '${model.top}' has no tlast port but some items set last`, { field: opts.prefix });
  }

  /** Items accepted by the design so far. */
  get sent(): number {
    return this.accepted;
  }

  /** Items not yet accepted. */
  get remaining(): number {
    return this.items.length - this.accepted;
  }

  /** True when valid is asserted this cycle. */
  get valid(): boolean {
    return this.holding;
  }

  /** Sets valid/data/last for the coming cycle. An item, once presented, stays until accepted. */
  drive(): void {
    const m = this.model;
    if (!this.holding && this.accepted < this.items.length && !(this.gapProb > 0 && this.rng.uniform() < this.gapProb)) {
      const it = this.items[this.accepted]!;
      m.set(this.ports.data, it.data);
      if (this.ports.last) m.set(this.ports.last, it.last ? 1 : 0);
      this.holding = true;
    }
    m.set(this.ports.valid, this.holding ? 1 : 0);
  }

  /** After a step: counts the item if the edge accepted it. Returns whether a transfer happened. */
  update(): boolean {
    if (!this.holding || this.model.sampledNum(this.ports.ready) === 0) return false;
    this.holding = false;
    this.accepted++;
    return true;
  }
}

/** Receives a stream from the design: `<prefix>_tvalid/_tdata/_tlast` out, `<prefix>_tready` in. */
export class StreamSink {
  /** Prefix, for messages. */
  readonly name: string;
  /** Resolved port names. */
  readonly ports: StreamPorts;
  /** Items received so far, in order. */
  readonly items: ReceivedItem[] = [];
  private readonly rng: Rng;
  private readonly stallProb: number;
  private ready = false;

  constructor(
    private readonly model: SimModel,
    opts: SinkOptions,
  ) {
    this.name = opts.prefix;
    this.ports = resolvePorts(model, opts.prefix, 'sink', opts.ports);
    this.stallProb = probability(opts.stallProb ?? 0, 'stallProb', opts.prefix);
    this.rng = new Rng(opts.seed ?? 1, hashString(`sink ${opts.prefix}`));
  }

  /** Sets ready for the coming cycle (randomly low with probability stallProb). */
  drive(): void {
    this.ready = !(this.stallProb > 0 && this.rng.uniform() < this.stallProb);
    this.model.set(this.ports.ready, this.ready ? 1 : 0);
  }

  /** After a step: records the item if the edge transferred one. Returns whether it did. */
  update(): boolean {
    const m = this.model;
    if (!this.ready || m.sampledNum(this.ports.valid) === 0) return false;
    const last = this.ports.last ? m.sampledNum(this.ports.last) !== 0 : false;
    this.items.push({ data: m.sampled(this.ports.data), last, cycle: m.cycle });
    return true;
  }
}

/** Options of {@link runStreams}. */
export interface RunStreamsOptions {
  /** The model; reset it before. */
  readonly model: SimModel;
  /** Sources driven every cycle. */
  readonly sources: readonly StreamSource[];
  /** Sinks driven every cycle. */
  readonly sinks: readonly StreamSink[];
  /** Items each sink must receive (same order as `sinks`); the loop stops when all have them. */
  readonly expectedCounts: readonly number[];
  /** Give up after this many cycles (E_SIM timeout). */
  readonly maxCycles: number;
  /** Give up after this many consecutive cycles without any transfer (E_SIM deadlock). Default 10000. */
  readonly stallCycles?: number;
}

/** What {@link runStreams} measured. */
export interface RunStreamsResult {
  /** Cycles stepped. */
  readonly cycles: number;
}

/** Steps the model until every sink has its expected count. Throws E_SIM on timeout, deadlock or excess items. */
export function runStreams(opts: RunStreamsOptions): RunStreamsResult {
  const { model, sources, sinks, expectedCounts, maxCycles } = opts;
  const stallCycles = opts.stallCycles ?? 10_000;
  if (expectedCounts.length !== sinks.length)
    fail('E_SIM', `runStreams got ${sinks.length} sinks but ${expectedCounts.length} expected counts`, { field: 'expectedCounts' });
  const start = model.cycle;
  const complete = () => sinks.every((s, i) => s.items.length >= expectedCounts[i]!);
  let idle = 0;
  while (!complete()) {
    const cycles = model.cycle - start;
    if (cycles >= maxCycles) stuck(opts, `timeout: the streams did not complete within ${maxCycles} cycles`);
    if (idle >= stallCycles) stuck(opts, `deadlock: no transfer on any stream for ${stallCycles} cycles (after ${cycles} cycles)`);
    for (const s of sources) s.drive();
    for (const s of sinks) s.drive();
    model.step(1);
    let moved = false;
    for (const s of sources) moved = s.update() || moved;
    for (let i = 0; i < sinks.length; i++) {
      const s = sinks[i]!;
      if (s.update()) {
        moved = true;
        if (s.items.length > expectedCounts[i]!)
          stuck(opts, `sink '${s.name}' received more than the expected ${expectedCounts[i]} items`);
      }
    }
    idle = moved ? 0 : idle + 1;
  }
  return { cycles: model.cycle - start };
}

function stuck(opts: RunStreamsOptions, why: string): never {
  const { model, sources, sinks, expectedCounts } = opts;
  const lines = [
    ...sources.map((s) => `source '${s.name}': ${s.sent} accepted, ${s.remaining} left, valid=${s.valid ? 1 : 0}, ready=${model.sampledNum(s.ports.ready)}`),
    ...sinks.map((s, i) => `sink '${s.name}': ${s.items.length} of ${expectedCounts[i]} received, valid=${model.sampledNum(s.ports.valid)}`),
  ];
  const open = [
    ...sources.filter((s) => s.remaining > 0).map((s) => `source '${s.name}'`),
    ...sinks.filter((s, i) => s.items.length !== expectedCounts[i]).map((s) => `sink '${s.name}'`),
  ];
  fail('E_SIM', `${model.top}: ${why}; unfinished: ${open.join(', ') || 'none'}`, { field: 'streams' }, lines);
}

function probability(p: number, field: string, prefix: string): number {
  if (!(p >= 0 && p < 1)) fail('E_SIM', `${field} of stream '${prefix}' must be in [0, 1), got ${p}`, { field });
  return p;
}

/** Finds the stream's ports: explicit names first, else `<prefix>_<sig>_<i|o>` or `<prefix>_<sig>`. */
function resolvePorts(model: SimModel, prefix: string, role: 'source' | 'sink', given: Partial<StreamPorts> = {}): StreamPorts {
  // Direction of each signal as seen from the design.
  const producerDir: PortDir = role === 'source' ? 'in' : 'out';
  const consumerDir: PortDir = role === 'source' ? 'out' : 'in';
  const find = (sig: string, dir: PortDir, explicit: string | undefined, optional: boolean): string | undefined => {
    const candidates = explicit ? [explicit] : [`${prefix}_${sig}_${dir === 'in' ? 'i' : 'o'}`, `${prefix}_${sig}`];
    for (const c of candidates) {
      const p = model.ports.find((q) => q.name === c);
      if (p && p.dir === dir) return c;
    }
    if (optional && !explicit) return undefined;
    return fail('E_SIM', `stream ${role} '${prefix}' needs ${dir === 'in' ? 'an input' : 'an output'} of '${model.top}' named ${candidates.join(' or ')}`, {
      field: prefix,
    });
  };
  const valid = find('tvalid', producerDir, given.valid, false)!;
  const ready = find('tready', consumerDir, given.ready, false)!;
  const data = find('tdata', producerDir, given.data, false)!;
  const last = find('tlast', producerDir, given.last, true);
  return last ? { valid, ready, data, last } : { valid, ready, data };
}
