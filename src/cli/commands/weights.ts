/** `bnext-rtl weights`: seeded random, calibrated weights in the official checkpoint layout. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { randomWeights } from '../../weights/random.js';
import { saveWeights } from '../../weights/save.js';
import { type CliContext, outputFor, resolveNetwork, seedArg, withExamples, withNetworkOptions } from '../options.js';
import { checkWritable } from '../output.js';
import { Progress } from '../progress.js';

function builder(y: Argv) {
  return withExamples(withNetworkOptions(y, 'input'), [
    ['$0 weights --size tiny --seed 1 --out tiny.safetensors', 'BNext-Tiny at 224, 1000 classes'],
    ['$0 weights --size tiny --input 32 --classes 10 --seed 7 --out t32.safetensors', 'a small CIFAR-style test network'],
  ])
    .option('seed', { type: 'string', requiresArg: true, describe: 'random seed (0 to 2^32-1); the same seed gives the same file' })
    .option('out', { type: 'string', requiresArg: true, describe: 'output .safetensors file (written atomically)' })
    .epilog(
      'Writes every state_dict entry of the official code (names, order, shapes, dtypes), so the file loads with\n' +
        'safetensors.torch.load_file + load_state_dict and with `bnext-rtl run --weights`.',
    );
}

/** The `weights` command. */
export function weightsCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'weights',
    describe: 'write seeded random weights (official .safetensors layout) for a network',
    builder,
    handler: (argv) => {
      const out = outputFor(ctx, argv);
      const net = resolveNetwork({ size: argv.size, network: argv.network, inputSize: argv.input, classes: argv.classes }, 'input');
      const seed = seedArg(argv.seed);
      if (seed === undefined) fail('E_ARG', '--seed is required (a whole number from 0 to 4294967295)', { field: '--seed' });
      const path = argv.out;
      if (path === undefined) fail('E_ARG', '--out is required (the .safetensors file to write)', { field: '--out' });
      checkWritable(path);
      const progress = new Progress(out);
      const ws = progress.run(`generating weights for ${net.name} (seed ${seed})`, () => randomWeights(net, seed));
      progress.run(`writing ${path}`, () => saveWeights(net, ws, path));
      out.result({ network: net.name, seed, out: path, tensors: ws.size });
      out.note(`wrote ${path} (${ws.size} tensors, network ${net.name}, seed ${seed})`);
    },
  };
}
