/** `bnext-rtl estimate`: the analytic resource estimate of a network (or of a generated design), per layer and in total. */
import { join } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { fail } from '../../diag.js';
import { networkFromJson } from '../../dsl/json.js';
import type { Network } from '../../dsl/network.js';
import { zooNetwork } from '../../dsl/zoo.js';
import { readManifest } from '../../emit/reload.js';
import { readFileChecked } from '../../io/atomic.js';
import { estimateCore, instanceShape } from '../../synth/estimate/index.js';
import { estimateNetwork } from '../../synth/estimate/network.js';
import { addResources, ESTIMATE_TARGETS, NO_RESOURCES, type EstimateTarget, type Resources } from '../../synth/estimate/types.js';
import { topInstances } from '../../synth/instances.js';
import { resolveDesignArgs, withDesignOptions } from '../design-options.js';
import { type CliContext, outputFor, resolveNetwork, resolveQuantArgs, withExamples, withNetworkOptions, withQuantOptions } from '../options.js';
import { fmtInt, table } from '../output.js';

function builder(y: Argv) {
  return withExamples(withDesignOptions(withQuantOptions(withNetworkOptions(y, 'input'))), [
    ['$0 estimate --size large', 'BNext-Large at 224, folded for 100 frames/s at 200 MHz: LUT6, FFs, DSP, BRAM per layer'],
    ['$0 estimate --size tiny --budget-luts 200000 --target ice40', 'the best throughput under 200k LUT4 on iCE40'],
    ['$0 estimate --design rtl-out/mini --json', 'estimate an existing design folder from its instances'],
  ])
    .option('design', { type: 'string', requiresArg: true, describe: 'estimate a design folder made by bnext-rtl generate instead of a network' })
    .option('target', { type: 'string', requiresArg: true, choices: [...ESTIMATE_TARGETS], default: 'xilinx', describe: 'family: xilinx (LUT6) or ice40 (LUT4)' });
}

type Args = ReturnType<typeof builder> extends Argv<infer U> ? U : never;

/** The same network at another input size (zoo size, zoo reference or custom JSON). */
function networkAt(argv: ArgumentsCamelCase<Args>, net: Network): (input: number) => Network {
  if (argv.network === undefined) return (input) => zooNetwork(argv.size!, { input, classes: net.classes });
  const json = JSON.parse(readFileChecked(argv.network).toString('utf8')) as Record<string, unknown>;
  return (input) => networkFromJson({ ...json, input }, argv.network!);
}

/** One row of the estimate: a layer. */
export interface EstimateRow {
  /** Layer name. */
  readonly layer: string;
  /** PE and SIMD of the layer's MVAU, when it has one. */
  readonly pe?: number;
  readonly simd?: number;
  /** Cores (instances) of the layer. */
  readonly cores: number;
  /** Estimated resources. */
  readonly estimate: Resources;
}

function layerRows(items: readonly { layer: string; module: string; params: Readonly<Record<string, number>>; r: Resources }[]): EstimateRow[] {
  const rows = new Map<string, { pe?: number; simd?: number; cores: number; estimate: Resources }>();
  for (const it of items) {
    const row = rows.get(it.layer) ?? { cores: 0, estimate: NO_RESOURCES };
    row.cores++;
    row.estimate = addResources(row.estimate, it.r);
    if (it.module.startsWith('mvau_') && (row.pe === undefined || it.module === 'mvau_xnor')) {
      row.pe = it.params['PE'];
      row.simd = it.params['SIMD'];
    }
    rows.set(it.layer, row);
  }
  return [...rows].map(([layer, r]) => ({ layer, ...r }));
}

function formatRows(rows: readonly EstimateRow[], total: Resources, target: EstimateTarget): string {
  const lut = target === 'xilinx' ? 'LUT6' : 'LUT4';
  const cells = (e: Resources) => [fmtInt(e.luts), fmtInt(e.ffs), fmtInt(e.carry), fmtInt(e.dsp), fmtInt(e.bram), fmtInt(e.bramBits), fmtInt(e.lutramBits)];
  return table(
    ['layer', 'pe', 'simd', 'cores', lut, 'FFs', 'carry', 'DSP', 'BRAM', 'BRAM bits', 'LUTRAM bits'],
    [...rows.map((r) => [r.layer, r.pe !== undefined ? String(r.pe) : '', r.simd !== undefined ? String(r.simd) : '', String(r.cores), ...cells(r.estimate)]), ['total', '', '', String(rows.reduce((a, r) => a + r.cores, 0)), ...cells(total)]],
    ['left', ...Array<'right'>(10).fill('right')],
  );
}

/** The `estimate` command. */
export function estimateCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'estimate',
    describe: 'instant analytic resource estimate (LUTs, FFs, DSP, BRAM per layer) of a network or a design folder, calibrated against Yosys',
    builder,
    handler: (argv) => {
      const out = outputFor(ctx, argv);
      const target = argv.target as EstimateTarget;
      const t0 = performance.now();
      let rows: EstimateRow[];
      let what: string;
      let extra: Record<string, unknown> = {};
      if (argv.design !== undefined) {
        const given = ['size', 'network', 'input', 'classes', 'budgetLuts', 'targetFps', 'clockMhz', 'quant'].find((k) => Reflect.get(argv, k) !== undefined);
        if (given) fail('E_ARG', `--design estimates a generated design as it is; --${given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply`, { field: '--design' });
        if (argv.fold !== 'auto') fail('E_ARG', '--design estimates a generated design as it is; --fold does not apply', { field: '--fold' });
        const m = readManifest(argv.design);
        const topFile = join(argv.design, `${m.top}.v`);
        const insts = topInstances(readFileChecked(topFile).toString('utf8'), null, topFile);
        if (insts.length === 0) fail('E_DESIGN', `no core instances found in ${m.top}.v`, { file: topFile });
        rows = layerRows(insts.map((i) => {
          const s = instanceShape(i.module, i.params);
          return { layer: i.layer, module: i.module, params: s.params, r: estimateCore(s, target) };
        }));
        what = `${argv.design} (top ${m.top}, ${insts.length} instances)`;
      } else {
        const net = resolveNetwork({ size: argv.size, network: argv.network, inputSize: argv.input, classes: argv.classes }, 'input');
        const quant = resolveQuantArgs(argv);
        const { fold, extMemThresholdBits, weightsMode, extMemLatency } = resolveDesignArgs(argv);
        const e = estimateNetwork(net, networkAt(argv, net), quant, fold, { target, extMemThresholdBits, weightsMode, extMemLatency });
        rows = layerRows(e.graph.nodes.filter((n) => e.cores.has(n.id)).map((n) => ({ layer: n.layer, module: e.cores.get(n.id)!.module, params: e.cores.get(n.id)!.params, r: e.nodes.get(n.id)! })));
        what = `${net.name} (input ${net.input.join('x')}, ${e.graph.nodes.length} IR nodes)`;
        extra = { fold: e.fold };
      }
      const total = rows.reduce((a, r) => addResources(a, r.estimate), NO_RESOURCES);
      const secs = (performance.now() - t0) / 1000;
      out.result({ target, rows, total, ...extra });
      out.text(
        [
          formatRows(rows, total, target),
          '',
          `estimate  ${what}, ${target} (${target === 'xilinx' ? 'LUT6' : 'LUT4'}), calibrated against Yosys 0.23 (src/synth/estimate); ${secs.toFixed(1)} s`,
          `check it  bnext-rtl synth --design <folder> --target ${target} --per-layer (estimate vs synthesis per layer)`,
        ].join('\n'),
      );
    },
  };
}

