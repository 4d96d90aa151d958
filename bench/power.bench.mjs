// Power flow costs: Verilator simulation speed of a small BNext design with and without toggle
// coverage of its top-level wires (the activity the power models use), and the cold gate-level
// characterization of two cores on OSU 0.18 um (Yosys + Icarus + the Liberty power model).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkBuilder } from '../dist/dsl/builder.js';
import { generateDesign } from '../dist/emit/design.js';
import { CORES_DIR } from '../dist/emit/env.js';
import { DEFAULT_QUANT } from '../dist/passes/quant-settings.js';
import { characterizeCore } from '../dist/power/characterize.js';
import { defaultCalibration } from '../dist/ref/int.js';
import { simulateDesign } from '../dist/sim/design.js';
import { randomWeights } from '../dist/weights/random.js';

export const name = 'power';
export const describe = 'simulation with/without toggle coverage (stem + one BNext block, 32x32, 2 images); cold OSU 0.18 um characterization of threshold and mvau_xnor';

export async function run() {
  const out = {};
  const b = new NetworkBuilder({ name: 'pwbench', input: [3, 32, 32], classes: 10 });
  const net = b.head(b.bnextBlock(b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 }), { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' })).build();
  const d = generateDesign({ net, ws: randomWeights(net, 3), weights: { seed: 3 }, quant: DEFAULT_QUANT, fold: { kind: 'fps', targetFps: 50_000, clockMhz: 200 }, recipe: { bench: 'power' } });
  const imgs = defaultCalibration(net, 2, 5);
  const batch = { shape: [2, 3, 32, 32], data: Float32Array.from(imgs.flatMap((i) => [...i.data])) };
  const tmp = mkdtempSync(join(tmpdir(), 'bnext-power-bench-'));
  try {
    for (const [label, activity] of [['plain', undefined], ['coverage', join(tmp, 'a.dat')]]) {
      await simulateDesign(d.graph, batch, activity ? { activity } : {}); // build (or cache hit)
      const r = await simulateDesign(d.graph, batch, activity ? { activity } : {});
      out[`${label}: cycles`] = r.cycles;
      out[`${label}: speed`] = `${(r.cyclesPerSecond / 1e6).toFixed(2)} M cycles/s`;
    }
    const cache = join(tmp, 'cache');
    const pop = ['popcount_tree', 'popcount_node', 'keep_add'];
    for (const [module, params, files] of [
      ['threshold', { Channels: 16, Par: 8, InW: 16, ThreshW: 17 }, ['threshold', 'skid_buffer']],
      ['mvau_xnor', { MW: 72, MH: 8, PE: 4, SIMD: 8 }, ['mvau_xnor', 'mvau_feed', 'mvau_out', 'delay_line', 'xnor_popcount', ...pop, 'skid_buffer']],
    ]) {
      const t = performance.now();
      const c = await characterizeCore({ module, params, files: files.map((f) => `${CORES_DIR}${f}.v`), cacheDir: cache });
      out[`${module}: characterization cold (s)`] = ((performance.now() - t) / 1000).toFixed(1);
      out[`${module}: cells / flops`] = `${c.gate.cells} / ${c.gate.flops}`;
      out[`${module}: pJ per port toggle`] = (c.energyPerToggle * 1e12).toFixed(3);
      out[`${module}: clock pJ per cycle`] = (c.clockEnergyPerCycle * 1e12).toFixed(2);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
