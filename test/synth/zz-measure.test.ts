import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runYosys, closeYosysWorkers } from '../../src/synth/yosys.js';
import { loadavg } from 'node:os';
it('measure', async () => {
  const fx = (f: string) => readFileSync(`test/fixtures/lint/${f}`, 'utf8');
  const cases = [
    { name: 'lint_clean_top(Width=8)', files: { 'a.v': fx('lint_clean_add.v'), 't.v': fx('lint_clean_top.v') }, script: 'read_verilog a.v t.v\nchparam -set Width 8 lint_clean_top\nsynth_xilinx -flatten -top lint_clean_top\ntee -q -o s.json stat -json\n' },
    { name: 'lint_mix', files: { 'm.v': fx('lint_mix.v') }, script: 'read_verilog m.v\nsynth_xilinx -flatten -top lint_mix\ntee -q -o s.json stat -json\n' },
  ];
  for (const engine of ['native', 'wasm'] as const) for (const c of cases) {
    const ts: number[] = [];
    for (let i = 0; i < 4; i++) { const t0 = performance.now(); await runYosys({ engine, files: c.files, script: c.script, outputs: ['s.json'] }); ts.push(Math.round(performance.now() - t0)); }
    console.log(`${engine} ${c.name}: ${ts.join(' ')} ms  (load ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  }
  await closeYosysWorkers();
}, 600_000);
