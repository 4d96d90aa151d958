import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { buildModel } from '../../src/sim/build.js';
import { loadModel, type SimModel } from '../../src/sim/harness.js';
import { runStreams, StreamSink, StreamSource } from '../../src/sim/stream.js';
import { Rng } from '../../src/util/rng.js';

const rtl = fileURLToPath(new URL('../fixtures/rtl/', import.meta.url));
const ADDEND = 1000;

/** Runs `fn`, expecting a BnextError; returns it. */
function catchError(fn: () => unknown): BnextError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BnextError);
    return e as BnextError;
  }
  throw new Error('expected a BnextError');
}

/** `n` random 16-bit items, every 7th one the last of a packet. */
function items(n: number, seed: number): { data: number; last: boolean }[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => ({ data: rng.int(65536), last: i % 7 === 6 }));
}

describe.each([
  { variant: 'registered ready (skid buffer)', registeredReady: 1 },
  { variant: 'combinational ready', registeredReady: 0 },
])('stream drivers on an add-a-constant stage, $variant', ({ registeredReady }) => {
  let m: SimModel;

  beforeAll(async () => {
    const params = { Addend: ADDEND, RegisteredReady: registeredReady };
    m = loadModel(await buildModel({ top: 'add_const_skid', files: [join(rtl, 'add_const_skid.v')], params }));
  });
  afterAll(() => m?.close());

  it('passes 3000 items through random gaps and back-pressure (p = 0.3), every item in order', () => {
    m.reset();
    const sent = items(3000, 11);
    const src = new StreamSource(m, { prefix: 's', items: sent, gapProb: 0.3, seed: 5 });
    const sink = new StreamSink(m, { prefix: 'm', stallProb: 0.3, seed: 6 });
    expect(src.ports).toEqual({ valid: 's_tvalid_i', ready: 's_tready_o', data: 's_tdata_i', last: 's_tlast_i' });
    const { cycles } = runStreams({ model: m, sources: [src], sinks: [sink], expectedCounts: [sent.length], maxCycles: 20_000 });
    expect(sink.items.map((r) => Number(r.data))).toEqual(sent.map((s) => (s.data + ADDEND) % 65536));
    expect(sink.items.map((r) => r.last)).toEqual(sent.map((s) => s.last));
    // Both ends idle about 30% of the time: well above one item per cycle, well below three.
    expect(cycles).toBeGreaterThan(3000 / 0.75);
    expect(cycles).toBeLessThan(3000 * 3);
    // Receive cycles strictly increase: one item per edge at most.
    expect(sink.items.every((r, i) => i === 0 || r.cycle > sink.items[i - 1]!.cycle)).toBe(true);
  });

  it('sustains one item per cycle without gaps or back-pressure', () => {
    m.reset();
    const sent = items(1000, 12);
    const src = new StreamSource(m, { prefix: 's', items: sent });
    const sink = new StreamSink(m, { prefix: 'm' });
    const { cycles } = runStreams({ model: m, sources: [src], sinks: [sink], expectedCounts: [sent.length], maxCycles: 5000 });
    expect(cycles).toBe(sent.length + 1); // one cycle of latency through the output register
    expect(sink.items.map((r) => Number(r.data))).toEqual(sent.map((s) => (s.data + ADDEND) % 65536));
  });
});

describe('stream loop errors', () => {
  let m: SimModel;

  beforeAll(async () => {
    m = loadModel(await buildModel({ top: 'add_const_skid', files: [join(rtl, 'add_const_skid.v')], params: { Addend: ADDEND, RegisteredReady: 1 } }));
  });
  afterAll(() => m?.close());

  it('reports a deadlock naming the unfinished sink when fewer items come than expected', () => {
    m.reset();
    const src = new StreamSource(m, { prefix: 's', items: [1, 2, 3] });
    const sink = new StreamSink(m, { prefix: 'm', stallProb: 0.5 });
    const err = catchError(() => runStreams({ model: m, sources: [src], sinks: [sink], expectedCounts: [5], maxCycles: 10_000, stallCycles: 50 }));
    expect(err.code).toBe('E_SIM');
    expect(err.message).toMatch(/deadlock: no transfer on any stream for 50 cycles.*unfinished: sink 'm'/);
    expect(err.details).toContain("sink 'm': 3 of 5 received, valid=0");
  });

  it('reports a timeout naming the streams that did not finish', () => {
    m.reset();
    const src = new StreamSource(m, { prefix: 's', items: items(100, 13) });
    const sink = new StreamSink(m, { prefix: 'm' });
    const err = catchError(() => runStreams({ model: m, sources: [src], sinks: [sink], expectedCounts: [100], maxCycles: 10 }));
    expect(err.code).toBe('E_SIM');
    expect(err.message).toMatch(/timeout: the streams did not complete within 10 cycles; unfinished: source 's', sink 'm'/);
  });

  it('rejects missing stream ports and bad probabilities with E_SIM', () => {
    expect(catchError(() => new StreamSource(m, { prefix: 'x', items: [] })).message).toMatch(/needs an input of 'add_const_skid' named x_tvalid_i or x_tvalid/);
    expect(catchError(() => new StreamSink(m, { prefix: 's' })).message).toMatch(/sink 's' needs an output .* s_tvalid_o or s_tvalid/);
    expect(catchError(() => new StreamSink(m, { prefix: 'm', stallProb: 1 })).message).toMatch(/stallProb of stream 'm' must be in \[0, 1\)/);
  });
});
