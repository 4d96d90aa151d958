import { describe, expect, it } from 'vitest';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { compileHw, defaultCalibration, runGraphInt } from '../../src/ref/int.js';
import { quantReport } from '../../src/ref/quant-report.js';
import { interpret } from '../../src/ref/interp.js';
import { resolveQuant } from '../../src/passes/quant-settings.js';
import { randomWeights } from '../../src/weights/random.js';
import { printGraph } from '../../src/ir/print.js';
import { BnextError } from '../../src/diag.js';

describe.each(['tiny', 'bnext18'])('%s@32 integer model', (size) => {
  const net = zooNetwork(size, { input: 32, classes: 10 });
  const ws = randomWeights(net, 3);
  const g = compileHw(net, ws);
  const imgs = defaultCalibration(net, 2, 77);
  const batch = { shape: [2, 3, 32, 32], data: Float32Array.from([...imgs[0]!.data, ...imgs[1]!.data]) };

  it('every layer is accurate on its own at the default formats', () => {
    const r = quantReport(net, ws, g, batch);
    expect(r.layers.length).toBeGreaterThan(10);
    // A layer fed quantized inputs still sees a few sign flips at its threshold (inherent to
    // binarization), so the floor is modest; the median shows the typical layer.
    for (const l of r.layers) expect(l.localSqnrDb, `${l.layer} (${l.node}, ${l.format})`).toBeGreaterThan(15);
    const own = r.layers.map((l) => l.localSqnrDb).sort((a, b) => a - b);
    expect(own[Math.floor(own.length / 2)]!).toBeGreaterThan(30);
    expect(r.logits.cosine).toHaveLength(2);
  });

  it('is deterministic and dumps identically twice', () => {
    expect(printGraph(compileHw(net, ws))).toBe(printGraph(g));
    expect(Array.from(runGraphInt(g, batch).data)).toEqual(Array.from(runGraphInt(g, batch).data));
  });

  it('never overflows an intermediate under extreme inputs (it saturates instead)', () => {
    for (const v of [1e4, -1e4]) {
      const img = { shape: [3, 32, 32], data: new Float32Array(3 * 32 * 32).fill(v) };
      const r = interpret(g, img, 'int');
      expect(r.logits.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('quantization settings', () => {
  it('rejects bad settings naming the field', () => {
    const fieldOf = (v: unknown): string | undefined => {
      try {
        resolveQuant(v, 'q.json');
      } catch (e) {
        expect(e).toBeInstanceOf(BnextError);
        return (e as BnextError).location.field;
      }
      return undefined;
    };
    expect(fieldOf({ se: 1 })).toBe('se');
    expect(fieldOf({ formats: { x: 'q8' } })).toBe('formats.x');
    expect(fieldOf({ bogus: 3 })).toBe('(root)');
    expect(fieldOf({ act: 16 })).toBeUndefined();
  });
  it('narrower SE formats cost SQNR in the SE branch', () => {
    const net = zooNetwork('tiny', { input: 32, classes: 10 });
    const ws = randomWeights(net, 3);
    const imgs = defaultCalibration(net, 1, 5);
    const batch = { shape: [1, 3, 32, 32], data: imgs[0]!.data };
    const wide = quantReport(net, ws, compileHw(net, ws), batch);
    const narrow = quantReport(net, ws, compileHw(net, ws, { quant: resolveQuant({ se: 4 }) }), batch);
    const mean = (r: typeof wide) => r.layers.reduce((a, l) => a + Math.min(l.localSqnrDb, 100), 0) / r.layers.length;
    expect(mean(narrow)).toBeLessThan(mean(wide));
  });
});
