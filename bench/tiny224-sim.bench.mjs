// Simulation time of one BNext-Tiny frame at 224x224 (issue: whole-network RTL, "a benchmark states
// the simulation time of one BNext-Tiny frame at 224"): the design `bnext-rtl generate --size tiny`
// makes by default (seeded weights, default folding), built with Verilator and run end to end on
// two images (the second gives the steady-state cycles per frame), compared bit for bit with the
// integer model. The Verilator build is timed apart (it is cached by content afterwards).
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
  const n = 2;
  const imgs = defaultCalibration(net, n, 7);
  const batch = { shape: [n, ...net.input], data: Float32Array.from(imgs.flatMap((i) => [...i.data])) };
  const r = await simulateDesign(d.graph, batch, { clockMhz: DEFAULT_CLOCK_MHZ });
  return {
    'bit-exact (2 images)': r.pass,
    'Verilator build (s, 0 = cached)': r.buildSeconds.toFixed(1),
    'simulated cycles (2 images)': r.cycles,
    'simulation (s, 2 images)': r.simSeconds.toFixed(1),
    'simulation per frame (s)': (r.simSeconds / n).toFixed(1),
    'speed (cycles/s)': Math.round(r.cyclesPerSecond),
    'cycles/frame measured': r.cyclesPerFrame,
    'cycles/frame model': d.manifest.performance.cyclesPerFrame,
    'latency (cycles)': r.latencyCycles,
  };
}
