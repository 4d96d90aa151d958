/** `bnext-rtl synth`: Yosys synthesis of a generated design folder, with resources beside the estimate. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { SYNTH_TARGETS } from '../../synth/script.js';
import { synthDesign, type FmaxSection, type SynthFigures, type SynthReport } from '../../synth/run.js';
import type { StatTarget } from '../../synth/stat.js';
import { type CliContext, intArg, outputFor, withExamples } from '../options.js';
import { fmtInt, table } from '../output.js';

function builder(y: Argv) {
  return withExamples(y, [
    ['$0 synth --design rtl-out/mini --target ice40', 'synthesize the whole design for iCE40: resources per core type and in total'],
    ['$0 synth --design rtl-out/mini --target xilinx --per-layer --jobs 4', 'each layer\'s MVAU on its own, four Yosys runs at a time'],
    ['$0 synth --design rtl-out/mini --target generic --liberty /usr/share/qflow/tech/osu018/osu018_stdcells.lib', 'map to a standard-cell library: gates, flip-flops and cell area (the library is copied into the design folder for the written scripts)'],
    ['$0 synth --design rtl-out/mini --target ice40 --per-layer --layer feature.1.FFN_1 --fmax', 'one layer placed and routed on iCE40 for its fmax'],
  ])
    .option('design', { type: 'string', requiresArg: true, demandOption: true, describe: 'design folder made by bnext-rtl generate' })
    .option('target', { type: 'string', requiresArg: true, choices: [...SYNTH_TARGETS], default: 'generic', describe: 'technology: Yosys gate library or an FPGA family' })
    .option('liberty', { type: 'string', requiresArg: true, describe: 'generic target: Liberty cell library (a path, or relative to the design folder); reports cell area' })
    .option('per-layer', { type: 'boolean', describe: 'synthesize each layer\'s MVAU on its own, in parallel' })
    .option('layer', { type: 'string', array: true, requiresArg: true, describe: 'with --per-layer: only these layers, e.g. --layer feature.1.FFN_1 feature.2.FFN_2' })
    .option('jobs', { type: 'string', requiresArg: true, describe: 'parallel Yosys runs (default: number of CPUs)' })
    .option('fmax', { type: 'boolean', describe: 'iCE40: place and route with nextpnr-ice40 for fmax (each layer with --per-layer); default: the whole design when it fits an iCE40 part; --no-fmax: never' })
    .option('timeout-min', { type: 'string', requiresArg: true, describe: 'limit of one Yosys run in minutes (default 240)' })
    .option('engine', { type: 'string', requiresArg: true, choices: ['auto', 'native', 'wasm'], default: 'auto', describe: 'native yosys on PATH, or the bundled WASM build' });
}

function cells(f: SynthFigures, target: StatTarget): string[] {
  return target === 'generic'
    ? [fmtInt(f.gates), fmtInt(f.ffs), f.area !== undefined ? fmtInt(Math.round(f.area)) : f.transistors !== undefined ? fmtInt(f.transistors) : '']
    : [fmtInt(f.luts), fmtInt(f.ffs), fmtInt(f.carry), fmtInt(f.bram), fmtInt(f.lutram), fmtInt(f.dsp)];
}

const pct = (e: number | undefined): string => (e === undefined ? '' : `${e >= 0 ? '+' : ''}${(e * 100).toFixed(1)} %`);

function fmaxText(f: FmaxSection | undefined): string {
  if (!f) return '';
  return 'skipped' in f ? '-' : f.mhz.toFixed(1);
}

/** The report as a readable table plus totals, the estimate comparison, depth and fmax. */
export function formatSynthReport(r: SynthReport, dir: string): string {
  const generic = r.target === 'generic';
  const perLayer = r.mode === 'per-layer';
  const withEst = r.estimate !== undefined;
  const withFmax = r.rows.some((x) => x.fmax !== undefined);
  const head = [
    perLayer ? 'layer' : 'core',
    perLayer ? 'module' : 'inst.',
    ...(generic ? ['gates', 'FFs', r.total.area !== undefined ? 'area' : 'transistors'] : ['LUTs', 'FFs', 'carry', 'BRAM', 'LUTRAM', 'DSP']),
    ...(withEst ? ['LUT est.', 'error'] : []),
    ...(perLayer && r.depth !== undefined ? ['depth'] : []),
    ...(withFmax ? ['fmax MHz'] : []),
  ];
  const rows = r.rows.map((x) => [
    x.name,
    perLayer ? x.module : String(x.instances),
    ...cells(x.figures, r.target),
    ...(withEst ? [x.lutsEstimate !== undefined ? fmtInt(x.lutsEstimate) : '', pct(x.lutsError)] : []),
    ...(perLayer && r.depth !== undefined ? [x.depth !== undefined ? String(x.depth) : ''] : []),
    ...(withFmax ? [fmaxText(x.fmax)] : []),
  ]);
  rows.push(['total', '', ...cells(r.total, r.target), ...(withEst ? [fmtInt(r.lutsEstimate), pct(r.estimateError)] : []), ...(perLayer && r.depth !== undefined ? [String(r.depth)] : []), ...(withFmax ? [''] : [])]);
  const align = head.map((_, i) => (i < 2 && !(i === 1 && !perLayer) ? 'left' : 'right') as 'left' | 'right');
  const est =
    r.estimateError !== undefined
      ? `${fmtInt(r.lutsEstimate)} LUTs estimated (${r.estimateFamily} model) vs ${fmtInt(r.total.luts)} synthesized (estimate ${pct(r.estimateError)})`
      : 'no LUT estimate (the generic target maps to gates, not LUTs)';
  const lines = [table(head, rows, align), ''];
  if (r.layers) {
    const lhead = ['layer', 'cores', ...head.slice(2, 2 + (generic ? 3 : 6)), ...(withEst ? ['LUT est.', 'error'] : [])];
    const lrows = r.layers.map((x) => [x.name, String(x.instances), ...cells(x.figures, r.target), ...(withEst ? [x.lutsEstimate !== undefined ? fmtInt(x.lutsEstimate) : '', pct(x.lutsError)] : [])]);
    const inLayers = r.layers.reduce((a, x) => a + (generic ? x.figures.gates : x.figures.luts), 0);
    lines.push(
      table(lhead, lrows, lhead.map((_, i) => (i === 0 ? 'left' : 'right'))),
      `per layer: the same run summed over each layer's cores; ${fmtInt((generic ? r.total.gates : r.total.luts) - inLayers)} ${generic ? 'gates' : 'LUTs'} in the top module itself`,
      '',
    );
  }
  lines.push(
    `design    ${dir} (top ${r.top}, ${perLayer ? 'each MVAU on its own' : 'whole design'}), target ${r.target}`,
    `estimate  ${est}`,
  );
  if (r.depth !== undefined) lines.push(`depth     ${r.depth} cells on the longest combinational path${perLayer ? ' (deepest layer)' : ''}`);
  if (r.fmax) lines.push(`fmax      ${'skipped' in r.fmax ? `not placed: ${r.fmax.skipped}` : `${r.fmax.mhz.toFixed(1)} MHz on iCE40 ${r.fmax.part} (nextpnr-ice40, ${fmtInt(r.fmax.lcs)} logic cells)`}`);
  lines.push(`yosys     ${r.yosys} (${r.engine}); ${r.runs} run(s), ${r.cacheHits} from the cache; scripts in ${dir}/synth/`);
  return lines.join('\n');
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
      const timeoutMin = intArg(argv.timeoutMin, 'timeout-min', 1, 10_000);
      if (argv.layer !== undefined && argv.perLayer !== true) fail('E_ARG', '--layer chooses layers of a --per-layer run; add --per-layer', { field: '--layer' });
      const r = await synthDesign(argv.design, {
        target: argv.target as StatTarget,
        perLayer: argv.perLayer === true,
        engine: argv.engine as 'auto' | 'native' | 'wasm',
        ...(jobs !== undefined ? { jobs } : {}),
        ...(argv.layer !== undefined ? { layers: argv.layer.map(String) } : {}),
        ...(argv.liberty !== undefined ? { liberty: argv.liberty } : {}),
        fmax: argv.fmax === undefined ? 'auto' : argv.fmax,
        ...(timeoutMin !== undefined ? { timeoutMs: timeoutMin * 60_000 } : {}),
        onProgress: (l) => out.note(l),
      });
      out.result({ design: argv.design, report: r });
      out.text(formatSynthReport(r, argv.design));
    },
  };
}
