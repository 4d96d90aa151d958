/** `bnext-rtl report`: one self-contained HTML page about a design folder (or the report object with --json). */
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { buildDesignReport, DEFAULT_SQNR_IMAGES } from '../../report/build.js';
import { renderReportHtml } from '../../report/html.js';
import type { DesignReport } from '../../report/types.js';
import { type CliContext, intArg, outputFor, withExamples } from '../options.js';
import { checkWritable, fmtInt } from '../output.js';

function builder(y: Argv) {
  return withExamples(y, [
    ['$0 report --design rtl-out/mini', 'write rtl-out/mini/report.html: diagram, cycles, resources, power, SQNR, summary'],
    ['$0 report --design rtl-out/mini --out mini.html --no-sqnr', 'somewhere else, without computing the SQNR (faster for big designs)'],
    ['$0 report --design rtl-out/mini --json --no-sqnr', 'the report object as JSON on stdout (no HTML unless --out is given)'],
  ])
    .option('design', { type: 'string', requiresArg: true, demandOption: true, describe: 'design folder made by bnext-rtl generate' })
    .option('out', { type: 'string', requiresArg: true, describe: 'HTML file to write (default: <design>/report.html)' })
    .option('sqnr', { type: 'boolean', default: true, describe: 'include the integer-vs-float SQNR per layer (--no-sqnr leaves it out)' })
    .option('sqnr-images', { type: 'string', requiresArg: true, describe: `seeded random images for the SQNR (default ${DEFAULT_SQNR_IMAGES})` })
    .option('clock-mhz', { type: 'string', requiresArg: true, describe: "clock for frames/s and latency (default: the design's)" });
}

/** A positive number of MHz; E_ARG otherwise. */
function clockArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!(x > 0 && x <= 100000)) fail('E_ARG', `--clock-mhz must be a positive number of MHz up to 100000, got '${v}'`, { field: '--clock-mhz' });
  return x;
}

/** The summary printed after writing the page. */
export function formatReportSummary(r: DesignReport, file: string | undefined): string {
  const s = r.summary;
  const synth = r.synth.status === 'present' ? `synthesized (${r.synth.target}, ${r.synth.mode}): ${fmtInt(r.synth.total.luts)} LUTs, ${fmtInt(r.synth.total.ffs)} FFs` : 'not synthesized';
  return [
    ...(file ? [`wrote ${file}`] : []),
    `throughput    ${s.framesPerSecond.toFixed(1)} frames/s at ${s.clockMhz} MHz (${fmtInt(s.cyclesPerFrame)} cycles/frame, bottleneck ${s.bottleneck.layer})`,
    `latency       about ${fmtInt(s.latencyCycles)} cycles (${s.latencyUs >= 1000 ? `${(s.latencyUs / 1000).toFixed(2)} ms` : `${s.latencyUs.toFixed(1)} us`}, cycle-model estimate)`,
    `resources     about ${fmtInt(s.lutsEstimate)} LUTs (estimate); ${synth}; memory ${fmtInt(s.memoryBits.total)} bits`,
    `power         ${r.power.status === 'present' ? (s.energyPerInferencePj !== null ? `${fmtInt(s.energyPerInferencePj)} pJ per inference` : 'power report read') : 'no power report'}`,
    `SQNR          ${r.sqnr.status === 'present' ? `${r.layers.filter((l) => l.sqnr).length} layers, ${r.sqnr.source === 'computed' ? `computed on ${r.sqnr.images} image(s)` : `from ${r.sqnr.source}`}` : r.sqnr.reason}`,
    ...r.warnings.map((w) => `note: ${w}`),
  ].join('\n');
}

/** The `report` command. */
export function reportCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'report',
    describe: 'one self-contained HTML report of a design: dataflow diagram, cycles, resources, power, SQNR',
    builder,
    handler: async (argv) => {
      const out = outputFor(ctx, argv);
      const images = intArg(argv.sqnrImages, 'sqnr-images', 1, 1000);
      const clockMhz = clockArg(argv.clockMhz);
      if (argv.out !== undefined) checkWritable(argv.out);
      const file = argv.out ?? (out.json ? undefined : join(argv.design, 'report.html'));
      const r = await buildDesignReport(argv.design, {
        sqnr: argv.sqnr !== false,
        ...(images !== undefined ? { sqnrImages: images } : {}),
        ...(clockMhz !== undefined ? { clockMhz } : {}),
        onProgress: (l) => out.note(l),
      });
      if (file !== undefined) {
        checkWritable(file);
        writeFileAtomic(file, renderReportHtml(r));
      }
      out.result(r);
      out.text(formatReportSummary(r, file));
    },
  };
}
