/**
 * The calibrated estimate against Yosys on MVAU configurations that are not in the calibration
 * grid (src/synth/estimate/calibrate.ts MVAU_GRID): the LUT estimate of each must be within 15 %
 * of synthesis (the target for MVAU layers), the weight ROM's block RAMs (in RAMB18 halves on xilinx) must match, and
 * the logic depth must be read. A few small configurations keep the test short.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mvauGridSamples, synthSamples, type MvauGridPoint } from '../../src/synth/estimate/calibrate.js';
import { MVAU_GRID } from '../../src/synth/estimate/calibrate.js';
import { shapeOf } from '../../src/synth/estimate/fit.js';
import { estimateCore } from '../../src/synth/estimate/index.js';
import { closeYosysWorkers } from '../../src/synth/yosys.js';

const root = mkdtempSync(join(tmpdir(), 'bnext-calib-'));
afterAll(async () => {
  await closeYosysWorkers();
  rmSync(root, { recursive: true, force: true });
});

/** Outside the calibration grid: other MW / MH / PE / SIMD combinations, binary and multi-bit. */
const CHECK: readonly MvauGridPoint[] = [
  { module: 'mvau_xnor', MW: 144, MH: 32, PE: 4, SIMD: 16 },
  { module: 'mvau_xnor', MW: 576, MH: 32, PE: 2, SIMD: 48 },
  { module: 'mvau_int', MW: 27, MH: 16, PE: 4, SIMD: 3, InW: 8, WeightW: 8 },
];

describe('estimate vs Yosys 0.23 on MVAU layers outside the calibration grid', () => {
  it('the grid checked here is disjoint from the calibration grid', () => {
    const key = (g: MvauGridPoint) => JSON.stringify([g.module, g.MW, g.MH, g.PE, g.SIMD, g.InW, g.WeightW]);
    const cal = new Set(MVAU_GRID.map(key));
    for (const g of CHECK) expect(cal.has(key(g))).toBe(false);
  });

  it.each(['xilinx', 'ice40'] as const)('%s: LUTs within 15 percent, weight block RAMs exact, depth read', async (target) => {
    const grid = target === 'xilinx' ? CHECK : CHECK.slice(0, 1);
    const t0 = performance.now();
    const res = await synthSamples(mvauGridSamples(join(root, target), grid), target, { jobs: 2 });
    console.log(`estimate vs synthesis ${target}: ${grid.length} MVAU(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const r of res) {
      const e = estimateCore(shapeOf(r), target);
      const err = (e.luts - r.byClass.lut) / r.byClass.lut;
      console.log(`  ${r.sample.label}: ${r.byClass.lut} LUTs synthesized, ${e.luts} estimated (${(100 * err).toFixed(1)} %), depth ${r.depth}`);
      expect(Math.abs(err), r.sample.label).toBeLessThanOrEqual(0.15);
      expect(e.bram, r.sample.label).toBe(r.bramUnits);
      expect(r.depth).toBeGreaterThan(2);
    }
  });
});
