// Simulation time of one BNext-Tiny frame at 224x224 (issue: whole-network RTL, "a benchmark states
// the simulation time of one BNext-Tiny frame at 224"): the design `bnext-rtl generate --size tiny`
// makes by default (seeded weights, default folding), built with Verilator and run end to end on
// one image (BNEXT_BENCH_IMAGES=2 for the steady-state interval too), compared bit for bit with the
// integer model. One image is the whole pipeline fill (every module buffers a frame for its SE
// gate), so its simulated cycles are the latency; a steady-state frame is the cycles/frame figure
// at the measured speed. The Verilator build is timed apart (cached by content afterwards).
import { zooNetwork } from '../dist/dsl/zoo.js';
import { DEFAULT_CLOCK_MHZ, DEFAULT_TARGET_FPS, generateDesign } from '../dist/emit/design.js';
import { DEFAULT_QUANT } from '../dist/passes/quant-settings.js';
import { defaultCalibration } from '../dist/ref/int.js';
import { simulateDesign } from '../dist/sim/design.js';
import { randomWeights } from '../dist/weights/random.js';

export const name = 'tiny224-sim';
export const describe = 'Verilator simulation of BNext-Tiny at 224 (default design): build time, seconds and cycles per frame, bit-exact check';

export async function run() {
  const net = zooNetwork('tiny');
  const d = generateDesign({
    net,
    ws: randomWeights(net, 1),
    weights: { seed: 1 },
    quant: DEFAULT_QUANT,
    fold: { kind: 'fps', targetFps: DEFAULT_TARGET_FPS, clockMhz: DEFAULT_CLOCK_MHZ },
    recipe: { size: 'tiny' },
  });
  const n = Number(process.env.BNEXT_BENCH_IMAGES ?? 1);
  const imgs = defaultCalibration(net, n, 7);
  const batch = { shape: [n, ...net.input], data: Float32Array.from(imgs.flatMap((i) => [...i.data])) };
  const r = await simulateDesign(d.graph, batch, { clockMhz: DEFAULT_CLOCK_MHZ });
  return {
    images: n,
    'bit-exact': r.pass,
    'Verilator build (s, 0 = cached)': r.buildSeconds.toFixed(1),
    'simulated cycles': r.cycles,
    'simulation (s)': r.simSeconds.toFixed(1),
    'steady-state frame at this speed (s)': (d.manifest.performance.cyclesPerFrame / r.cyclesPerSecond).toFixed(1),
    'speed (cycles/s)': Math.round(r.cyclesPerSecond),
    'cycles/frame measured': Number.isFinite(r.cyclesPerFrame) ? r.cyclesPerFrame : 'needs 2 images',
    'cycles/frame model': d.manifest.performance.cyclesPerFrame,
    'latency (cycles)': r.latencyCycles,
  };
}
