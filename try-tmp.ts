import { caseKinds, opCase } from './src/sim/op-cases.js';
import { simulateOp, describeMismatch } from './src/sim/op.js';
const kinds = process.argv[2] ? process.argv[2].split(',') : caseKinds();
const params = process.argv[3] ? JSON.parse(process.argv[3]) : {};
for (const k of kinds) {
  for (const stall of [0, 0.3]) {
    const c = opCase(k, params, 3);
    const t0 = Date.now();
    try {
      const r = await simulateOp(c.node, c.inputs, [c.frame(0), c.frame(1)], { stall, seed: 5, context: c.context, waveOnMismatch: false });
      console.log(k, stall, r.module, r.pass ? 'PASS' : 'FAIL', 'cycles', r.cycles, 'model', r.modelCycles, 'beats', r.beats, 'ext', r.extremes, Date.now() - t0, 'ms');
      for (const m of r.mismatches.slice(0, 5)) console.log('   ', describeMismatch(r.op, m));
    } catch (e) { console.log(k, stall, 'ERROR', (e as Error).message, (e as any).details); }
  }
}
