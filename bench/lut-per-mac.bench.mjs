// LUTs per binary MAC per cycle on the xilinx target (issue: Yosys synthesis export, item 6):
// the XNOR-popcount kernel (templates/cores/xnor_popcount.v) beside a naive popcount (a plain
// chain of `+` over the XNOR bits) at SIMD 32 / 64 / 128, each synthesized on its own, and the
// whole mvau_xnor (MW 1152, MH 64, PE 8, weight ROM in block RAM) built once with each popcount
// (the naive one swapped in under the same module name), all in the same run of Yosys
// (`synth_xilinx -flatten`; LUT1..LUT6 of the flattened design, and the CARRY4 cells of the
// popcount core, which the LUT count leaves out). Aim: <= 0.9 LUT6 per binary MAC.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runYosysMany, closeYosysWorkers } from '../dist/synth/yosys.js';
import { parseStatJson, summarizeResources } from '../dist/synth/stat.js';
import { cleanStatJson } from '../dist/synth/script.js';

export const name = 'lut-per-mac';
export const describe = 'LUT6 per binary MAC per cycle at SIMD 32/64/128 (xilinx): XNOR-popcount core vs a naive + chain, alone and inside mvau_xnor';

const CORES = fileURLToPath(new URL('../templates/cores/', import.meta.url));
const SIMDS = [32, 64, 128];
const MVAU = { MW: 1152, MH: 64, PE: 8 };

/** The naive reference: popcount of the XNOR bits as one chain of additions, same ports as xnor_popcount. */
const NAIVE = `\`default_nettype none
module xnor_popcount #(parameter integer Width = 64, parameter integer Stages = 1) (
  input wire clk_i, input wire en_i,
  input wire [Width-1:0] a_i, input wire [Width-1:0] w_i,
  output wire [$clog2(Width+1)-1:0] cnt_o
);
  reg [$clog2(Width+1)-1:0] cnt;
  integer i;
  always @* begin
    cnt = 0;
    for (i = 0; i < Width; i = i + 1) cnt = cnt + (a_i[i] ~^ w_i[i]);
  end
  // Stages pipeline registers after the sum (as the tree's, registers only)
  reg [$clog2(Width+1)-1:0] q [0:(Stages > 0 ? Stages : 1)-1];
  integer s;
  always @(posedge clk_i) if (en_i) begin
    q[0] <= cnt;
    for (s = 1; s < Stages; s = s + 1) q[s] <= q[s-1];
  end
  assign cnt_o = Stages > 0 ? q[Stages-1] : cnt;
endmodule
\`default_nettype wire
`;

function coreFiles(naive) {
  const files = {};
  for (const f of readdirSync(CORES).filter((x) => x.endsWith('.v'))) files[`cores/${f}`] = readFileSync(CORES + f, 'utf8');
  if (naive) files['cores/xnor_popcount.v'] = NAIVE;
  return files;
}

function weights(simd) {
  const words = (MVAU.MW / simd) * (MVAU.MH / MVAU.PE);
  const digits = (MVAU.PE * simd) / 4;
  let s = 0x1234567;
  const lines = [];
  for (let i = 0; i < words; i++) {
    let w = '';
    for (let d = 0; d < digits; d++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      w += ((s >>> 16) & 15).toString(16);
    }
    lines.push(w);
  }
  return lines.join('\n') + '\n';
}

function job(kind, simd, naive) {
  const files = coreFiles(naive);
  const all = Object.keys(files).sort().join(' ');
  const params =
    kind === 'core'
      ? `chparam -set Width ${simd} -set Stages 1 xnor_popcount`
      : `chparam -set MW ${MVAU.MW} -set MH ${MVAU.MH} -set PE ${MVAU.PE} -set SIMD ${simd} -set WeightFile "w.mem" mvau_xnor`;
  if (kind === 'mvau') files['w.mem'] = weights(simd);
  const top = kind === 'core' ? 'xnor_popcount' : 'mvau_xnor';
  return {
    label: `${kind} ${naive ? 'naive' : 'tree'} SIMD ${simd}`,
    files,
    engine: 'native',
    outputs: ['stat.json'],
    script: [`read_verilog -defer ${all}`, params, `hierarchy -check -top ${top}`, `synth_xilinx -flatten -top ${top}`, 'tee -q -o stat.json stat -json', ''].join('\n'),
  };
}

export async function run() {
  const plan = [];
  for (const simd of SIMDS) for (const kind of ['core', 'mvau']) for (const naive of [false, true]) plan.push({ simd, kind, naive });
  const t0 = performance.now();
  const res = await runYosysMany(plan.map((p) => job(p.kind, p.simd, p.naive)), { concurrency: 2 });
  await closeYosysWorkers();
  const summaries = res.map((r) => {
    const rep = parseStatJson(cleanStatJson(r.outputs['stat.json']));
    return summarizeResources(rep.design ?? rep.modules[0], 'xilinx').byClass;
  });
  const luts = summaries.map((c) => c.lut);
  const carries = summaries.map((c) => c.carry);
  const out = { yosys: res[0].version };
  const at = (simd, kind, naive) => plan.findIndex((p) => p.simd === simd && p.kind === kind && p.naive === naive);
  const get = (simd, kind, naive) => luts[at(simd, kind, naive)];
  for (const simd of SIMDS) {
    const macs = MVAU.PE * simd;
    const [ct, cn, mt, mn] = [get(simd, 'core', false), get(simd, 'core', true), get(simd, 'mvau', false), get(simd, 'mvau', true)];
    out[`SIMD ${simd}: xnor_popcount LUTs (LUT/MAC)`] = `${ct} (${(ct / simd).toFixed(2)})`;
    out[`SIMD ${simd}: xnor_popcount CARRY4 (not in the LUT count)`] = carries[at(simd, 'core', false)];
    out[`SIMD ${simd}: naive + chain LUTs (LUT/MAC)`] = `${cn} (${(cn / simd).toFixed(2)})`;
    out[`SIMD ${simd}: popcount ratio tree/naive`] = (ct / cn).toFixed(2);
    out[`SIMD ${simd}: mvau_xnor PE ${MVAU.PE} LUTs (LUT/MAC), tree`] = `${mt} (${(mt / macs).toFixed(2)})`;
    out[`SIMD ${simd}: mvau_xnor PE ${MVAU.PE} LUTs (LUT/MAC), naive`] = `${mn} (${(mn / macs).toFixed(2)})`;
    out[`SIMD ${simd}: mvau ratio tree/naive`] = (mt / mn).toFixed(2);
    out[`SIMD ${simd}: aim <= 0.9 LUT/MAC met (mvau / popcount)`] = `${mt / macs <= 0.9 ? 'yes' : 'no'} / ${ct / simd <= 0.9 ? 'yes' : 'no'}`;
  }
  out['time (s)'] = ((performance.now() - t0) / 1000).toFixed(1);
  return out;
}
