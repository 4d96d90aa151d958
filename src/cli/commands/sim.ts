/** `bnext-rtl sim`: co-simulate RTL in Verilator against the integer reference model. */
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { caseKinds, caseParams, opCase } from '../../sim/op-cases.js';
import { describeMismatch, simulateOp } from '../../sim/op.js';
import { checkFinite, readNpy } from '../../io/npy.js';
import { reloadDesign } from '../../emit/reload.js';
import { DEFAULT_MEM_LATENCY, simulateDesign } from '../../sim/design.js';
import { checkBatch } from './run.js';
import { checkWritable, fmtInt, type Output } from '../output.js';
import { type CliContext, intArg, outputFor, seedArg, withExamples } from '../options.js';
import { Progress, type ProgressTask } from '../progress.js';

function builder(y: Argv) {
  return withExamples(y, [
    ['$0 sim --design rtl-out/bnext-tiny-32 --input x.npy --stall 0.3', 'a generated design, end to end, against the integer model'],
    ['$0 sim --design rtl-out/bnext-tiny-32 --input x.npy --wave tiny.fst', 'with a waveform for GTKWave (cores under TOP.<top>, listed per layer in manifest.json)'],
    ['$0 sim --op affine', 'one op with default parameters, no stalls'],
    ['$0 sim --op affine --params \'{"channels": 16, "par": 4}\' --stall 0.3 --seed 7 --frames 3', 'random gaps and back-pressure'],
    ['$0 sim --op mvau --params \'{"mode": "xnor", "channels": 8, "rows": 8, "kernel": 3, "stride": 2, "pe": 8, "simd": 4}\'', 'a binary 3x3 convolution fed by its sliding window'],
  ])
    .option('design', { type: 'string', requiresArg: true, describe: 'a design folder made by bnext-rtl generate' })
    .option('input', { type: 'string', requiresArg: true, describe: 'with --design: images, .npy [N, 3, H, W]' })
    .option('wave', { type: 'string', requiresArg: true, describe: 'with --design: write an FST waveform here (a .fst file; manifest layers[].instances names each layer\'s cores in it)' })
    .option('mem-latency', { type: 'string', requiresArg: true, describe: `with --design: read latency of the simulated external memory in cycles (default ${DEFAULT_MEM_LATENCY}; the design keeps full rate up to the latency it was generated for, manifest externalMemory.latencyCycles)` })
    .option('clock-mhz', { type: 'string', requiresArg: true, describe: 'clock for the frames/s figure (default: the design manifest)' })
    .option('op', { type: 'string', requiresArg: true, describe: `op kind to check: ${caseKinds().join(', ')}` })
    .option('params', {
      type: 'string',
      requiresArg: true,
      describe: `JSON object of case parameters (formats like "s10.4"); per op: ${caseKinds()
        .map((k) => `${k}: ${caseParams(k).join(', ')}`)
        .join('; ')}`,
    })
    .option('stall', { type: 'string', requiresArg: true, describe: 'probability of an input gap and of output back-pressure per cycle (0..0.9, default 0)' })
    .option('seed', { type: 'string', requiresArg: true, describe: 'seed of the random case and stalls (default 1)' })
    .option('frames', { type: 'string', requiresArg: true, describe: 'frames streamed back to back (default 2)' });
}

/** The `sim` command. */
export function simCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'sim',
    describe: 'co-simulate RTL in Verilator against the integer model (a design with --design, one op with --op)',
    builder,
    handler: async (argv) => {
      const out = outputFor(ctx, argv);
      if (argv.design !== undefined) return simDesign(out, argv);
      if (argv.op === undefined) fail('E_ARG', `choose what to simulate: --design <folder> or --op <${caseKinds().join('|')}>`, { field: '--op' });
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
      if (argv.wave !== undefined) fail('E_ARG', '--wave goes with --design (an op writes a waveform by itself when it mismatches)', { field: '--wave' });
      const c = opCase(argv.op, params, seed);
      const t0 = Date.now();
      const progress = new Progress(out);
      const r = await simulateOp(c.node, c.inputs, Array.from({ length: frames }, (_, k) => c.frame(k)), { stall, seed, context: c.context, onProgress: progress.lines() }).finally(() =>
        progress.end(),
      );
      const seconds = (Date.now() - t0) / 1000;
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

/** The scope of the design's top in a waveform: the top, or the top inside its simulation wrapper. */
export function waveScope(top: string, wrapper: string | undefined): string {
  return wrapper ? `${wrapper}.u_dut` : top;
}

/** `sim --design`: end-to-end simulation of a generated design folder. */
async function simDesign(
  out: Output,
  argv: { design?: string; input?: string; stall?: string; seed?: string; wave?: string; clockMhz?: string; memLatency?: string },
): Promise<void> {
  if (argv.input === undefined) fail('E_ARG', '--input is required with --design (the images, a .npy file)', { field: '--input' });
  const stall = argv.stall === undefined ? 0 : Number(argv.stall);
  if (!(stall >= 0 && stall <= 0.9)) fail('E_ARG', `--stall must be a number from 0 to 0.9, got '${argv.stall}'`, { field: '--stall' });
  const seed = seedArg(argv.seed) ?? 1;
  const memLatency = intArg(argv.memLatency, 'mem-latency', 1, 65_535);
  if (argv.wave !== undefined) {
    if (!argv.wave.endsWith('.fst')) fail('E_ARG', `--wave writes an FST waveform; name a .fst file, got '${argv.wave}'`, { field: '--wave' });
    checkWritable(argv.wave);
  }
  const t0 = Date.now();
  const progress = new Progress(out);
  const { design, net } = progress.run(`rebuilding the graph of ${argv.design}`, () => reloadDesign(argv.design!));
  const batch = readNpy(argv.input);
  checkBatch(net, batch, argv.input);
  checkFinite(batch, argv.input);
  const clockMhz = argv.clockMhz !== undefined ? Number(argv.clockMhz) : design.manifest.performance.clockMhz;
  let task: ProgressTask | undefined;
  const r = await simulateDesign(design.graph, batch, {
    stall,
    seed,
    clockMhz,
    dir: argv.design!,
    ...(memLatency !== undefined ? { memLatency } : {}),
    ...(argv.wave ? { wave: argv.wave } : {}),
    onProgress: progress.lines(),
    onFrame: (done, total, cycles) => {
      task ??= progress.task('simulating', total, 'image(s)');
      task.update(done, `${fmtInt(cycles)} cycles`);
    },
  }).finally(() => (task ? task.end() : progress.end()));
  const model = design.manifest.performance.cyclesPerFrame;
  const { logits: _l, ...summary } = r;
  void _l;
  const wave = argv.wave ? { wave: { file: argv.wave, scope: `TOP.${waveScope(design.manifest.top, design.emitted.sim?.top)}` } } : {};
  out.result({ design: argv.design, stall, seed, modelCyclesPerFrame: model, seconds: (Date.now() - t0) / 1000, ...summary, ...wave });
  const n = r.images.length;
  out.text(
    [
      `${r.pass ? 'PASS' : 'FAIL'} ${design.manifest.top}: ${r.images.filter((i) => i.match).length}/${n} image(s) bit-exact against the integer model (stall ${stall}, seed ${seed})`,
      ...r.images.filter((i) => !i.match).slice(0, 5).map((i) => `  image ${i.index}: ${i.mismatches.length} logit(s) differ, e.g. class ${i.mismatches[0]?.cls}: expected ${i.mismatches[0]?.expected}, got ${i.mismatches[0]?.got}`),
      `  cycles per frame ${Number.isFinite(r.cyclesPerFrame) ? Math.round(r.cyclesPerFrame) : 'n/a (one image)'} measured, ${model} modelled` +
        (Number.isFinite(r.cyclesPerFrame) ? ` (${((r.cyclesPerFrame / model - 1) * 100).toFixed(1)} %)` : ''),
      `  latency ${r.latencyCycles} cycles; ${r.framesPerSecond.toFixed(1)} frames/s at ${clockMhz} MHz`,
      `  simulation ${r.cycles} cycles in ${r.simSeconds.toFixed(1)} s (${(r.cyclesPerSecond / 1e6).toFixed(2)} M cycles/s), build ${r.buildSeconds.toFixed(1)} s`,
      ...(argv.wave ? [`  waveform ${argv.wave}: each layer's cores under TOP.${waveScope(design.manifest.top, design.emitted.sim?.top)}, listed in manifest.json layers[].instances`] : []),
    ].join('\n'),
  );
  if (!r.pass) fail('E_SIM', `${n - r.images.filter((i) => i.match).length} image(s) differ from the integer model`);
}
