import { describe, expect, it } from 'vitest';
import { opCase } from '../../src/sim/op-cases.js';
import { simulateOp } from '../../src/sim/op.js';

describe('single-op co-simulation against the integer model', () => {
  it.each([
    { par: 1, slope: true, stall: 0 },
    { par: 2, slope: true, stall: 0.3 },
    { par: 4, slope: false, stall: 0.3 },
  ])('affine %o', async ({ par, slope, stall }) => {
    const c = opCase('affine', { channels: 4, height: 3, width: 3, par, slope }, 5);
    const r = await simulateOp(c.node, c.inputs, c.values, { stall, seed: 3, frames: 2 });
    expect(r.mismatches).toEqual([]);
    expect(r.beats).toBe(2 * (4 / par) * 9);
    if (stall === 0) expect(r.cycles).toBeLessThan(r.modelCycles * 1.1 + 20);
  });
});
