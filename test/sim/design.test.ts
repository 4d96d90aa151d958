/**
 * Whole designs, end to end in Verilator, bit-exact against the integer model, with random input
 * gaps and output back-pressure; measured cycles per frame against the manifest's cycle model;
 * a corrupted memory word is caught.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import type { Network } from '../../src/dsl/network.js';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { generateDesign, writeDesign } from '../../src/emit/design.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { defaultCalibration } from '../../src/ref/int.js';
import { simulateDesign } from '../../src/sim/design.js';
import { randomWeights } from '../../src/weights/random.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-design-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function batchOf(net: Network, n: number, seed: number) {
  const imgs = defaultCalibration(net, n, seed);
  return { shape: [n, ...net.input], data: Float32Array.from(imgs.flatMap((i) => [...i.data])) };
}

function design(net: Network, targetFps: number) {
  return generateDesign({
    net,
    ws: randomWeights(net, 1),
    weights: { seed: 1 },
    quant: DEFAULT_QUANT,
    fold: { kind: 'fps', targetFps, clockMhz: 200 },
    recipe: { test: net.name },
  });
}

function mini(): Network {
  const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  t = b.bnextBlock(t, { name: 'feature.2', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

describe('end-to-end design simulation', () => {
  it('a small BNext network: bit-exact with stalls, cycles per frame within 5 % of the model', async () => {
    const net = mini();
    const d = design(net, 50_000); // 4000 cycles per frame at 200 MHz
    const batch = batchOf(net, 4, 11);
    const clean = await simulateDesign(d.graph, batch);
    expect(clean.images.map((i) => i.mismatches.length)).toEqual([0, 0, 0, 0]);
    expect(clean.pass).toBe(true);
    const model = d.manifest.performance.cyclesPerFrame;
    expect(Math.abs(clean.cyclesPerFrame / model - 1)).toBeLessThan(0.05);
    const stalled = await simulateDesign(d.graph, batch, { stall: 0.3, seed: 5 });
    expect(stalled.pass).toBe(true);
    expect(Array.from(stalled.logits.data)).toEqual(Array.from(clean.logits.data));
  });

  it('a corrupted threshold in the design folder is caught by the compare', async () => {
    const net = mini();
    const d = design(net, 50_000);
    const out = join(dir, 'mini');
    writeDesign(out, d);
    const batch = batchOf(net, 1, 12);
    expect((await simulateDesign(d.graph, batch, { dir: out })).pass).toBe(true);
    // Move one channel's threshold of the first binary layer far out of range: its sign flips.
    const file = readdirSync(join(out, 'mem')).find((f) => f.startsWith('feature_1_attention_threshold'))!;
    const lines = readFileSync(join(out, 'mem', file), 'utf8').split('\n');
    // line 0 is the header comment; line 1 is channel 0: make it the largest positive code
    lines[1] = '3' + 'f'.repeat(lines[1]!.length - 1);
    writeFileSync(join(out, 'mem', file), lines.join('\n'));
    const bad = await simulateDesign(d.graph, batch, { dir: out });
    expect(bad.pass).toBe(false);
    expect(bad.images[0]!.mismatches.length).toBeGreaterThan(0);
  });

  it.each([
    ['tiny', 10_000],
    ['bnext18', 10_000],
  ])('%s@32, 10 classes: bit-exact end to end with stalls; cycles per frame within 5 %% of the model', async (size, fps) => {
    const net = zooNetwork(size, { input: 32, classes: 10 });
    const d = design(net, fps);
    const r = await simulateDesign(d.graph, batchOf(net, 2, 13), { stall: 0.3, seed: 2 });
    expect(r.images.map((i) => i.mismatches.length)).toEqual([0, 0]);
    expect(r.pass).toBe(true);
    // Without stalls, three frames: the interval between the last logits of consecutive frames.
    const clean = await simulateDesign(d.graph, batchOf(net, 3, 14));
    expect(clean.pass).toBe(true);
    expect(Math.abs(clean.cyclesPerFrame / d.manifest.performance.cyclesPerFrame - 1)).toBeLessThan(0.05);
  }, 1_200_000);
});
