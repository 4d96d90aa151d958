import { it, expect } from 'vitest';
import { runYosys, runYosysMany, closeYosysWorkers } from '../../src/synth/yosys.js';
const v = `module top(input clk, input [7:0] a, b, output reg [7:0] q); always @(posedge clk) q <= a + b; endmodule\n`;
it('smoke', async () => {
  for (const engine of ['native', 'wasm'] as const) {
    const t0 = performance.now();
    const r = await runYosys({ engine, script: 'read_verilog rtl/top.v\nsynth_xilinx -flatten -top top\ntee -q -o out/stat.json stat -json\n', files: { 'rtl/top.v': v }, outputs: ['out/stat.json'] });
    console.log(engine, r.version, performance.now() - t0, r.outputs['out/stat.json']!.length, r.log.length);
  }
  const t0 = performance.now();
  const rs = await runYosysMany([0,1,2,3].map(() => ({ engine: 'wasm' as const, script: 'read_verilog top.v; synth_ice40 -top top', files: { 'top.v': v } })), { concurrency: 2 });
  console.log('many', rs.length, performance.now() - t0);
  await expect(runYosys({ engine: 'wasm', script: 'read_verilog nofile.v' })).rejects.toMatchObject({ code: 'E_TOOL' });
  try { await runYosys({ engine: 'native', script: 'read_verilog nofile.v', label: 'L1' }); } catch (e) { console.log((e as any).format()); }
  try { await runYosys({ engine: 'wasm', script: 'read_verilog top.v; synth_xilinx', files: { 'top.v': v }, timeoutMs: 300 }); } catch (e) { console.log((e as any).format()); }
  await closeYosysWorkers();
});
