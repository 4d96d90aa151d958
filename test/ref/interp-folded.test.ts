/**
 * The interpreter on the folded, buffered `rtl` graph (FIFOs between sliding windows and their
 * MVAUs, width converters) gives the same logits as on the unfolded `hw` graph, in both
 * interpretations: folding and buffering change timing, never values.
 */
import { describe, expect, it } from 'vitest';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { compile } from '../../src/passes/index.js';
import { defaultCalibration } from '../../src/ref/int.js';
import { interpret } from '../../src/ref/interp.js';
import { randomWeights } from '../../src/weights/random.js';

describe('interpret on the rtl graph', () => {
  it('BNext-Tiny@32 folded for 20,000 cycles: float and int logits equal to the hw graph', () => {
    const net = zooNetwork('tiny', { input: 32, classes: 10 });
    const ws = randomWeights(net, 1);
    const cal = defaultCalibration(net, 1);
    const hw = compile(net, ws, 'hw', { calibration: cal });
    const rtl = compile(net, ws, 'rtl', { calibration: cal, fold: { targetCycles: 20_000 } });
    const byId = new Map(rtl.nodes.map((n) => [n.id, n]));
    // the case that used to fail: a FIFO between a window and the MVAU reading it
    expect(rtl.nodes.some((n) => n.kind === 'mvau' && byId.get(n.inputs[0]!)?.kind === 'fifo' && byId.get(byId.get(n.inputs[0]!)!.inputs[0]!)?.kind === 'window')).toBe(true);
    for (const mode of ['float', 'int'] as const) {
      // hw first: the packed-kernel cache then holds the windowed geometry of the same weights
      const a = interpret(hw, cal[0]!, mode).logits;
      const b = interpret(rtl, cal[0]!, mode).logits;
      expect([...b], mode).toEqual([...a]);
    }
  });
});
