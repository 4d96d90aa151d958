/** `bnext-rtl run`: classify a batch of images with a reference model; logits to a .npy file. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import type { Network } from '../../dsl/network.js';
import { checkFinite, readNpy, writeNpy } from '../../io/npy.js';
import { runFloatBatch } from '../../ref/float/index.js';
import { runIntBatch } from '../../ref/int.js';
import { reloadDesign } from '../../emit/reload.js';
import { simulateDesign } from '../../sim/design.js';
import type { QuantSettings } from '../../passes/quant-settings.js';
import { firstNonFinite, type Tensor } from '../../tensor.js';
import type { WeightSet } from '../../weights/types.js';
import {
  type CliContext,
  intArg,
  outputFor,
  resolveNetwork,
  resolveQuantArgs,
  resolveWeights,
  withExamples,
  withNetworkOptions,
  withQuantOptions,
  withWeightOptions,
} from '../options.js';
import { checkWritable, fmtInt } from '../output.js';
import { Progress, type ProgressTask } from '../progress.js';

/** Runs a batch [N, 3, H, W] through a model and returns logits [N, classes]. */
export type ModelRunner = (net: Network, ws: WeightSet, batch: Tensor, quant: QuantSettings) => Tensor | Promise<Tensor>;

/** The models `run --model` can use; adding one is one line here. */
export const MODEL_RUNNERS = {
  float: (net, ws, batch) => runFloatBatch(net, ws, batch),
  int: (net, ws, batch, quant) => runIntBatch(net, ws, batch, { quant }),
} satisfies Record<string, ModelRunner>;

/** A model name accepted by `run --model`. */
export type ModelKind = keyof typeof MODEL_RUNNERS;

const MODEL_KINDS = [...(Object.keys(MODEL_RUNNERS) as ModelKind[]), 'rtl'];

function builder(y: Argv) {
  return withExamples(withQuantOptions(withWeightOptions(withNetworkOptions(y, 'input-size'))), [
    ['$0 run --size tiny --weights tiny.safetensors --input images.npy --out logits.npy', 'BNext-Tiny at 224 with trained weights'],
    ['$0 run --size tiny --input-size 32 --classes 10 --seed 1 --input x.npy --out y.npy', 'random weights, 32x32 inputs'],
    ['$0 run --model rtl --design rtl-out/tiny32 --input x.npy --out rtl.npy', 'the logits of the generated RTL, simulated in Verilator'],
  ])
    .option('input', { type: 'string', requiresArg: true, describe: 'images: float32/float64 .npy of shape [N, 3, H, W], H = W = the network input size' })
    .option('out', { type: 'string', requiresArg: true, describe: 'logits: float32 .npy of shape [N, classes] (written atomically)' })
    .option('model', { type: 'string', choices: MODEL_KINDS, default: 'float', describe: 'float (PyTorch semantics), int (bit-exact integer model of the RTL) or rtl (Verilator simulation of --design)' })
    .option('design', { type: 'string', requiresArg: true, describe: 'with --model rtl: a folder made by bnext-rtl generate (it fixes the network and weights)' })
    .option('top', { type: 'string', requiresArg: true, describe: 'classes listed per image (default 5)' });
}

/** The k largest logits of row `n` as [class, logit], highest first (ties: lower class first). */
export function topK(logits: Tensor, n: number, k: number): { class: number; logit: number }[] {
  const classes = logits.shape[1]!;
  const row = logits.data.subarray(n * classes, (n + 1) * classes);
  const idx = Array.from({ length: classes }, (_, i) => i);
  idx.sort((a, b) => row[b]! - row[a]! || a - b);
  return idx.slice(0, Math.min(k, classes)).map((c) => ({ class: c, logit: row[c]! }));
}

/** Checks that `t` is an image batch [N, 3, H, W] for `net`; E_SHAPE naming the file otherwise. */
export function checkBatch(net: Network, t: Tensor, file: string): void {
  const [, h, w] = net.input;
  const ok = t.shape.length === 4 && t.shape[0]! >= 1 && t.shape[1] === 3 && t.shape[2] === h && t.shape[3] === w;
  if (!ok)
    fail(
      'E_SHAPE',
      `images must have shape [N, 3, ${h}, ${w}] for ${net.name}, got [${t.shape.join(', ')}]` +
        (t.shape.length === 4 && t.shape[2] === t.shape[3] && t.shape[2] !== h ? ` (for ${t.shape[2]}x${t.shape[3]} images choose --input-size ${t.shape[2]})` : ''),
      { file },
    );
}

/** The `run` command. */
export function runCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'run',
    describe: 'classify images (.npy) with a reference model; write logits (.npy), print the top classes',
    builder,
    handler: async (argv) => {
      const out = outputFor(ctx, argv);
      if (argv.model === 'rtl' && argv.design === undefined) fail('E_ARG', '--model rtl needs --design <folder made by bnext-rtl generate>', { field: '--design' });
      if (argv.model !== 'rtl' && argv.design !== undefined) fail('E_ARG', '--design goes with --model rtl', { field: '--design' });
      const rtl = argv.model === 'rtl' ? reloadDesign(argv.design!) : undefined;
      const net = rtl ? rtl.net : resolveNetwork({ size: argv.size, network: argv.network, inputSize: argv.inputSize, classes: argv.classes }, 'input-size');
      const quant = resolveQuantArgs(argv);
      if (argv.input === undefined) fail('E_ARG', '--input is required (the images, a .npy file)', { field: '--input' });
      if (argv.out === undefined) fail('E_ARG', '--out is required (the .npy file for the logits)', { field: '--out' });
      const k = intArg(argv.top, 'top', 1) ?? 5;
      const inputPath = argv.input;
      const outPath = argv.out;
      const progress = new Progress(out);
      const runner: ModelRunner = rtl
        ? async (_n, _w, batch) => {
            let task: ProgressTask | undefined;
            const r = await simulateDesign(rtl.design.graph, batch, {
              dir: argv.design!,
              onProgress: progress.lines(),
              onFrame: (done, total, cycles) => {
                task ??= progress.task('simulating', total, 'image(s)');
                task.update(done, `${fmtInt(cycles)} cycles`);
              },
            }).finally(() => (task ? task.end() : progress.end()));
            return r.logits;
          }
        : MODEL_RUNNERS[argv.model as ModelKind];

      const batch = progress.run(`reading ${inputPath}`, () => {
        const t = readNpy(inputPath);
        checkBatch(net, t, inputPath);
        checkFinite(t, inputPath);
        return t;
      });
      checkWritable(outPath);
      const ws = rtl ? new Map() : resolveWeights(net, argv, progress);
      const n = batch.shape[0]!;
      out.note(`running the ${argv.model} model on ${n} image(s)`);
      const logits = await runner(net, ws, batch, quant);
      if (logits.shape.length !== 2 || logits.shape[0] !== n || logits.shape[1] !== net.classes)
        throw new Error(`model '${argv.model}' returned logits of shape [${logits.shape.join(', ')}], expected [${n}, ${net.classes}]`);
      const bad = firstNonFinite(logits.data);
      if (bad >= 0) {
        const [img, cls] = [Math.floor(bad / net.classes), bad % net.classes];
        fail('E_NAN', `the ${argv.model} model produced ${logits.data[bad]} for image ${img}, class ${cls}; nothing was written`, {
          file: argv.weights ?? `--seed ${argv.seed}`,
        });
      }
      progress.run(`writing ${outPath}`, () => writeNpy(outPath, logits));

      const tops = Array.from({ length: n }, (_, i) => topK(logits, i, k));
      out.result({ network: net.name, model: argv.model, out: outPath, shape: [n, net.classes], top: tops });
      if (!out.quiet)
        out.text(tops.map((t, i) => `image ${i}: ${t.map((e) => `${e.class} (${e.logit.toFixed(4)})`).join(', ')}`).join('\n'));
    },
  };
}
