/**
 * Designs with external interfaces, end to end in Verilator through their simulation-only
 * wrapper: map buffers in external memory (behavioural memory with latency and back-pressure) and
 * MVAU weights from weight streams, bit-exact against the integer model with stalls. Two Verilator
 * builds (one per design).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import type { Network } from '../../src/dsl/network.js';
import { generateDesign, writeDesign } from '../../src/emit/design.js';
import type { WeightsMode } from '../../src/emit/types.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { defaultCalibration } from '../../src/ref/int.js';
import { simulateDesign } from '../../src/sim/design.js';
import { randomWeights } from '../../src/weights/random.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-design-ext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The small BNext network of test/sim/design.test.ts. */
function mini(): Network {
  const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  t = b.bnextBlock(t, { name: 'feature.2', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

function batchOf(net: Network, n: number, seed: number) {
  const imgs = defaultCalibration(net, n, seed);
  return { shape: [n, ...net.input], data: Float32Array.from(imgs.flatMap((i) => [...i.data])) };
}

function design(net: Network, extMemThresholdBits: number, weightsMode: WeightsMode, extMemLatency?: number) {
  return generateDesign({
    net,
    ws: randomWeights(net, 1),
    weights: { seed: 1 },
    quant: DEFAULT_QUANT,
    fold: { kind: 'fps', targetFps: 50_000, clockMhz: 200 }, // 4000 cycles per frame at 200 MHz
    recipe: { test: net.name },
    extMemThresholdBits,
    weightsMode,
    ...(extMemLatency !== undefined ? { extMemLatency } : {}),
  });
}

describe('end-to-end simulation with external interfaces', () => {
  it('map buffers in external memory: bit-exact with stalls and memory latency, full rate when the latency fits the head', async () => {
    const net = mini();
    // 30 kbit: the SE full-map buffers and residual lag FIFOs of feature.1 go external
    const d = design(net, 30_000, 'rom');
    expect(d.manifest.externalMemory.buffers.length).toBeGreaterThan(0);
    const out = join(dir, 'ext');
    writeDesign(out, d);
    const batch = batchOf(net, 3, 11);
    const clean = await simulateDesign(d.graph, batch, { dir: out, memLatency: 20 });
    expect(clean.images.map((i) => i.mismatches.length)).toEqual([0, 0, 0]);
    expect(clean.pass).toBe(true);
    expect(Math.abs(clean.cyclesPerFrame / d.manifest.performance.cyclesPerFrame - 1)).toBeLessThan(0.05);
    const stalled = await simulateDesign(d.graph, batch, { dir: out, memLatency: 45, stall: 0.3, seed: 4 });
    expect(stalled.pass).toBe(true);
    expect(Array.from(stalled.logits.data)).toEqual(Array.from(clean.logits.data));
  }, 600_000);

  it('a design built for a 120-cycle memory (--ext-mem-latency 120): deeper heads, bit-exact and at the modelled rate under that latency, where the default design is over 10 % slower', async () => {
    const net = mini();
    const d = design(net, 30_000, 'rom', 120);
    expect(d.manifest.externalMemory.latencyCycles).toBe(120);
    const top = d.emitted.files.get(`${d.manifest.top}.v`)!;
    const heads = [...top.matchAll(/\.HeadDepth\((\d+)\)/g)].map((m) => Number(m[1]));
    expect(heads.length).toBe(d.manifest.externalMemory.buffers.length);
    for (const h of heads) expect(h).toBeGreaterThan(120);
    const out = join(dir, 'ext120');
    writeDesign(out, d);
    const r = await simulateDesign(d.graph, batchOf(net, 3, 11), { dir: out, memLatency: 120 });
    expect(r.pass).toBe(true);
    expect(Math.abs(r.cyclesPerFrame / d.manifest.performance.cyclesPerFrame - 1)).toBeLessThan(0.05);
    // the default design (heads for 28 cycles, folder of the first test) loses throughput under the same memory
    const slow = await simulateDesign(design(net, 30_000, 'rom').graph, batchOf(net, 3, 11), { dir: join(dir, 'ext'), memLatency: 120 });
    expect(slow.pass).toBe(true);
    expect(slow.cyclesPerFrame / d.manifest.performance.cyclesPerFrame).toBeGreaterThan(1.1);
  }, 600_000);

  it('weights from weight streams: bit-exact with stalls; a corrupted word in a stream file is caught', async () => {
    const net = mini();
    const d = design(net, 0, 'stream');
    expect(d.manifest.weightStreams.length).toBeGreaterThan(0);
    const out = join(dir, 'stream');
    writeDesign(out, d);
    const batch = batchOf(net, 2, 12);
    const r = await simulateDesign(d.graph, batch, { dir: out, stall: 0.3, seed: 6 });
    expect(r.images.map((i) => i.mismatches.length)).toEqual([0, 0]);
    expect(r.pass).toBe(true);
    // Flip every bit of one word the stem streams: its logits must change.
    const file = readdirSync(join(out, 'mem')).find((f) => f.startsWith('feature_0_conv_mvau_w'))!;
    const lines = readFileSync(join(out, 'mem', file), 'utf8').split('\n');
    lines[1] = lines[1]!.replace(/[0-9a-f]/g, (c) => (15 - parseInt(c, 16)).toString(16));
    writeFileSync(join(out, 'mem', file), lines.join('\n'));
    const bad = await simulateDesign(d.graph, batch, { dir: out, seed: 6 });
    expect(bad.pass).toBe(false);
  }, 600_000);
});
