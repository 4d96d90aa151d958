// Co-simulation speed on a real core: an XNOR MVAU with PE = SIMD = 32 (a 3x3, 64 -> 64 channel
// binary convolution fed by its sliding window), driven through the stream harness with the
// integer-model compare; and its Verilator build time cold (fresh cache folder, ccache off) and cached.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opCase } from '../dist/sim/op-cases.js';
import { simulateOp } from '../dist/sim/op.js';
import { buildModel } from '../dist/sim/build.js';
import { BINDINGS } from '../dist/emit/ops/index.js';
import { CORES_DIR } from '../dist/emit/env.js';

export const name = 'mvau-sim';
export const describe = 'XNOR MVAU PE=SIMD=32 (3x3, 64->64 ch, 16x16 map): harness cycles/s with compare; Verilator build cold and cached';

export async function run() {
  const out = {};
  const c = opCase('mvau', { mode: 'xnor', window: true, channels: 64, rows: 64, height: 16, width: 16, kernel: 3, stride: 1, pad: 1, pe: 32, simd: 32 }, 1);
  // cold build in a private cache folder with ccache disabled
  const inst = BINDINGS.mvau(c.node, c.inputs, { graph: { name: 'b', nodes: [...c.inputs, c.node], passes: [] }, byId: new Map() });
  const cache = mkdtempSync(join(tmpdir(), 'bnext-mvau-bench-'));
  const saved = process.env.CCACHE_DISABLE;
  process.env.CCACHE_DISABLE = '1';
  try {
    const params = Object.fromEntries(Object.entries(inst.params));
    params.WeightFile = '';
    const t0 = performance.now();
    await buildModel({ top: inst.module, files: [...new Set([inst.module, ...(inst.uses ?? [])])].map((m) => `${CORES_DIR}${m}.v`), params, cacheDir: cache });
    out['build cold, no ccache (s)'] = ((performance.now() - t0) / 1000).toFixed(1);
    const t1 = performance.now();
    await buildModel({ top: inst.module, files: [...new Set([inst.module, ...(inst.uses ?? [])])].map((m) => `${CORES_DIR}${m}.v`), params, cacheDir: cache });
    out['build cached (ms)'] = (performance.now() - t1).toFixed(1);
  } finally {
    if (saved === undefined) delete process.env.CCACHE_DISABLE;
    else process.env.CCACHE_DISABLE = saved;
    rmSync(cache, { recursive: true, force: true });
  }
  await simulateOp(c.node, c.inputs, c.values, { frames: 1, context: c.context }); // warm the default cache
  for (const stall of [0, 0.3]) {
    const t = performance.now();
    const r = await simulateOp(c.node, c.inputs, c.values, { frames: 8, stall, seed: 3, context: c.context });
    const ms = performance.now() - t;
    out[`stall ${stall}: cycles`] = r.cycles;
    out[`stall ${stall}: pass`] = r.pass;
    out[`stall ${stall}: harness speed incl. compare`] = `${((r.cycles / ms) * 1e3 / 1e6).toFixed(3)} M cycles/s`;
  }
  return out;
}
