/** `bnext-rtl quant-report`: integer model vs float model, per layer and for the logits. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { checkFinite, readNpy } from '../../io/npy.js';
import { compileHw } from '../../ref/int.js';
import { quantReport } from '../../ref/quant-report.js';
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
import { table } from '../output.js';
import { Progress } from '../progress.js';
import { checkBatch } from './run.js';

function builder(y: Argv) {
  return withExamples(withQuantOptions(withWeightOptions(withNetworkOptions(y, 'input-size'))), [
    ['$0 quant-report --size tiny --input-size 32 --classes 10 --seed 1 --input x.npy', 'default formats'],
    ['$0 quant-report --size tiny --weights tiny.safetensors --input images.npy --q-se 4', 'the published 4-bit SE setting'],
  ]).option('input', { type: 'string', requiresArg: true, describe: 'images: .npy of shape [N, 3, H, W]' });
}

const db = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : 'exact');

/** The `quant-report` command. */
export function quantReportCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'quant-report',
    describe: 'per-layer SQNR of the integer model, and logit agreement with the float model',
    builder,
    handler: (argv) => {
      const out = outputFor(ctx, argv);
      const net = resolveNetwork({ size: argv.size, network: argv.network, inputSize: argv.inputSize, classes: argv.classes }, 'input-size');
      if (argv.input === undefined) fail('E_ARG', '--input is required (the images, a .npy file)', { field: '--input' });
      const progress = new Progress(out);
      const quant = resolveQuantArgs(argv);
      const batch = readNpy(argv.input);
      checkBatch(net, batch, argv.input);
      checkFinite(batch, argv.input);
      const ws = resolveWeights(net, argv, progress);
      const g = progress.run(`quantizing ${net.name}`, () => compileHw(net, ws, { quant }));
      const r = progress.run(`comparing on ${batch.shape[0]} image(s)`, () => quantReport(net, ws, g, batch));
      out.result(r);
      out.text(
        [
          table(
            ['layer', 'node', 'format', 'SQNR dB', 'own SQNR dB'],
            r.layers.map((l) => [l.layer, l.node, l.format, db(l.sqnrDb), db(l.localSqnrDb)]),
            ['left', 'left', 'left', 'right', 'right'],
          ),
          '',
          'SQNR: end to end. own SQNR: the integer layer fed the float values of its inputs (its own quantization error).',
          '',
          `logits: min cosine ${r.logits.minCosine.toFixed(6)}, max abs error ${r.logits.maxAbsError.toFixed(4)}, top-1 agreement ${r.logits.top1Agree}/${r.images}`,
          `network's own sensitivity: the float model with input noise of sigma ${r.noiseBaseline.sigma.toExponential(2)} (the input quantization's RMS error): ` +
            `min cosine ${r.noiseBaseline.minCosine.toFixed(6)}, top-1 agreement ${r.noiseBaseline.top1Agree}/${r.images}`,
        ].join('\n'),
      );
    },
  };
}
