/**
 * External interfaces of a generated top: map buffers over a threshold become fifo_ext cores with
 * a memory port and a region, weights mode `stream` brings every MVAU's weight stream out; both
 * lint clean (Verilator -Wall, Yosys, Icarus), the manifest and design folder describe them, and a
 * design folder with them reloads.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { emitOptionsOf, generateDesign, writeDesign, type Manifest } from '../../src/emit/design.js';
import { CORES_DIR } from '../../src/emit/env.js';
import { DEFAULT_EXT_MEM_LATENCY, fifoRamBits } from '../../src/emit/ops/plumbing.js';
import { reloadDesign } from '../../src/emit/reload.js';
import { EXT_REGION_ALIGN, emitTop, SIM_CORES_DIR } from '../../src/emit/top.js';
import type { FifoNode } from '../../src/ir/graph.js';
import { compile } from '../../src/passes/index.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { defaultCalibration } from '../../src/ref/int.js';
import { formatLintIssues, lintAll, lintVerilator } from '../../src/sim/lint.js';
import { randomWeights } from '../../src/weights/random.js';

/** The small BNext-style network of test/emit/emit.test.ts. */
function mini() {
  const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  t = b.bnextBlock(t, { name: 'feature.2', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

const dir = mkdtempSync(join(tmpdir(), 'bnext-ports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The instance block of node `id` in a top (from its header comment to its closing `);`). */
function instanceText(top: string, id: string): string {
  const start = top.indexOf(`: ${id} (`);
  expect(start, id).toBeGreaterThan(0);
  return top.slice(start, top.indexOf('\n  );', start));
}

describe('external memory ports and weight streams', () => {
  const net = mini();
  const g = compile(net, randomWeights(net, 1), 'rtl', { calibration: defaultCalibration(net), fold: { targetCycles: 4096 } });
  const fifos = g.nodes.filter((n): n is FifoNode => n.kind === 'fifo');
  const threshold = 30_000;
  const rom = emitTop(g);
  const ext = emitTop(g, { extMemThresholdBits: threshold, weightsMode: 'stream' });
  const topText = ext.files.get(`${ext.top}.v`)!;

  it('puts exactly the FIFOs over the threshold in external memory, with disjoint aligned regions', () => {
    const big = fifos.filter((f) => fifoRamBits(f) > threshold).map((f) => f.id);
    expect(big.length).toBeGreaterThan(0);
    expect(big.length).toBeLessThan(fifos.length);
    expect(ext.extMems.map((e) => e.node)).toEqual(big);
    for (const f of fifos) expect(instanceText(topText, f.id), f.id).toMatch(big.includes(f.id) ? /^[^\n]*\n  fifo_ext #\(/ : /^[^\n]*\n  stream_fifo #\(/);
    let end = 0;
    for (const e of ext.extMems) {
      expect(e.base % EXT_REGION_ALIGN).toBe(0);
      expect(e.base).toBeGreaterThanOrEqual(end);
      expect(8 * e.wordBytes).toBeGreaterThanOrEqual(e.beatBits);
      expect(e.sizeBytes).toBe(e.beats * e.wordBytes);
      end = e.base + e.sizeBytes;
      const inst = instanceText(topText, e.node);
      expect(inst).toContain(`.Base(ExtMemBase + 32'h${e.base.toString(16)})`);
      for (const s of ['wr_valid_o', 'wr_ready_i', 'wr_addr_o', 'wr_data_o', 'wr_done_i', 'rd_valid_o', 'rd_ready_i', 'rd_addr_o', 'rsp_valid_i', 'rsp_ready_o', 'rsp_data_i']) {
        expect(inst).toContain(`.mem_${s}(${e.prefix}_${s})`);
        expect(topText).toMatch(new RegExp(`^  (input |output) wire .*${e.prefix}_${s}[,\\s]`, 'm'));
      }
    }
  });

  it('streams every MVAU weight set: same words as the ROM files, ports instead of a WeightFile', () => {
    const mvaus = g.nodes.filter((n) => n.kind === 'mvau');
    expect(ext.weightStreams.map((w) => w.node)).toEqual(mvaus.map((n) => n.id));
    for (const w of ext.weightStreams) {
      const inst = instanceText(topText, w.node);
      expect(inst).not.toContain('WeightFile');
      expect(inst).toContain(`.w_tdata_i(${w.prefix}_tdata_i)`);
      const body = (t: string) => t.split('\n').slice(1);
      expect(body(ext.files.get(`mem/${w.file}`)!), w.file).toEqual(body(rom.files.get(`mem/${w.file}`)!));
      expect(body(ext.files.get(`mem/${w.file}`)!).filter(Boolean)).toHaveLength(w.wordsPerPixel);
    }
    expect(rom.weightStreams).toEqual([]);
    expect(rom.sim).toBeUndefined();
  });

  it('lint gate: the top passes Verilator -Wall, Yosys and Icarus; the simulation wrapper passes Verilator -Wall', async () => {
    const out = join(dir, 'lint');
    mkdirSync(join(out, 'mem'), { recursive: true });
    mkdirSync(join(out, 'sim'), { recursive: true });
    for (const [p, t] of ext.files) writeFileSync(join(out, p), t);
    const files = [join(out, `${ext.top}.v`), ...ext.cores.map((c) => `${CORES_DIR}${c}.v`)];
    const data = Object.fromEntries([...ext.files].filter(([p]) => p.startsWith('mem/')));
    const [top, sim] = await Promise.all([
      lintAll(files, ext.top, undefined, { dataFiles: data }),
      lintVerilator([...files, join(out, ext.sim!.file), ...ext.sim!.cores.map((c) => `${SIM_CORES_DIR}${c}.v`)], ext.sim!.top),
    ]);
    expect(formatLintIssues(top.issues.filter((i) => i.tool !== 'yosys' || i.severity === 'error'))).toEqual([]);
    expect(top.ok).toBe(true);
    expect(formatLintIssues(sim.issues)).toEqual([]);
    expect(sim.ok).toBe(true);
  });
});

describe('design folder with external ports', () => {
  const net = zooNetwork('tiny', { input: 32, classes: 10 });
  const make = (extMemThresholdBits: number) =>
    generateDesign({
      net,
      ws: randomWeights(net, 1),
      weights: { seed: 1 },
      quant: DEFAULT_QUANT,
      fold: { kind: 'fps', targetFps: 2000, clockMhz: 200 },
      recipe: { size: 'tiny', input: 32, classes: 10 },
      extMemThresholdBits,
      weightsMode: 'stream',
    });

  it('manifest: per-buffer regions and bandwidth, on-chip vs external totals, weight streams; file lists; reload', () => {
    const d = make(100_000);
    const m = d.manifest;
    const x = m.externalMemory;
    expect(x.buffers.length).toBeGreaterThan(0);
    expect(x.totalBytes).toBe(x.buffers.reduce((a, b) => a + b.sizeBytes, 0));
    expect(m.memory.externalBufferBits).toBe(8 * x.totalBytes);
    // every external beat passes the port twice a frame (written, read); traffic scales with frames/s
    for (const b of x.buffers) {
      expect(b.bitsPerFrame % (16 * b.wordBytes)).toBe(0);
      expect(b.bytesPerSecond).toBeCloseTo((b.bitsPerFrame / 8) * m.performance.framesPerSecond, 3);
    }
    // streamed weights and external buffers leave the chip; the ROM-mode, all-on-chip design keeps them
    const all = generateDesign({ ...{ net, ws: randomWeights(net, 1), weights: { seed: 1 }, quant: DEFAULT_QUANT, fold: m.fold, recipe: m.network.recipe }, extMemThresholdBits: 0 }).manifest;
    expect(all.memory.onChipBits).toBe(all.memory.totalBits);
    expect(all.externalMemory.buffers).toEqual([]);
    expect(all.weightStreams).toEqual([]);
    expect(m.memory.onChipBits).toBeLessThan(all.memory.onChipBits - m.memory.streamedWeightBits);
    expect(m.memory.streamedWeightBits).toBe(m.weightStreams.reduce((a, w) => a + w.width * w.wordsPerPixel, 0));
    for (const w of m.weightStreams) expect(w.wordsPerFrame).toBe(w.wordsPerPixel * w.pixels);

    const out = join(dir, 'tiny32');
    writeDesign(out, d);
    const synth = readFileSync(join(out, `${m.top}.f`), 'utf8');
    expect(synth).toContain('cores/fifo_ext.v');
    expect(synth).not.toMatch(/sim\//);
    const simList = readFileSync(join(out, `${m.top}_sim.f`), 'utf8').trim().split('\n');
    expect(simList).toEqual([...synth.trim().split('\n'), 'sim/ext_mem_model.v', 'sim/weight_stream_model.v', `sim/${m.top}_sim.v`]);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('## External memory ports');
    expect(readme).toContain('## Weight streams');
    expect(readme).toContain(`\`${x.buffers[0]!.port}\``);
    const written = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(emitOptionsOf(written)).toEqual({ weightsMode: 'stream', extMemThresholdBits: 100_000, extMemLatency: DEFAULT_EXT_MEM_LATENCY });
    expect(reloadDesign(out).design.manifest.rtlSha256).toBe(m.rtlSha256);
  });
});
