/** `bnext-rtl synth`: Yosys synthesis of a generated design folder, with resources beside the estimate. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { SYNTH_TARGETS } from '../../synth/script.js';
import { synthDesign, type SynthFigures, type SynthReport } from '../../synth/run.js';
import type { StatTarget } from '../../synth/stat.js';
import { type CliContext, intArg, outputFor, withExamples } from '../options.js';
import { fmtInt, table } from '../output.js';

function builder(y: Argv) {
  return withExamples(y, [
    ['$0 synth --design rtl-out/mini --target ice40', 'synthesize the whole design for iCE40: resources per core type and in total'],
    ['$0 synth --design rtl-out/mini --target xilinx --per-layer --jobs 4', 'each layer\'s MVAU on its own, four Yosys runs at a time'],
    ['$0 synth --design rtl-out/mini --target generic --liberty cells.lib', 'map to a standard-cell library (path relative to the design folder)'],
  ])
    .option('design', { type: 'string', requiresArg: true, demandOption: true, describe: 'design folder made by bnext-rtl generate' })
    .option('target', { type: 'string', requiresArg: true, choices: [...SYNTH_TARGETS], default: 'generic', describe: 'technology: Yosys gate library or an FPGA family' })
    .option('liberty', { type: 'string', requiresArg: true, describe: 'generic target: Liberty cell library (relative to the design folder)' })
    .option('per-layer', { type: 'boolean', describe: 'synthesize each layer\'s MVAU on its own, in parallel' })
    .option('layer', { type: 'string', array: true, requiresArg: true, describe: 'with --per-layer: only these layers, e.g. --layer feature.1.FFN_1 feature.2.FFN_2' })
    .option('jobs', { type: 'string', requiresArg: true, describe: 'parallel Yosys runs (default: number of CPUs)' })
    .option('engine', { type: 'string', requiresArg: true, choices: ['auto', 'native', 'wasm'], default: 'auto', describe: 'native yosys on PATH, or the bundled WASM build' });
}

function cells(f: SynthFigures, target: StatTarget): string[] {
  return target === 'generic'
    ? [fmtInt(f.gates), fmtInt(f.ffs), f.transistors !== undefined ? fmtInt(f.transistors) : '']
    : [fmtInt(f.luts), fmtInt(f.ffs), fmtInt(f.carry), fmtInt(f.bram), fmtInt(f.lutram), fmtInt(f.dsp)];
}

/** The report as a readable table plus totals and the estimate comparison. */
export function formatSynthReport(r: SynthReport, dir: string): string {
  const generic = r.target === 'generic';
  const head = [r.mode === 'per-layer' ? 'layer' : 'core', ...(r.mode === 'per-layer' ? ['module'] : ['inst.']), ...(generic ? ['gates', 'FFs', 'transistors'] : ['LUTs', 'FFs', 'carry', 'BRAM', 'LUTRAM', 'DSP']), ...(r.mode === 'per-layer' ? ['LUT est.'] : [])];
  const rows = r.rows.map((x) => [x.name, r.mode === 'per-layer' ? x.module : String(x.instances), ...cells(x.figures, r.target), ...(r.mode === 'per-layer' ? [fmtInt(x.lutsEstimate ?? 0)] : [])]);
  rows.push(['total', '', ...cells(r.total, r.target), ...(r.mode === 'per-layer' ? [fmtInt(r.lutsEstimate)] : [])]);
  const align = head.map((_, i) => (i < 2 && !(i === 1 && r.mode === 'design') ? 'left' : 'right') as 'left' | 'right');
  const est =
    r.estimateError !== undefined
      ? `${fmtInt(r.lutsEstimate)} LUTs estimated vs ${fmtInt(r.total.luts)} synthesized (estimate ${r.estimateError >= 0 ? '+' : ''}${(r.estimateError * 100).toFixed(1)} %)`
      : `${fmtInt(r.lutsEstimate)} LUTs estimated (the generic target maps to gates, not LUTs)`;
  return [
    table(head, rows, align),
    '',
    `design    ${dir} (top ${r.top}, ${r.mode === 'per-layer' ? 'each MVAU on its own' : 'whole design'}), target ${r.target}`,
    `estimate  ${est}`,
    `yosys     ${r.yosys} (${r.engine}); ${r.runs} run(s), ${r.cacheHits} from the cache; scripts in ${dir}/synth/`,
  ].join('\n');
}

/** The `synth` command. */
export function synthCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'synth',
    describe: 'synthesize a design folder with Yosys: LUTs, FFs, BRAM, DSP per core or layer, against the estimate',
    builder,
    handler: async (argv) => {
      const out = outputFor(ctx, argv);
      const jobs = intArg(argv.jobs, 'jobs', 1, 256);
      if (argv.layer !== undefined && argv.perLayer !== true) fail('E_ARG', '--layer chooses layers of a --per-layer run; add --per-layer', { field: '--layer' });
      const r = await synthDesign(argv.design, {
        target: argv.target as StatTarget,
        perLayer: argv.perLayer === true,
        engine: argv.engine as 'auto' | 'native' | 'wasm',
        ...(jobs !== undefined ? { jobs } : {}),
        ...(argv.layer !== undefined ? { layers: argv.layer.map(String) } : {}),
        ...(argv.liberty !== undefined ? { liberty: argv.liberty } : {}),
        onProgress: (l) => out.note(l),
      });
      out.result({ design: argv.design, report: r });
      out.text(formatSynthReport(r, argv.design));
    },
  };
}
