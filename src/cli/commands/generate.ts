/** `bnext-rtl generate`: a complete streaming accelerator for a network, as a self-contained folder. */
import { createHash } from 'node:crypto';
import type { Argv, CommandModule } from 'yargs';
import { readFileChecked } from '../../io/atomic.js';
import { checkDesignTarget, generateDesign, writeDesign } from '../../emit/design.js';
import { recordedPath } from '../../emit/reload.js';
import { DEFAULT_VECTOR_COUNT, MAX_VECTOR_COUNT } from '../../package/index.js';
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
import { resolveDesignArgs, withDesignOptions } from '../design-options.js';
import { fmtInt, table } from '../output.js';
import { Progress } from '../progress.js';

/** Largest input size that gets test vectors by default (they cost an integer-model run per image). */
const VECTORS_MAX_INPUT = 64;

function builder(y: Argv) {
  return withExamples(withDesignOptions(withQuantOptions(withWeightOptions(withNetworkOptions(y, 'input')))), [
    ['$0 generate --size tiny', 'BNext-Tiny at 224 with seeded random weights, folded for 100 frames/s at 200 MHz'],
    ['$0 generate --size tiny --input 32 --classes 10 --seed 1 --target-fps 2000 --out rtl-out/tiny32', 'a small design to simulate'],
    ['$0 generate --size tiny --weights tiny.safetensors --fold fold.json', 'your own folding: {"default": {"par": 2}, "layers": {"feature.3.Attention": {"pe": 16, "simd": 32}}}'],
    ['$0 generate --size small --budget-luts 200000', 'best throughput under a LUT budget'],
    ['$0 generate --size tiny --input 32 --classes 10 --seed 1 --vectors 8 --out rtl-out/t32 && make -C rtl-out/t32/sim', '8 test images, checked by the standalone Verilator testbench'],
    ['$0 generate --size tiny --ext-mem-threshold none', 'every map buffer on chip (no external memory ports)'],
    ['$0 generate --size tiny --weights-mode stream', 'MVAU weights from top-level weight streams instead of ROMs'],
  ])
    .option('vectors', { type: 'string', requiresArg: true, describe: `images in sim/vectors for the standalone testbench, with the integer model's logits (default ${DEFAULT_VECTOR_COUNT} for inputs up to ${VECTORS_MAX_INPUT}x${VECTORS_MAX_INPUT}, none above; 0: none)` })
    .option('out', { type: 'string', requiresArg: true, describe: 'output folder (default rtl-out/<network name>)' })
    .option('force', { type: 'boolean', describe: 'replace an existing output folder' });
}

/** `--ext-mem-threshold`: bits, or 'none' (= 0, every FIFO on chip); the default when absent. */
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
      const { fold, extMemThresholdBits, weightsMode, extMemLatency } = resolveDesignArgs(argv);
      const seed = argv.weights === undefined && argv.seed === undefined ? 0 : seedArg(argv.seed);
      if (argv.weights === undefined && argv.seed === undefined) out.note('no --weights or --seed given: using seeded random weights (--seed 0)');
      const ws = resolveWeights(net, { weights: argv.weights, seed: argv.weights === undefined ? String(seed) : undefined }, progress);
      const weights =
        argv.weights !== undefined ? { file: recordedPath(dir, argv.weights), sha256: createHash('sha256').update(readFileChecked(argv.weights)).digest('hex') } : { seed: seed! };
      const recipe = argv.network !== undefined ? { network: recordedPath(dir, argv.network) } : { size: argv.size, input: net.input[1], classes: net.classes };
      const d = progress.run(`generating ${net.name}`, () => generateDesign({ net, ws, weights, quant, fold, recipe, extMemThresholdBits, weightsMode, extMemLatency }));
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
