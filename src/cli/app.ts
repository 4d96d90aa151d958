/**
 * The CLI: wires the commands and handles every error in one place.
 * - a BnextError prints its `format()` on stderr (with `--json`: `{ "error": ... }` on stdout), exit 1;
 * - a usage error (unknown option, missing value, no command) prints one line on stderr, exit 1;
 * - anything else is a bug: `internal error: ...` on stderr, the stack only with BNEXT_DEBUG=1, exit 2.
 */
import yargs from 'yargs';
import { BnextError } from '../diag.js';
import { infoCommand } from './commands/info.js';
import { irCommand } from './commands/ir.js';
import { quantReportCommand } from './commands/quant-report.js';
import { simCommand } from './commands/sim.js';
import { synthCommand } from './commands/synth.js';
import { estimateCommand } from './commands/estimate.js';
import { generateCommand } from './commands/generate.js';
import { doctorCommand } from './commands/doctor.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { powerCommand } from './commands/power.js';
import { weightsCommand } from './commands/weights.js';
import type { CliContext } from './options.js';
import { type CliIo, processIo } from './output.js';

/** Package version shown by `--version`. */
export const CLI_VERSION = '0.1.0';

/** A usage error reported by yargs (unknown option, missing value, no command). */
class UsageError extends Error {}

/** The command-line parser with every command registered (not yet parsed). */
function parser(args: readonly string[], ctx: CliContext) {
  return yargs([...args])
    .scriptName('bnext-rtl')
    .usage('$0 <command> [options]\n\nHardware generator for BNext binary neural networks.')
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .option('json', { type: 'boolean', global: true, describe: 'machine-readable output: one JSON document on stdout' })
    .option('quiet', { type: 'boolean', global: true, describe: 'no progress or notes; only the result and errors' })
    .command(infoCommand(ctx))
    .command(weightsCommand(ctx))
    .command(runCommand(ctx))
    .command(irCommand(ctx))
    .command(quantReportCommand(ctx))
    .command(generateCommand(ctx))
    .command(doctorCommand(ctx))
    .command(simCommand(ctx))
    .command(synthCommand(ctx))
    .command(powerCommand(ctx))
    .command(estimateCommand(ctx))
    .command(reportCommand(ctx))
    .demandCommand(1, 'choose a command: info, generate, sim, synth, power, estimate, run, weights, ir, quant-report, report or doctor')
    .recommendCommands()
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      if (err && err.name !== 'YError') throw err;
      throw new UsageError(msg ?? err?.message ?? 'invalid arguments');
    })
    .help()
    .alias('help', 'h')
    .version(CLI_VERSION)
    .wrap(Math.min(110, process.stdout.columns || 100));
}

/**
 * Runs the CLI on `args` (without `node` and the script path) and returns the exit code: 0 success,
 * 1 user error, 2 internal error. Nothing is thrown.
 */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  const json = args.includes('--json');
  try {
    let helpText = '';
    await parser(args, { io }).parseAsync([...args], {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (helpText) io.stdout(helpText.endsWith('\n') ? helpText : `${helpText}\n`);
    return 0;
  } catch (err) {
    if (err instanceof BnextError) {
      if (json) io.stdout(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
      else io.stderr(`${err.format()}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      const message = err.message.replace(/\s*\n\s*/g, ' ').trim();
      if (json) io.stdout(`${JSON.stringify({ error: { code: 'E_USAGE', message } }, null, 2)}\n`);
      else io.stderr(`error: ${message} (see bnext-rtl --help)\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    const debug = io.env['BNEXT_DEBUG'] === '1';
    if (json) io.stdout(`${JSON.stringify({ error: { code: 'INTERNAL', message } }, null, 2)}\n`);
    io.stderr(`internal error: ${message}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    else io.stderr('(this is a bug; run again with BNEXT_DEBUG=1 for the stack trace)\n');
    return 2;
  }
}
