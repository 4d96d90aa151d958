import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { buildModel, type BuiltModel } from '../../src/sim/build.js';
import { loadModel, type SimModel } from '../../src/sim/harness.js';
import { Rng } from '../../src/util/rng.js';

const rtl = fileURLToPath(new URL('../fixtures/rtl/', import.meta.url));
const MASK100 = (1n << 100n) - 1n;

/** Expects `fn` to throw a BnextError with `code` whose message matches `re`. */
function expectError(fn: () => unknown, code: string, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(BnextError);
  expect((err as BnextError).code).toBe(code);
  expect((err as BnextError).message).toMatch(re);
}

/** A random bigint of `bits` bits from a seeded PRNG. */
function randomBits(rng: Rng, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(rng.nextU32());
  return v & ((1n << BigInt(bits)) - 1n);
}

describe('Verilator harness on a registered 100-bit adder', () => {
  let built: BuiltModel;
  let m: SimModel;
  const tmp = mkdtempSync(join(tmpdir(), 'bnext-sim-'));

  beforeAll(async () => {
    built = await buildModel({ top: 'wide_adder', files: [join(rtl, 'wide_adder.v')] });
    m = loadModel(built);
  });
  afterAll(() => {
    m?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the ports of the Verilog source with directions and widths, without the clock', () => {
    const ports = Object.fromEntries(built.ports.map((p) => [p.name, `${p.dir}:${p.width}`]));
    expect(ports).toEqual({ rst_ni: 'in:1', a_i: 'in:100', b_i: 'in:100', en_i: 'in:1', sum_o: 'out:100', mix_o: 'out:41', count_o: 'out:8' });
  });

  it('adds random 100-bit operands cycle by cycle and holds the sum when disabled', () => {
    m.reset(3);
    expect(m.get('sum_o')).toBe(0n);
    expect(m.getNum('count_o')).toBe(0);
    const rng = new Rng(7);
    let sum = 0n;
    let count = 0;
    for (let i = 0; i < 500; i++) {
      const a = randomBits(rng, 100);
      const b = randomBits(rng, 100);
      const en = rng.uniform() < 0.7;
      m.set('a_i', a);
      m.set('b_i', b);
      m.set('en_i', en ? 1 : 0);
      m.step();
      if (en) {
        sum = (a + b) & MASK100;
        count = (count + 1) % 256;
      }
      expect(m.get('sum_o')).toBe(sum);
      expect(m.getNum('count_o')).toBe(count);
    }
  });

  it('eval settles combinational outputs without a clock edge; sampled shows the pre-edge values', () => {
    m.reset();
    m.set('en_i', 1);
    m.step(5);
    expect(m.getNum('count_o')).toBe(5);
    expect(m.sampledNum('count_o')).toBe(4);
    const cycle = m.cycle;
    const a = (1n << 40n) | 0x123456789n;
    const b = (1n << 99n) | 0xfedcba987n;
    m.set('a_i', a);
    m.set('b_i', b);
    m.eval();
    expect(m.get('mix_o')).toBe((a ^ b) & ((1n << 41n) - 1n));
    expect(m.getNum('count_o')).toBe(5);
    expect(m.cycle).toBe(cycle);
  });

  it('step(n) runs n cycles in one call and reset clears the registers', () => {
    m.reset();
    m.set('en_i', 1);
    m.step(300);
    expect(m.getNum('count_o')).toBe(300 % 256);
    m.reset(1);
    m.step();
    expect(m.getNum('count_o')).toBe(1);
  });

  it('takes numbers, bigints and negative values as two\'s complement; rejects values that do not fit', () => {
    m.set('a_i', -1);
    expect(m.get('a_i')).toBe(MASK100);
    m.set('a_i', 2 ** 52 + 3);
    expect(m.get('a_i')).toBe(2n ** 52n + 3n);
    m.set('a_i', -(1n << 99n));
    expect(m.get('a_i')).toBe(1n << 99n);
    expectError(() => m.set('a_i', 1n << 100n), 'E_SIM', /does not fit the 100-bit input 'a_i'/);
    expectError(() => m.set('en_i', 2), 'E_SIM', /does not fit the 1-bit input 'en_i'/);
    expectError(() => m.set('en_i', 0.5), 'E_SIM', /does not fit/);
    expectError(() => m.set('sum_o', 1), 'E_SIM', /no input 'sum_o'.*inputs: .*a_i/);
    expectError(() => m.set('clk_i', 1), 'E_SIM', /'clk_i' is the clock/);
    expectError(() => m.getNum('sum_o'), 'E_SIM', /100 bits wide; read it with get\(\)/);
    expectError(() => m.sampled('a_i'), 'E_SIM', /no output 'a_i'/);
    expectError(() => m.step(0), 'E_SIM', /step count/);
  });

  it('instances of one library are independent, and a closed model refuses calls', () => {
    const other = loadModel(built);
    other.reset();
    other.set('en_i', 1);
    other.step(3);
    m.reset();
    expect(other.getNum('count_o')).toBe(3);
    expect(m.getNum('count_o')).toBe(0);
    other.close();
    other.close();
    expectError(() => other.step(), 'E_SIM', /closed/);
  });

  it('refuses a trace on a model built without trace support', () => {
    expectError(() => loadModel(built, { tracePath: join(tmp, 'x.fst') }), 'E_SIM', /built without trace support/);
  });

  it('a trace build writes a non-empty FST waveform', async () => {
    const traced = await buildModel({ top: 'wide_adder', files: [join(rtl, 'wide_adder.v')], trace: true });
    expect(traced.key).not.toBe(built.key);
    const path = join(tmp, 'waves', 'adder.fst');
    const t = loadModel(traced, { tracePath: path });
    t.reset();
    t.set('en_i', 1);
    t.set('a_i', 12345);
    for (let i = 0; i < 100; i++) t.step();
    expect(t.time()).toBe(5 + 102 * 10);
    t.close();
    expect(statSync(path).size).toBeGreaterThan(100);
    expect(readFileSync(path)[0]).toBe(0); // FST header block
  });
});

describe('Verilator harness status reports', () => {
  it('$finish sets finished (the process survives a second one); $error fails the step with E_SIM', async () => {
    const m = loadModel(await buildModel({ top: 'sim_status', files: [join(rtl, 'sim_status.v')] }));
    m.reset();
    m.step(3);
    expect(m.finished).toBe(false);
    m.set('finish_i', 1);
    m.step();
    expect(m.finished).toBe(true);
    m.step(); // a second $finish would end the process if the harness did not clear the flag
    m.set('finish_i', 0);
    expect(m.getNum('count_o')).toBe(5);
    m.set('error_i', 1);
    expectError(() => m.step(), 'E_SIM', /design 'sim_status' reported an error .* by cycle 8/);
    m.close();
  });
});
