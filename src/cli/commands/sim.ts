/** `bnext-rtl sim`: co-simulate RTL in Verilator against the integer reference model. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { caseKinds, opCase } from '../../sim/op-cases.js';
import { describeMismatch, simulateOp } from '../../sim/op.js';
import { type CliContext, intArg, outputFor, seedArg, withExamples } from '../options.js';
import { Progress } from '../progress.js';

function builder(y: Argv) {
  return withExamples(y, [
    ['$0 sim --op affine', 'one op with default parameters, no stalls'],
    ['$0 sim --op affine --params \'{"channels": 16, "par": 4}\' --stall 0.3 --seed 7 --frames 3', 'random gaps and back-pressure'],
  ])
    .option('op', { type: 'string', requiresArg: true, describe: `op kind to check: ${caseKinds().join(', ')}` })
    .option('params', { type: 'string', requiresArg: true, describe: 'JSON object: channels, height, width, par, inWidth, outWidth, slope' })
    .option('stall', { type: 'string', requiresArg: true, describe: 'probability of an input gap and of output back-pressure per cycle (0..0.9, default 0)' })
    .option('seed', { type: 'string', requiresArg: true, describe: 'seed of the random case and stalls (default 1)' })
    .option('frames', { type: 'string', requiresArg: true, describe: 'frames streamed back to back (default 2)' });
}

/** The `sim` command. */
export function simCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'sim',
    describe: 'co-simulate RTL in Verilator against the integer model (one op with --op)',
    builder,
    handler: async (argv) => {
      const out = outputFor(ctx, argv);
      if (argv.op === undefined) fail('E_ARG', `choose what to simulate: --op <${caseKinds().join('|')}>`, { field: '--op' });
      let params: unknown = {};
      if (argv.params !== undefined) {
        try {
          params = JSON.parse(argv.params);
        } catch (e) {
          fail('E_ARG', `--params is not valid JSON: ${(e as Error).message}`, { field: '--params' });
        }
      }
      const stall = argv.stall === undefined ? 0 : Number(argv.stall);
      if (!(stall >= 0 && stall <= 0.9)) fail('E_ARG', `--stall must be a number from 0 to 0.9, got '${argv.stall}'`, { field: '--stall' });
      const seed = seedArg(argv.seed) ?? 1;
      const frames = intArg(argv.frames, 'frames', 1, 1000) ?? 2;
      const c = opCase(argv.op, params, seed);
      const progress = new Progress(out);
      const t0 = Date.now();
      const r = await simulateOp(c.node, c.inputs, Array.from({ length: frames }, (_, k) => c.frame(k)), { stall, seed, context: c.context, onProgress: (m) => out.note(m) });
      const seconds = (Date.now() - t0) / 1000;
      void progress;
      out.result({ ...r, stall, seed, frames, seconds });
      out.text(
        [
          `${r.pass ? 'PASS' : 'FAIL'} ${argv.op} (${r.module}) shape ${c.node.shape.join('x')} par ${c.node.par}, stall ${stall}, seed ${seed}`,
          `  transactions ${r.beats} beats over ${frames} frame(s), ${r.mismatches.length} mismatch(es)`,
          `  cycles measured ${r.cycles}, model ${r.modelCycles}${stall === 0 ? ` (${((r.cycles / r.modelCycles - 1) * 100).toFixed(1)} % over)` : ' (stalled)'}`,
          ...r.mismatches.slice(0, 10).map((m) => `  ${describeMismatch(r.op, m)}`),
          ...(r.wave ? [`  waveform: ${r.wave}`] : []),
        ].join('\n'),
      );
      if (!r.pass) return fail('E_SIM', `${argv.op}: ${r.mismatches.length} mismatch(es) against the integer model`);
    },
  };
}
