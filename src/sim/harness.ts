/**
 * The cycle-driven harness: a Verilated model (built by ./build.ts) stepped one clock cycle at a
 * time from TypeScript through koffi. Inputs live in one persistent word buffer that `set` writes
 * and `step` hands to the C wrapper; outputs come back in another persistent buffer and are decoded
 * only when read. One FFI call per `step(n)`, whatever the number of ports.
 *
 * Two views of the outputs after a step: `get` gives the values after the last rising edge
 * (registered outputs show the edge's result), `sampled` gives the values the edge itself saw,
 * i.e. with this cycle's inputs applied, just before the clock rose. Handshakes are decided on the
 * sampled view, which is right even when a ready or valid output depends combinationally on inputs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import koffi from 'koffi';
import { fail } from '../diag.js';
import { fileFail } from '../io/atomic.js';
import type { BuiltModel, PortInfo } from './build.js';

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /** Write an FST waveform here (the model must be built with `trace: true`). Flushed by `close`. */
  readonly tracePath?: string;
  /** Reset input driven by `reset()`. Default `rst_ni`. */
  readonly reset?: string;
  /** Whether the reset is active low. Default true. */
  readonly resetActiveLow?: boolean;
}

/** A running simulation of one Verilated model. */
export interface SimModel {
  /** Top module name. */
  readonly top: string;
  /** Ports except the clock. */
  readonly ports: readonly PortInfo[];
  /** Completed clock cycles since the model was created. */
  readonly cycle: number;
  /** True once the design has called $finish. */
  readonly finished: boolean;
  /** Drives an input from the next `step`/`eval` on. Negative values are taken as two's complement. */
  set(name: string, value: number | bigint): void;
  /** An output after the last rising edge (or an input's driven value), unsigned. */
  get(name: string): bigint;
  /** Like `get`, as a number, for ports of at most 32 bits. */
  getNum(name: string): number;
  /** An output as the last rising edge sampled it (inputs of that cycle applied, clock low). */
  sampled(name: string): bigint;
  /** Like `sampled`, as a number, for ports of at most 32 bits. */
  sampledNum(name: string): number;
  /** Runs `n` full clock cycles (default 1) with the current inputs, in one FFI call. */
  step(n?: number): void;
  /** Applies the inputs and settles combinational logic without a clock edge. */
  eval(): void;
  /** Asserts the reset for `cycles` cycles (default 2) and releases it (effective from the next step). */
  reset(cycles?: number): void;
  /** Simulation time in trace units (5 per half clock period). */
  time(): number;
  /**
   * Toggle coverage (a model built with `coverage: true`): writes the counters to `path` in
   * Verilator's coverage .dat format (when given) and clears them when `zero` is true, so
   * `coverage(undefined, true)` after the reset counts only what follows. E_SIM without coverage.
   */
  coverage(path: string | undefined, zero?: boolean): void;
  /** Frees the model and flushes the trace. Later calls fail; closing twice is allowed. */
  close(): void;
}

interface SimLib {
  readonly simNew: (tracePath: string | null) => bigint;
  readonly simFree: (ctx: bigint) => void;
  readonly simStep: (ctx: bigint, inWords: Uint32Array, outWords: Uint32Array, cycles: number) => number;
  readonly simEval: (ctx: bigint, inWords: Uint32Array, outWords: Uint32Array) => number;
  readonly simTime: (ctx: bigint) => number | bigint;
  /** Bound on first use: libraries built before the coverage option lack the symbol. */
  simCoverage?: (ctx: bigint, path: string | null, zero: number) => number;
  readonly handle: ReturnType<typeof koffi.load>;
}

const libs = new Map<string, SimLib>();

function openLib(path: string): SimLib {
  let lib = libs.get(path);
  if (lib) return lib;
  let handle: ReturnType<typeof koffi.load>;
  try {
    handle = koffi.load(path);
  } catch (err) {
    fail('E_SIM', `cannot load the simulation library '${path}': ${err instanceof Error ? err.message : String(err)} (rebuild it)`, { file: path });
  }
  lib = {
    simNew: handle.func('void *sim_new(const char *trace_path)') as SimLib['simNew'],
    simFree: handle.func('void sim_free(void *ctx)') as SimLib['simFree'],
    simStep: handle.func('int sim_step(void *ctx, const uint32_t *in_words, uint32_t *out_words, int cycles)') as SimLib['simStep'],
    simEval: handle.func('int sim_eval(void *ctx, const uint32_t *in_words, uint32_t *out_words)') as SimLib['simEval'],
    simTime: handle.func('uint64_t sim_time(void *ctx)') as SimLib['simTime'],
    handle,
  };
  libs.set(path, lib);
  return lib;
}

/** Opens a built model and creates a simulation with all inputs zero. Throws E_SIM or E_FILE. */
export function loadModel(built: BuiltModel, opts: LoadOptions = {}): SimModel {
  if (!existsSync(built.library)) fail('E_SIM', `simulation library '${built.library}' is missing (was the cache cleared? rebuild it)`, { file: built.library });
  let tracePath: string | null = null;
  if (opts.tracePath !== undefined) {
    if (!built.trace) fail('E_SIM', `model '${built.top}' was built without trace support; build it with trace: true to write '${opts.tracePath}'`, { field: 'tracePath' });
    tracePath = resolve(opts.tracePath);
    try {
      mkdirSync(dirname(tracePath), { recursive: true });
    } catch (err) {
      fileFail('create the folder of', tracePath, err);
    }
  }
  const lib = openLib(built.library);
  const ctx = lib.simNew(tracePath);
  if (tracePath !== null && !existsSync(tracePath)) {
    lib.simFree(ctx);
    fail('E_FILE', `cannot write the trace '${tracePath}'`, { file: tracePath });
  }
  return new Model(built, lib, ctx, opts);
}

class Model implements SimModel {
  readonly top: string;
  readonly ports: readonly PortInfo[];
  cycle = 0;
  finished = false;
  private readonly byName = new Map<string, PortInfo>();
  private readonly inBuf: Uint32Array;
  private readonly outBuf: Uint32Array;
  private readonly outWords: number;
  private readonly resetName: string;
  private readonly resetActiveLow: boolean;
  private ctx: bigint | undefined;

  constructor(
    private readonly built: BuiltModel,
    private readonly lib: SimLib,
    ctx: bigint,
    opts: LoadOptions,
  ) {
    this.top = built.top;
    this.ports = built.ports;
    for (const p of built.ports) this.byName.set(p.name, p);
    // At least one word each, so the wrapper never receives an empty (null) buffer.
    this.inBuf = new Uint32Array(Math.max(1, built.inWords));
    this.outBuf = new Uint32Array(Math.max(1, 2 * built.outWords));
    this.outWords = built.outWords;
    this.resetName = opts.reset ?? 'rst_ni';
    this.resetActiveLow = opts.resetActiveLow ?? true;
    this.ctx = ctx;
  }

  set(name: string, value: number | bigint): void {
    const p = this.port(name, 'in');
    const buf = this.inBuf;
    if (typeof value === 'number' && p.width <= 32) {
      if (!Number.isInteger(value) || value >= 2 ** p.width || value < -(2 ** (p.width - 1))) this.range(p, value);
      buf[p.offset] = value < 0 ? value + 2 ** p.width : value;
      return;
    }
    if (typeof value === 'number' && value >= 0 && Number.isSafeInteger(value)) {
      // Wider than 32 bits: a non-negative safe integer needs no bigint.
      if (p.width < 53 && value >= 2 ** p.width) this.range(p, value);
      buf.fill(0, p.offset, p.offset + p.words);
      buf[p.offset] = value % 2 ** 32;
      buf[p.offset + 1] = Math.floor(value / 2 ** 32);
      return;
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) this.range(p, value);
    const v = BigInt(value);
    if (v >= 1n << BigInt(p.width) || v < -(1n << BigInt(p.width - 1))) this.range(p, value);
    let u = BigInt.asUintN(p.width, v);
    for (let i = 0; i < p.words; i++) {
      buf[p.offset + i] = Number(u & 0xffffffffn);
      u >>= 32n;
    }
  }

  get(name: string): bigint {
    const p = this.port(name);
    return p.dir === 'in' ? words(this.inBuf, p.offset, p.words) : words(this.outBuf, p.offset, p.words);
  }

  getNum(name: string): number {
    const p = this.narrow(this.port(name));
    return p.dir === 'in' ? this.inBuf[p.offset]! : this.outBuf[p.offset]!;
  }

  sampled(name: string): bigint {
    const p = this.port(name, 'out');
    return words(this.outBuf, this.outWords + p.offset, p.words);
  }

  sampledNum(name: string): number {
    const p = this.narrow(this.port(name, 'out'));
    return this.outBuf[this.outWords + p.offset]!;
  }

  step(n = 1): void {
    const ctx = this.live();
    if (!Number.isInteger(n) || n < 1 || n >= 2 ** 31) fail('E_SIM', `step count must be an integer in [1, 2^31), got ${n}`, { field: 'n' });
    const status = this.lib.simStep(ctx, this.inBuf, this.outBuf, n);
    this.cycle += n;
    if (status !== 0) this.status(status);
  }

  eval(): void {
    const status = this.lib.simEval(this.live(), this.inBuf, this.outBuf);
    if (status !== 0) this.status(status);
  }

  reset(cycles = 2): void {
    const p = this.byName.get(this.resetName);
    if (!p || p.dir !== 'in' || p.width !== 1)
      fail('E_SIM', `top '${this.top}' has no 1-bit input '${this.resetName}' to reset with (set the reset option)`, { field: 'reset' });
    this.set(this.resetName, this.resetActiveLow ? 0 : 1);
    this.step(cycles);
    this.set(this.resetName, this.resetActiveLow ? 1 : 0);
  }

  time(): number {
    return Number(this.lib.simTime(this.live()));
  }

  coverage(path: string | undefined, zero = false): void {
    const ctx = this.live();
    if (this.built.coverage !== true) fail('E_SIM', `model '${this.top}' was built without toggle coverage; build it with coverage: true`, { field: 'coverage' });
    let target: string | null = null;
    if (path !== undefined) {
      target = resolve(path);
      try {
        mkdirSync(dirname(target), { recursive: true });
      } catch (err) {
        fileFail('create the folder of', target, err);
      }
    }
    this.lib.simCoverage ??= this.lib.handle.func('int sim_coverage(void *ctx, const char *path, int zero)') as SimLib['simCoverage'];
    if (this.lib.simCoverage!(ctx, target, zero ? 1 : 0) !== 0) fail('E_SIM', `model '${this.top}' has no toggle coverage compiled in (rebuild it)`, { field: 'coverage' });
    if (target !== null && !existsSync(target)) fail('E_FILE', `cannot write the coverage file '${target}'`, { file: target });
  }

  close(): void {
    if (this.ctx === undefined) return;
    const ctx = this.ctx;
    this.ctx = undefined;
    this.lib.simFree(ctx);
  }

  private live(): bigint {
    if (this.ctx === undefined) fail('E_SIM', `model '${this.top}' is closed`);
    return this.ctx;
  }

  private port(name: string, dir?: 'in' | 'out'): PortInfo {
    const p = this.byName.get(name);
    if (p && (dir === undefined || p.dir === dir)) return p;
    if (name === this.built.clock) fail('E_SIM', `'${name}' is the clock of '${this.top}'; step() drives it`, { field: name });
    const kind = dir === 'in' ? 'input' : dir === 'out' ? 'output' : 'port';
    const names = this.ports.filter((q) => dir === undefined || q.dir === dir).map((q) => q.name);
    fail('E_SIM', `top '${this.top}' has no ${kind} '${name}' (${kind}s: ${names.join(', ') || 'none'})`, { field: name });
  }

  private narrow(p: PortInfo): PortInfo {
    if (p.width > 32) fail('E_SIM', `port '${p.name}' of '${this.top}' is ${p.width} bits wide; read it with get() as a bigint`, { field: p.name });
    return p;
  }

  private range(p: PortInfo, value: number | bigint): never {
    fail('E_SIM', `value ${value} does not fit the ${p.width}-bit input '${p.name}' of '${this.top}'`, { field: p.name });
  }

  private status(code: number): void {
    if (code === 1) {
      this.finished = true;
      return;
    }
    fail('E_SIM', `design '${this.top}' reported an error ($error, $fatal or a failed assertion) by cycle ${this.cycle}; see its output above`);
  }
}

/** Unsigned value of `n` little-endian words. */
function words(buf: Uint32Array, offset: number, n: number): bigint {
  if (n === 1) return BigInt(buf[offset]!);
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 32n) | BigInt(buf[offset + i]!);
  return v;
}
