// Float reference model speed: BNext-Tiny at 224x224, one image, one thread, seeded random weights.
// `runFloat` includes checking and bit-packing the weights on every call; `runPrepared` reuses a
// prepared model (what runFloatBatch does after its first image). Median of timed runs after a
// warm-up; CPU seconds are reported beside wall seconds because shared machines are noisy.
import { zooNetwork } from '../dist/dsl/zoo.js';
import { prepareFloat, runFloat, runPrepared } from '../dist/ref/float/index.js';
import { Rng } from '../dist/util/rng.js';
import { randomWeights } from '../dist/weights/random.js';

export const name = 'float-model';
export const describe = 'float reference forward, BNext-Tiny 224x224, 1 image, 1 thread (median of 5 after 2 warm-ups)';

const WARMUP = 2;
const RUNS = 5;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

export async function run() {
  const net = zooNetwork('tiny', { input: 224, classes: 1000 });
  let ws;
  const gen = time(() => {
    ws = randomWeights(net, 1);
  });
  const rng = new Rng(2);
  const image = { shape: [3, 224, 224], data: Float32Array.from({ length: 3 * 224 * 224 }, () => rng.normal()) };
  const model = prepareFloat(net, ws);
  for (let i = 0; i < WARMUP; i++) runFloat(net, ws, image);
  const full = Array.from({ length: RUNS }, () => time(() => runFloat(net, ws, image)));
  const fwd = Array.from({ length: RUNS }, () => time(() => runPrepared(model, image)));
  let binaryMacs = 0;
  for (const l of net.layers)
    if (l.kind === 'module') binaryMacs += l.inShape[0] * l.outShape[0] * l.outShape[1] * l.outShape[2] * l.kernel * l.kernel;
  const fwdWall = median(fwd.map((r) => r.wall));
  return {
    seconds_per_image: +median(full.map((r) => r.wall)).toFixed(4),
    cpu_seconds_per_image: +median(full.map((r) => r.cpu)).toFixed(4),
    seconds_per_image_prepared: +fwdWall.toFixed(4),
    cpu_seconds_per_image_prepared: +median(fwd.map((r) => r.cpu)).toFixed(4),
    binary_gmacs_per_image: +(binaryMacs / 1e9).toFixed(3),
    binary_gmacs_per_second_prepared: +(binaryMacs / 1e9 / fwdWall).toFixed(1),
    random_weights_seconds: +gen.wall.toFixed(2),
  };
}
