/**
 * The steady-state timing model: FIFO occupancy between spans, and node spans on a compiled
 * network (a GAP waits for its whole frame, a window for its first rows, the SE gate for its vector).
 */
import { describe, expect, it } from 'vitest';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import { compile } from '../../src/passes/index.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { graphTiming, peakOccupancy } from '../../src/passes/timing.js';
import { defaultCalibration } from '../../src/ref/int.js';
import { randomWeights } from '../../src/weights/random.js';

describe('peakOccupancy', () => {
  it('is about zero when the consumer takes beats as they come', () => {
    expect(peakOccupancy({ start: 0, end: 100 }, { start: 1, end: 101 }, 100, 50)).toBeLessThan(1);
  });
  it('is one frame when the consumer starts a period later, two when two periods later', () => {
    expect(peakOccupancy({ start: 0, end: 100 }, { start: 100, end: 200 }, 100, 50)).toBeCloseTo(50, 5);
    expect(peakOccupancy({ start: 0, end: 100 }, { start: 200, end: 300 }, 100, 50)).toBeCloseTo(100, 5);
  });
  it('counts a bursty consumer: it empties the FIFO faster than it fills', () => {
    const slow = peakOccupancy({ start: 0, end: 100 }, { start: 150, end: 250 }, 100, 40);
    const fast = peakOccupancy({ start: 0, end: 100 }, { start: 150, end: 160 }, 100, 40);
    expect(fast).toBeLessThan(slow + 1e-9);
    expect(fast).toBeGreaterThanOrEqual(40);
  });
});

describe('graphTiming', () => {
  const b = new NetworkBuilder({ name: 'timing', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 16, kernel: 3, stride: 1 });
  t = b.module(t, { name: 'feature.1.FFN', variant: 'ffn3x3' });
  const net = b.head(t).build();
  const g = compile(net, randomWeights(net, 1), 'rtl', { calibration: defaultCalibration(net), quant: DEFAULT_QUANT, fold: { targetCycles: 20_000 } });
  const tm = graphTiming(g);
  const span = (id: string) => tm.spans.get(id)!;

  it('a GAP starts after its input frame ends; the SE gate after the gate vector', () => {
    const gap = g.nodes.find((n) => n.kind === 'gap' && n.id.startsWith('feature.1'))!;
    expect(span(gap.id).start).toBeGreaterThan(span(gap.inputs[0]!).end);
    const gate = g.nodes.find((n) => n.kind === 'gate')!;
    expect(span(gate.id).start).toBeGreaterThan(span(gate.inputs[1]!).end);
  });

  it('a 3x3 window starts after two of its input rows, long before its input ends', () => {
    const w = g.nodes.find((n) => n.kind === 'window' && n.id.startsWith('feature.1'))!;
    const inp = span(w.inputs[0]!);
    const start = span(w.id).start - inp.start;
    expect(start).toBeGreaterThan(((inp.end - inp.start) * 2) / 32 - 2);
    expect(start).toBeLessThan(((inp.end - inp.start) * 3) / 32);
  });

  it('the period is the slowest node, the latency at least one period', () => {
    expect(tm.period).toBeGreaterThan(0);
    expect(tm.period).toBeLessThanOrEqual(20_000);
    expect(tm.latency).toBeGreaterThanOrEqual(tm.period);
  });
});
