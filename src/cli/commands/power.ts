/** `bnext-rtl power`: power and energy per inference of a design folder from simulated activity. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import type { PowerFigures, PowerReport, PowerTech } from '../../power/report.js';
import { powerDesign } from '../../power/run.js';
import { type CliContext, intArg, outputFor, seedArg, withExamples } from '../options.js';
import { fmtInt, table } from '../output.js';

function builder(y: Argv) {
  return withExamples(y, [
    ['$0 power --design rtl-out/bnext-tiny-32 --input x.npy --clock-mhz 100', 'OSU 0.18 um gate-level model from the activity of real images'],
    ['$0 power --design rtl-out/bnext-tiny-32 --tech fpga --seed 3 --images 4', 'FPGA (VTR 40 nm) figures from four seeded random images'],
    ['$0 power --design rtl-out/bnext-tiny-32 --tech 45nm --json', 'the analytic 45 nm cross-check, as JSON'],
    ['$0 power --design rtl-out/mini --liberty cells.lib --cells cells.v', 'another Liberty library (with the Verilog models of its cells)'],
  ])
    .option('design', { type: 'string', requiresArg: true, demandOption: true, describe: 'design folder made by bnext-rtl generate' })
    .option('input', { type: 'string', requiresArg: true, describe: 'images, .npy [N, 3, H, W] (default: --images seeded random images)' })
    .option('clock-mhz', { type: 'string', requiresArg: true, describe: 'clock frequency (default: the design manifest)' })
    .option('tech', { type: 'string', requiresArg: true, choices: ['osu018', 'fpga', '45nm'], default: 'osu018', describe: 'energy model: gate-level OSU 0.18 um, FPGA literature figures, or 45 nm operation energies' })
    .option('liberty', { type: 'string', requiresArg: true, describe: 'osu018: another Liberty library (path relative to the working directory)' })
    .option('cells', { type: 'string', requiresArg: true, describe: 'with --liberty: the Verilog models of its cells, for the gate-level simulation' })
    .option('seed', { type: 'string', requiresArg: true, describe: 'seed of the random images (default 1)' })
    .option('images', { type: 'string', requiresArg: true, describe: 'number of random images without --input (default 2)' });
}

const f3 = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));
const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);

/** The report as a table per layer plus totals. */
export function formatPowerReport(r: PowerReport): string {
  const head = ['layer', 'dyn mW', 'static mW', 'uJ/inf', 'vectorless', 'binary mW', 'real mW', 'memory mW', 'data toggles'];
  const row = (name: string, a: PowerFigures, v: PowerFigures, t: number | null) => [
    name,
    f3(a.dynamicMw),
    f3(a.staticMw),
    f3(a.energyPj * 1e-6),
    f3(v.energyPj * 1e-6),
    f3(a.split.binary),
    f3(a.split.real),
    f3(a.split.memory),
    pct(t),
  ];
  const rows = r.layers.map((l) => row(l.name, l, l.vectorless, l.toggleRate.datapath));
  const t = r.total;
  rows.push(row('total', t, r.vectorless, r.toggleRate.datapath));
  const src = r.input.source === 'file' ? `${r.input.file ?? 'images'}` : `random images (seed ${r.input.seed})`;
  return [
    table(head, rows, head.map((_, i) => (i === 0 ? 'left' : 'right'))),
    '(uJ per inference from the activity and vectorless; the split of the total power by where it is spent)',
    '',
    `design      ${r.design} (top ${r.top}); ${r.input.images} inference(s) of ${src}${r.simulation.pass ? '' : '; the RTL differed from the integer model!'}`,
    `model       ${r.tech}: ${r.model.name}${r.model.voltage !== undefined ? ` at ${r.model.voltage} V` : ''}`,
    `clock       ${r.clockMhz} MHz: ${fmtInt(r.simulation.cyclesPerFrame)} cycles per inference, ${r.simulation.framesPerSecond.toFixed(1)} inferences/s`,
    `total       ${f3(t.totalMw)} mW, ${f3(t.energyPj * 1e-6)} uJ per inference; vectorless (${(r.vectorlessToggleRate * 100).toFixed(1)} % toggle rate) ${f3(r.vectorless.totalMw)} mW, ${f3(r.vectorless.energyPj * 1e-6)} uJ`,
    `45 nm       ${f3(r.crossCheck45nm.energyPj * 1e-6)} uJ per inference (operation counts x Horowitz ISSCC 2014 energies)`,
    ...r.model.notes.map((n) => `note        ${n}`),
    `report      ${r.design}/power/report.json`,
  ].join('\n');
}

/** The `power` command. */
export function powerCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'power',
    describe: 'power and energy per inference of a design folder from simulated activity (OSU 0.18 um, FPGA or 45 nm models)',
    builder,
    handler: async (argv) => {
      const out = outputFor(ctx, argv);
      const tech = argv.tech as PowerTech;
      const clockMhz = argv.clockMhz !== undefined ? Number(argv.clockMhz) : undefined;
      if (clockMhz !== undefined && !(Number.isFinite(clockMhz) && clockMhz > 0 && clockMhz <= 10_000))
        fail('E_ARG', `--clock-mhz must be a number of MHz above 0 and at most 10000, got '${argv.clockMhz}'`, { field: '--clock-mhz' });
      if (argv.cells !== undefined && argv.liberty === undefined) fail('E_ARG', '--cells goes with --liberty (the Verilog models of that library)', { field: '--cells' });
      if (argv.input !== undefined && (argv.seed !== undefined || argv.images !== undefined))
        fail('E_ARG', '--seed and --images choose random images; they do not apply with --input', { field: argv.seed !== undefined ? '--seed' : '--images' });
      const seed = seedArg(argv.seed);
      const images = intArg(argv.images, 'images', 1, 1000);
      const t0 = Date.now();
      const r = await powerDesign(argv.design, {
        tech,
        ...(clockMhz !== undefined ? { clockMhz } : {}),
        ...(argv.input !== undefined ? { input: argv.input } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(images !== undefined ? { images } : {}),
        ...(argv.liberty !== undefined ? { liberty: argv.liberty } : {}),
        ...(argv.cells !== undefined ? { cellModels: argv.cells } : {}),
        onProgress: (l) => out.note(l),
      });
      out.result({ ...r, seconds: (Date.now() - t0) / 1000 });
      out.text(formatPowerReport(r));
    },
  };
}
