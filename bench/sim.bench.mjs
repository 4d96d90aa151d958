// Verilator harness speed: cycles per second through the koffi FFI (one call per step), with and
// without per-cycle port traffic, and Verilator build times (cold in a fresh cache, and cached).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from '../dist/sim/build.js';
import { loadModel } from '../dist/sim/harness.js';
import { runStreams, StreamSink, StreamSource } from '../dist/sim/stream.js';

export const name = 'sim-harness';
export const describe = 'Verilator co-simulation harness: cycles/s of step(), set/get traffic, stream loop; build times';

const rtl = fileURLToPath(new URL('../test/fixtures/rtl/', import.meta.url));
const adder = { top: 'wide_adder', files: [join(rtl, 'wide_adder.v')] };

function rate(cycles, ms) {
  return `${((cycles / ms) * 1e3 / 1e6).toFixed(2)} M cycles/s`;
}

async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

export async function run() {
  const out = {};
  const cache = mkdtempSync(join(tmpdir(), 'bnext-sim-bench-'));
  try {
    // Cold: a fresh cache folder with ccache disabled (every C++ file compiled).
    const saved = process.env.CCACHE_DISABLE;
    process.env.CCACHE_DISABLE = '1';
    const [, coldMs] = await timed(() => buildModel({ ...adder, cacheDir: join(cache, 'a') }));
    if (saved === undefined) delete process.env.CCACHE_DISABLE;
    else process.env.CCACHE_DISABLE = saved;
    out['build cold, fresh cache folder, no ccache (ms)'] = Math.round(coldMs);
    await buildModel({ ...adder, cacheDir: join(cache, 'b') }); // makes sure ccache holds the objects
    const [, ccacheMs] = await timed(() => buildModel({ ...adder, cacheDir: join(cache, 'c') }));
    out['build fresh cache folder, warm ccache (ms)'] = Math.round(ccacheMs);
    const [built, cachedMs] = await timed(() => buildModel({ ...adder, cacheDir: join(cache, 'c') }));
    out['build cached (ms)'] = Math.round(cachedMs * 10) / 10;

    const m = loadModel(built);
    m.reset();
    m.set('en_i', 1);
    const N = 2_000_000;
    m.step(1000);
    let [, ms] = await timed(() => {
      for (let i = 0; i < N; i++) m.step(1);
    });
    out['step(1) loop'] = rate(N, ms);

    [, ms] = await timed(() => {
      let acc = 0;
      for (let i = 0; i < N; i++) {
        m.set('a_i', i);
        m.set('b_i', i ^ 0x5555);
        m.set('en_i', i & 1);
        m.step(1);
        acc += m.getNum('count_o');
      }
      return acc;
    });
    out['set 3 inputs + step(1) + getNum per cycle'] = rate(N, ms);

    const M = 500_000;
    [, ms] = await timed(() => {
      let acc = 0n;
      for (let i = 0; i < M; i++) {
        m.set('a_i', BigInt(i) << 70n);
        m.step(1);
        acc ^= m.get('sum_o');
      }
      return acc;
    });
    out['set + get of 100-bit bigint ports + step(1) per cycle'] = rate(M, ms);

    [, ms] = await timed(() => m.step(10_000_000));
    out['step(10M) in one call (model speed)'] = rate(10_000_000, ms);
    m.close();

    const skid = await buildModel({ top: 'add_const_skid', files: [join(rtl, 'add_const_skid.v')], cacheDir: join(cache, 'd') });
    const s = loadModel(skid);
    s.reset();
    const items = Array.from({ length: 200_000 }, (_, i) => i & 0xffff);
    const src = new StreamSource(s, { prefix: 's', items, gapProb: 0.3, seed: 1 });
    const sink = new StreamSink(s, { prefix: 'm', stallProb: 0.3, seed: 2 });
    const [res, sms] = await timed(() => runStreams({ model: s, sources: [src], sinks: [sink], expectedCounts: [items.length], maxCycles: 2_000_000 }));
    out['runStreams, p = 0.3 gaps/back-pressure'] = `${rate(res.cycles, sms)} (${items.length} items in ${res.cycles} cycles)`;
    s.close();
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  return out;
}
