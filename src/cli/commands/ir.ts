/** `bnext-rtl ir`: the canonical text dump of a network's dataflow IR at a chosen stage. */
import type { Argv, CommandModule } from 'yargs';
import type { Graph } from '../../ir/graph.js';
import { OPS } from '../../ir/ops/index.js';
import { printGraph } from '../../ir/print.js';
import { compile } from '../../passes/index.js';
import { compileHw } from '../../ref/int.js';
import { writeFileAtomic } from '../../io/atomic.js';
import {
  type CliContext,
  outputFor,
  resolveNetwork,
  resolveQuantArgs,
  resolveWeights,
  withExamples,
  withNetworkOptions,
  withQuantOptions,
  withWeightOptions,
} from '../options.js';
import { Progress } from '../progress.js';

const STAGES = ['float-hw', 'hw'] as const;

function builder(y: Argv) {
  return withExamples(withQuantOptions(withWeightOptions(withNetworkOptions(y, 'input'))), [
    ['$0 ir --size tiny --input 32 --classes 10 --seed 1', 'quantized hardware graph of a small BNext-Tiny'],
    ['$0 ir --size bnext18 --input 64 --seed 1 --stage float-hw', 'the folded graph before quantization'],
    ['$0 ir --ops', 'list the op kinds with their meaning'],
  ])
    .option('stage', { type: 'string', choices: STAGES, default: 'hw', describe: 'float-hw: folded, still real-valued; hw: quantized (what the RTL computes)' })
    .option('out', { type: 'string', requiresArg: true, describe: 'write the dump to a file instead of stdout' })
    .option('ops', { type: 'boolean', describe: 'list the op kinds and exit' });
}

/** The `ir` command. */
export function irCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'ir',
    describe: 'print the dataflow IR of a network (canonical text dump, stable to diff)',
    builder,
    handler: (argv) => {
      const out = outputFor(ctx, argv);
      if (argv.ops) {
        const kinds = Object.entries(OPS).map(([k, v]) => ({ kind: k, summary: v.summary }));
        out.result({ ops: kinds });
        out.text(kinds.map((k) => `${k.kind.padEnd(10)} ${k.summary}`).join('\n'));
        return;
      }
      const net = resolveNetwork({ size: argv.size, network: argv.network, inputSize: argv.input, classes: argv.classes }, 'input');
      const progress = new Progress(out);
      const ws = resolveWeights(net, argv, progress);
      const quant = resolveQuantArgs(argv);
      const g: Graph = progress.run(`compiling ${net.name} to the ${argv.stage} stage`, () =>
        argv.stage === 'hw' ? compileHw(net, ws, { quant }) : compile(net, ws, 'float-hw'),
      );
      const text = printGraph(g);
      if (argv.out !== undefined) {
        writeFileAtomic(argv.out, text);
        out.note(`wrote ${argv.out} (${g.nodes.length} nodes)`);
      }
      out.result({ network: net.name, stage: argv.stage, passes: g.passes, nodes: g.nodes.length, ...(argv.out ? { out: argv.out } : { dump: text }) });
      if (argv.out === undefined) out.text(text.trimEnd());
    },
  };
}
