// Generation time of whole designs at 224x224 (issue: "generate works for every size at 224 in
// seconds"): compile (lower, fold, quantize with calibration on two images, fold, FIFO sizing) and
// emit, for BNext-Tiny and BNext-Large with seeded random weights. Weight generation is timed apart.
import { zooNetwork } from '../dist/dsl/zoo.js';
import { generateDesign } from '../dist/emit/design.js';
import { DEFAULT_QUANT } from '../dist/passes/quant-settings.js';
import { randomWeights } from '../dist/weights/random.js';

export const name = 'generate';
export const describe = 'generate at 224: BNext-Tiny and BNext-Large (seeded weights; compile + emit, weights timed apart)';

export async function run() {
  const out = {};
  for (const size of ['tiny', 'large']) {
    const net = zooNetwork(size);
    let t = performance.now();
    const ws = randomWeights(net, 0);
    out[`${size}: random weights (s)`] = ((performance.now() - t) / 1000).toFixed(1);
    t = performance.now();
    const d = generateDesign({ net, ws, weights: { seed: 0 }, quant: DEFAULT_QUANT, fold: { kind: 'fps', targetFps: 100, clockMhz: 200 }, recipe: { size } });
    out[`${size}: compile + emit (s)`] = ((performance.now() - t) / 1000).toFixed(1);
    out[`${size}: IR nodes`] = d.graph.nodes.length;
    out[`${size}: RTL bytes (top + memories)`] = [...d.emitted.files.values()].reduce((a, f) => a + f.length, 0);
  }
  return out;
}
