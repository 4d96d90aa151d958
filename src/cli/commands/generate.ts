/** `bnext-rtl generate`: a complete streaming accelerator for a network, as a self-contained folder. */
import { createHash } from 'node:crypto';
import type { Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { readFileChecked } from '../../io/atomic.js';
import { checkDesignTarget, DEFAULT_CLOCK_MHZ, DEFAULT_EXT_MEM_THRESHOLD_BITS, DEFAULT_TARGET_FPS, generateDesign, writeDesign, type FoldChoice } from '../../emit/design.js';
import { DEFAULT_VECTOR_COUNT, MAX_VECTOR_COUNT } from '../../package/index.js';
import { FoldFileSchema } from '../../passes/fold.js';
import {
  type CliContext,
  intArg,
  outputFor,
  resolveNetwork,
  resolveQuantArgs,
  resolveWeights,
  seedArg,
  withExamples,
  withNetworkOptions,
  withQuantOptions,
  withWeightOptions,
} from '../options.js';
import { fmtInt, table } from '../output.js';
import { Progress } from '../progress.js';

/** Largest input size that gets test vectors by default (they cost an integer-model run per image). */
const VECTORS_MAX_INPUT = 64;

function builder(y: Argv) {
  return withExamples(withQuantOptions(withWeightOptions(withNetworkOptions(y, 'input'))), [
    ['$0 generate --size tiny', 'BNext-Tiny at 224 with seeded random weights, folded for 100 frames/s at 200 MHz'],
    ['$0 generate --size tiny --input 32 --classes 10 --seed 1 --target-fps 2000 --out rtl-out/tiny32', 'a small design to simulate'],
    ['$0 generate --size tiny --weights tiny.safetensors --fold fold.json', 'your own folding: {"default": {"par": 2}, "layers": {"feature.3.Attention": {"pe": 16, "simd": 32}}}'],
    ['$0 generate --size small --budget-luts 200000', 'best throughput under a LUT budget'],
    ['$0 generate --size tiny --input 32 --classes 10 --seed 1 --vectors 8 --out rtl-out/t32 && make -C rtl-out/t32/sim', '8 test images, checked by the standalone Verilator testbench'],
    ['$0 generate --size tiny --ext-mem-threshold none', 'every map buffer on chip (no external memory ports)'],
    ['$0 generate --size tiny --weights-mode stream', 'MVAU weights from top-level weight streams instead of ROMs'],
  ])
    .option('fold', { type: 'string', requiresArg: true, default: 'auto', describe: "'auto' or a fold.json file (per-layer par, pe, simd, vpar)" })
    .option('target-fps', { type: 'string', requiresArg: true, describe: `automatic folding: frames/s to reach (default ${DEFAULT_TARGET_FPS})` })
    .option('clock-mhz', { type: 'string', requiresArg: true, describe: `clock for --target-fps and the reports (default ${DEFAULT_CLOCK_MHZ})` })
    .option('budget-luts', { type: 'string', requiresArg: true, describe: 'automatic folding: the best throughput whose LUT estimate fits this budget' })
    .option('weights-mode', {
      type: 'string',
      choices: ['rom', 'stream'],
      default: 'rom',
      describe:
        "rom: MVAU weights in ROMs initialised from mem/*.mem; stream: each MVAU reads a top-level weight stream w_<mvau>_{tvalid,tready,tdata} fed with the words of its mem file once per output pixel (manifest weightStreams; the SE and classifier layers keep ROMs)",
    })
    .option('ext-mem-threshold', {
      type: 'string',
      requiresArg: true,
      describe: `map buffers (FIFOs) whose RAM exceeds this many bits get an external memory port ext_<fifo>_* (write/read request channels with byte address and data, write-done and read-response channels; manifest externalMemory lists regions and bandwidth) instead of on-chip RAM; 'none' or 0 keeps all on chip (default ${DEFAULT_EXT_MEM_THRESHOLD_BITS} = 1 Mbit)`,
    })
    .option('vectors', { type: 'string', requiresArg: true, describe: `images in sim/vectors for the standalone testbench, with the integer model's logits (default ${DEFAULT_VECTOR_COUNT} for inputs up to ${VECTORS_MAX_INPUT}x${VECTORS_MAX_INPUT}, none above; 0: none)` })
    .option('out', { type: 'string', requiresArg: true, describe: 'output folder (default rtl-out/<network name>)' })
    .option('force', { type: 'boolean', describe: 'replace an existing output folder' });
}

/** `--ext-mem-threshold`: bits, or 'none' (= 0, every FIFO on chip); the default when absent. */
function extMemThresholdArg(v: string | undefined): number {
  if (v === undefined) return DEFAULT_EXT_MEM_THRESHOLD_BITS;
  const t = v.trim();
  if (t === 'none') return 0;
  const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(n)) fail('E_ARG', `--ext-mem-threshold must be a number of bits (0 or more) or 'none', got '${v}'`, { field: '--ext-mem-threshold' });
  return n;
}

/** The `generate` command. */
export function generateCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'generate',
    describe: 'generate the RTL of a streaming accelerator for a network (folder with RTL, memories, manifest)',
    builder,
    handler: (argv) => {
      const out = outputFor(ctx, argv);
      const net = resolveNetwork({ size: argv.size, network: argv.network, inputSize: argv.input, classes: argv.classes }, 'input');
      const dir = argv.out ?? `rtl-out/${net.name}`;
      checkDesignTarget(dir, argv.force === true);
      const progress = new Progress(out);
      // Test vectors run the integer model: at 224 that is most of the generation time (BNext-Large:
      // 52 s for two images against 37 s for the rest), so large inputs get them only on request.
      const vectors = intArg(argv.vectors, 'vectors', 0, MAX_VECTOR_COUNT) ?? (net.input[1]! <= VECTORS_MAX_INPUT ? DEFAULT_VECTOR_COUNT : 0);
      const quant = resolveQuantArgs(argv);
      const clockMhz = argv.clockMhz !== undefined ? Number(argv.clockMhz) : DEFAULT_CLOCK_MHZ;
      if (!(clockMhz > 0 && clockMhz <= 2000)) fail('E_ARG', `--clock-mhz must be a number in (0, 2000], got '${argv.clockMhz}'`, { field: '--clock-mhz' });
      const extMemThresholdBits = extMemThresholdArg(argv.extMemThreshold);
      const weightsMode = argv.weightsMode === 'stream' ? 'stream' : 'rom';
      let fold: FoldChoice;
      if (argv.fold !== 'auto') {
        if (argv.targetFps !== undefined || argv.budgetLuts !== undefined)
          fail('E_ARG', '--target-fps and --budget-luts choose an automatic folding; they do not combine with a fold file', { field: '--fold' });
        let raw: unknown;
        try {
          raw = JSON.parse(readFileChecked(argv.fold).toString('utf8'));
        } catch (e) {
          if (e instanceof Error && e.name === 'BnextError') throw e;
          fail('E_FOLD', `not valid JSON: ${(e as Error).message}`, { file: argv.fold });
        }
        const r = FoldFileSchema.safeParse(raw);
        if (!r.success) {
          const i = r.error.issues[0]!;
          fail('E_FOLD', i.message, { file: argv.fold, field: i.path.join('.') || '(root)' });
        }
        fold = { kind: 'file', config: r.data, file: argv.fold };
      } else if (argv.budgetLuts !== undefined) {
        if (argv.targetFps !== undefined) fail('E_ARG', 'give either --target-fps or --budget-luts, not both', { field: '--budget-luts' });
        fold = { kind: 'luts', budgetLuts: intArg(argv.budgetLuts, 'budget-luts', 100)!, clockMhz };
      } else {
        const fps = argv.targetFps !== undefined ? Number(argv.targetFps) : DEFAULT_TARGET_FPS;
        if (!(fps > 0)) fail('E_ARG', `--target-fps must be a positive number, got '${argv.targetFps}'`, { field: '--target-fps' });
        fold = { kind: 'fps', targetFps: fps, clockMhz };
      }
      const seed = argv.weights === undefined && argv.seed === undefined ? 0 : seedArg(argv.seed);
      if (argv.weights === undefined && argv.seed === undefined) out.note('no --weights or --seed given: using seeded random weights (--seed 0)');
      const ws = resolveWeights(net, { weights: argv.weights, seed: argv.weights === undefined ? String(seed) : undefined }, progress);
      const weights =
        argv.weights !== undefined ? { file: argv.weights, sha256: createHash('sha256').update(readFileChecked(argv.weights)).digest('hex') } : { seed: seed! };
      const recipe = argv.network !== undefined ? { network: argv.network } : { size: argv.size, input: net.input[1], classes: net.classes };
      const d = progress.run(`generating ${net.name}`, () => generateDesign({ net, ws, weights, quant, fold, recipe, extMemThresholdBits, weightsMode }));
      const m = progress.run(`writing ${dir}${vectors ? ` (${vectors} test image(s) through the integer model)` : ''}`, () => writeDesign(dir, d, argv.force === true, { vectors }));
      out.result({ out: dir, manifest: m });
      out.text(
        [
          table(
            ['layer', 'pe', 'simd', 'par', 'cycles/frame', 'weight bits', 'buffer bits', 'LUT est.'],
            m.layers.map((l) => [l.name, l.pe ? String(l.pe) : '', l.simd ? String(l.simd) : '', String(l.par), fmtInt(l.cycles), fmtInt(l.weightBits), fmtInt(l.bufferBits), fmtInt(l.lutsEstimate)]),
            ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
          ),
          '',
          `design        ${dir} (top ${m.top}, ${d.graph.nodes.length} IR nodes, ${d.emitted.cores.length} cores)`,
          `cycles/frame  ${fmtInt(m.performance.cyclesPerFrame)} (bottleneck ${m.performance.bottleneck}) = ${m.performance.framesPerSecond.toFixed(1)} frames/s at ${m.performance.clockMhz} MHz`,
          `memory        weights ${fmtInt(m.memory.weightBits)} bits, map buffers ${fmtInt(m.memory.fifoBits)} bits, other ${fmtInt(m.memory.otherBits)} bits`,
          `placement     on chip ${fmtInt(m.memory.onChipBits)} bits; external ${fmtInt(m.memory.externalBufferBits)} bits in ${m.externalMemory.buffers.length} buffer(s) (${(m.externalMemory.bytesPerSecond / 1e9).toFixed(2)} GB/s)` +
            (m.weightsMode === 'stream' ? `; ${m.weightStreams.length} weight stream(s), ${fmtInt(m.memory.streamedWeightBits)} bits (${(m.weightStreams.reduce((a, w) => a + w.bytesPerSecond, 0) / 1e9).toFixed(2)} GB/s)` : ''),
          `LUTs          about ${fmtInt(m.resources.lutsEstimate)} (analytic estimate)`,
          `packaging     ${m.top}.core (FuseSoC); standalone testbench: make -C ${dir}/sim${vectors ? ` (${vectors} test image(s))` : ' (no vectors)'}`,
        ].join('\n'),
      );
    },
  };
}
