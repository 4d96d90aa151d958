// Calibration of the analytic resource model (src/synth/estimate) against Yosys: synthesizes the
// MVAU grid and every other core as small generated designs instantiate it, for xilinx and
// ice40, fits each core's coefficients and prints the fit error per core. With
// BNEXT_WRITE_COEFFICIENTS=1 it rewrites src/synth/estimate/coefficients.ts (then npm run build).
// Synthesis results are cached in $BNEXT_CALIBRATION_DIR (default: <tmp>/bnext-calibration), so a
// rerun after changing only the features or the fit takes seconds. A cold run is a few hundred
// Yosys runs (about an hour on 2 cores).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrationSamples, synthSamples } from '../dist/synth/estimate/calibrate.js';
import { fitCoefficients, fitQuality, renderCoefficients } from '../dist/synth/estimate/fit.js';
import { ESTIMATE_TARGETS } from '../dist/synth/estimate/types.js';
import { resolveYosysEngine } from '../dist/synth/yosys.js';
import { findTool } from '../dist/tools/toolchain.js';

export const name = 'estimate-calibration';
export const describe = 'fit the resource model to Yosys (MVAU grid + cores of small designs, xilinx and ice40); BNEXT_WRITE_COEFFICIENTS=1 rewrites the coefficients';

export async function run() {
  const work = process.env.BNEXT_CALIBRATION_DIR ?? join(tmpdir(), 'bnext-calibration');
  const t0 = performance.now();
  const results = [];
  let samples = 0;
  for (const target of ESTIMATE_TARGETS) {
    const list = calibrationSamples(work, target);
    samples += list.length;
    results.push(...(await synthSamples(list, target, { onProgress: (l) => /Yosys run/.test(l) && console.log(`  ${l}`) })));
  }
  const coef = {};
  const quality = [];
  for (const target of ESTIMATE_TARGETS) {
    coef[target] = fitCoefficients(results, target);
    quality.push(...fitQuality(results, target, coef[target]));
  }
  const engine = await resolveYosysEngine('auto');
  const yosys = engine === 'native' ? (await findTool('yosys')).versionText : 'Yosys (WASM)';
  if (process.env.BNEXT_WRITE_COEFFICIENTS === '1') {
    const file = fileURLToPath(new URL('../src/synth/estimate/coefficients.ts', import.meta.url));
    writeFileSync(file, renderCoefficients(coef, quality, yosys));
    console.log(`  wrote ${file}`);
  }
  const out = { samples, yosys, 'time (s)': ((performance.now() - t0) / 1000).toFixed(1) };
  for (const q of quality.filter((x) => x.metric === 'luts'))
    out[`${q.target} ${q.module} LUTs: mean / max error (n)`] = `${(100 * q.meanAbsError).toFixed(1)} % / ${(100 * q.maxAbsError).toFixed(1)} % (${q.n})`;
  return out;
}
