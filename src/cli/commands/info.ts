/** `bnext-rtl info`: parameters, operations, model size and feature maps of a network. */
import type { Argv, CommandModule } from 'yargs';
import { countNetwork, DEFAULT_BIT_WIDTHS, parseBitWidths, BIT_CATEGORIES, type NetworkCount } from '../../dsl/count.js';
import { type CliContext, type NetworkArgs, outputFor, resolveNetwork, withExamples, withNetworkOptions } from '../options.js';
import { fmtInt, fmtMB, fmtMbit, fmtMetric, table } from '../output.js';

const DEFAULT_BITS_TEXT = BIT_CATEGORIES.map((k) => `${k}=${DEFAULT_BIT_WIDTHS[k]}`).join(',');

const RULES = `Counting rules:
  params   every nn.Parameter of the official state_dict, used or not (buffers such as BatchNorm
           running statistics and temperatures are not parameters); binary = binary conv weights
  BOPs     binary MACs: Cout*Cin*k*k*Hout*Wout per binary conv (full windows, padding taps counted)
  FLOPs    real MACs: stem conv, BNext-18 downsample 1x1 conv, SE (2*C*C/8 per module), head FC
           (C*classes); element-wise work (BN, PReLU, mix, gate, ELM product, residual adds,
           pooling) is not counted, as in BNN papers
  OPs      BOPs/64 + FLOPs
  size     parameters at the --bits widths; SE and FC biases count as 'other';
           default ${DEFAULT_BITS_TEXT} (the paper's published setting);
           1 MB = 10^6 bytes, 1 Mbit = 10^6 bits
  maps     module inputs: the real-valued map each module holds for a whole frame (its SE gate
           needs the map's global average); FFN_1 and FFN_2 share one map`;

function builder(y: Argv) {
  return withExamples(withNetworkOptions(y, 'input'), [
    ['$0 info --size tiny', 'BNext-Tiny at 224x224, 1000 classes'],
    ['$0 info --size small --input 32 --classes 10 --json', 'CIFAR-style Small, machine-readable'],
    ['$0 info --network mynet.json --bits se=8,other=16', 'a network file, model size at other bit widths'],
  ])
    .option('bits', {
      type: 'string',
      requiresArg: true,
      describe: `weight bit widths for the model size, e.g. se=8 (categories ${BIT_CATEGORIES.join(', ')}; default ${DEFAULT_BITS_TEXT})`,
    })
    .epilog(RULES);
}

const shape = (s: readonly number[]): string => s.join('x');

/** The human-readable report. */
export function formatInfo(c: NetworkCount): string {
  const rows = c.layers.map((r) => [
    r.name,
    r.kind,
    shape(r.inShape),
    shape(r.outShape),
    String(r.stride),
    fmtInt(r.params),
    fmtInt(r.bops),
    fmtInt(r.flops),
  ]);
  const layerTable = table(
    ['layer', 'kind', 'in', 'out', 's', 'params', 'BOPs', 'FLOPs'],
    rows,
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const bits = BIT_CATEGORIES.map((k) => `${k}=${c.size.bits[k]}`).join(',');
  const largest = c.maps.largest;
  const totals: [string, string][] = [
    ['params', `${fmtInt(c.params.total)} (binary ${fmtInt(c.params.binary)}, other ${fmtInt(c.params.other)})`],
    ['BOPs', `${fmtInt(c.ops.bops)} (${fmtMetric(c.ops.bops)})`],
    ['FLOPs', `${fmtInt(c.ops.flops)} (${fmtMetric(c.ops.flops)})`],
    ['OPs', `${fmtInt(c.ops.ops)} (${fmtMetric(c.ops.ops)}) = BOPs/64 + FLOPs`],
    ['model size', `${fmtMB(c.size.bytes)} at ${bits}`],
    ['binary weights', `${fmtMbit(c.binaryWeightBits)} (${fmtInt(c.binaryWeightBits)} bits)`],
    [
      'module-input maps',
      `${c.maps.moduleInputs.length} maps, ${fmtInt(c.maps.moduleInputValues)} values = ${fmtMbit(c.maps.moduleInputValues * 16)} at 16 bit / ${fmtMbit(c.maps.moduleInputValues * 8)} at 8 bit`,
    ],
    ['largest map', largest ? `${fmtInt(largest.values)} values (${shape(largest.shape)}, read by ${largest.readers.join(', ')})` : 'none'],
  ];
  const w = Math.max(...totals.map(([k]) => k.length));
  const head = `${c.network}: input ${shape(c.input)}, ${c.classes} classes`;
  return [head, '', layerTable, '', ...totals.map(([k, v]) => `${k.padEnd(w)}  ${v}`)].join('\n');
}

/** The `info` command. */
export function infoCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'info',
    describe: 'count parameters, BOPs/FLOPs, model size and feature maps of a network',
    builder,
    handler: (argv) => {
      const out = outputFor(ctx, argv);
      const a: NetworkArgs = { size: argv.size, network: argv.network, inputSize: argv.input, classes: argv.classes };
      const bits = argv.bits !== undefined ? parseBitWidths(argv.bits) : DEFAULT_BIT_WIDTHS;
      const count = countNetwork(resolveNetwork(a, 'input'), bits);
      out.result(count);
      out.text(formatInfo(count));
    },
  };
}
