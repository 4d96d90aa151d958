/**
 * Options shared by several commands: choosing a network (`--size` or `--network`), its input size
 * and class count, seeds, and the global `--json` / `--quiet` flags. Values are read as strings and
 * checked here, so every bad value is one E_ARG error that names the option and the rule.
 */
import type { Argv } from 'yargs';
import { fail } from '../diag.js';
import { loadNetworkJson } from '../dsl/json.js';
import type { Network } from '../dsl/network.js';
import { ZOO_SIZES, zooNetwork } from '../dsl/zoo.js';
import { readFileChecked } from '../io/atomic.js';
import { DEFAULT_QUANT, resolveQuant, type QuantSettings } from '../passes/quant-settings.js';
import { loadWeights } from '../weights/load.js';
import { randomWeights } from '../weights/random.js';
import type { WeightSet } from '../weights/types.js';
import type { CliIo } from './output.js';
import type { Progress } from './progress.js';
import { Output } from './output.js';

/** What every command receives besides its arguments. */
export interface CliContext {
  readonly io: CliIo;
}

/** Raw network-choice arguments as yargs delivers them. */
export interface NetworkArgs {
  readonly size?: string | undefined;
  readonly network?: string | undefined;
  /** Input height = width (zoo sizes only). */
  readonly inputSize?: string | undefined;
  readonly classes?: string | undefined;
}

/**
 * Adds `--size`, `--network`, `--classes` and the input-size option. In `info` and `weights` the
 * input size is `--input` (alias `--input-size`); in `run`, where `--input` is the image file, it is
 * `--input-size` only.
 */
export function withNetworkOptions<T>(y: Argv<T>, inputSizeFlag: 'input' | 'input-size') {
  return y
    .option('size', {
      type: 'string',
      requiresArg: true,
      describe: `zoo network: ${ZOO_SIZES.join(', ')}`,
    })
    .option('network', {
      type: 'string',
      requiresArg: true,
      describe: 'network description (JSON file: a zoo reference or a custom network)',
    })
    .option(inputSizeFlag, {
      type: 'string',
      requiresArg: true,
      ...(inputSizeFlag === 'input' ? { alias: 'input-size' } : {}),
      describe: 'input height = width in pixels, a multiple of 32 (with --size; default 224)',
    })
    .option('classes', {
      type: 'string',
      requiresArg: true,
      describe: 'number of classes (with --size; default 1000; another count selects the CIFAR stem)',
    });
}

/** Parses a whole number option; E_ARG naming the option when it is not one or is below `min`. */
export function intArg(value: string | undefined, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    fail('E_ARG', `--${option} must be a whole number from ${min} to ${max}, got '${value}'`, { field: `--${option}` });
  return n;
}

/** Builds the chosen network: exactly one of `--size` and `--network`. */
export function resolveNetwork(a: NetworkArgs, inputSizeFlag: 'input' | 'input-size'): Network {
  if (a.size !== undefined && a.network !== undefined)
    fail('E_ARG', 'give either --size or --network, not both', { field: '--network' });
  if (a.size === undefined && a.network === undefined)
    fail('E_ARG', `choose a network with --size (${ZOO_SIZES.join(', ')}) or --network file.json`, { field: '--size' });
  if (a.network !== undefined) {
    const given = a.inputSize !== undefined ? `--${inputSizeFlag}` : a.classes !== undefined ? '--classes' : undefined;
    if (given)
      fail('E_ARG', `${given} applies to --size only; a network file sets its own input size and classes`, { field: given });
    return loadNetworkJson(a.network);
  }
  const input = intArg(a.inputSize, inputSizeFlag, 1);
  const classes = intArg(a.classes, 'classes', 1);
  return zooNetwork(a.size!, { ...(input !== undefined ? { input } : {}), ...(classes !== undefined ? { classes } : {}) });
}

/**
 * Adds usage examples, each as a `# description` line over the full-width command (yargs would
 * otherwise squeeze long commands into half the terminal width).
 */
export function withExamples<T>(y: Argv<T>, examples: readonly (readonly [command: string, description: string])[]): Argv<T> {
  return examples.reduce((acc, [cmd, desc]) => acc.example(`# ${desc}`, '').example(cmd, ''), y);
}

/** A seed option: a whole number from 0 to 2^32 - 1. */
export function seedArg(value: string | undefined): number | undefined {
  return intArg(value, 'seed', 0, 0xffffffff);
}

/** The global flags, read from any command's arguments. */
export function outputFor(ctx: CliContext, argv: object): Output {
  return new Output(ctx.io, Reflect.get(argv, 'json') === true, Reflect.get(argv, 'quiet') === true);
}

/** Adds `--weights` and `--seed` (exactly one is needed by {@link resolveWeights}). */
export function withWeightOptions<T>(y: Argv<T>) {
  return y
    .option('weights', { type: 'string', requiresArg: true, describe: 'weights (.safetensors, official names; a module. prefix is accepted)' })
    .option('seed', { type: 'string', requiresArg: true, describe: 'use seeded random weights instead of --weights' });
}

/** Loads `--weights` or generates `--seed` weights, with progress; E_ARG when neither or both. */
export function resolveWeights(net: Network, a: { weights?: string | undefined; seed?: string | undefined }, progress: Progress): WeightSet {
  if (a.weights !== undefined && a.seed !== undefined) fail('E_ARG', 'give either --weights or --seed, not both', { field: '--seed' });
  const seed = seedArg(a.seed);
  if (a.weights === undefined && seed === undefined) fail('E_ARG', 'choose the weights with --weights file.safetensors or --seed N', { field: '--weights' });
  return a.weights !== undefined
    ? progress.run(`loading ${a.weights}`, () => loadWeights(net, a.weights!))
    : progress.run(`generating weights (seed ${seed})`, () => randomWeights(net, seed!));
}

/** Adds the quantization options: a JSON file and per-setting flags. */
export function withQuantOptions<T>(y: Argv<T>) {
  return y
    .option('quant', { type: 'string', requiresArg: true, describe: 'quantization settings (JSON: input, stemWeights, act, se, ..., formats: {nodeId: "s16.10"})' })
    .option('q-act', { type: 'string', requiresArg: true, describe: `feature-map width in bits (default ${DEFAULT_QUANT.act})` })
    .option('q-se', { type: 'string', requiresArg: true, describe: `SE branch weight/activation width (default ${DEFAULT_QUANT.se})` })
    .option('q-input', { type: 'string', requiresArg: true, describe: `input image width (default ${DEFAULT_QUANT.input})` })
    .option('q-fc', { type: 'string', requiresArg: true, describe: `head FC weight and activation width (default ${DEFAULT_QUANT.fcWeights})` });
}

/** Quantization settings from `--quant` and the `--q-*` flags (flags win). */
export function resolveQuantArgs(a: { quant?: string | undefined; qAct?: string | undefined; qSe?: string | undefined; qInput?: string | undefined; qFc?: string | undefined }): QuantSettings {
  let user: Record<string, unknown> = {};
  if (a.quant !== undefined) {
    const text = readFileChecked(a.quant).toString('utf8');
    try {
      user = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      fail('E_QUANT', `not valid JSON: ${(e as Error).message}`, { file: a.quant });
    }
  }
  const flag = (v: string | undefined, name: string) => intArg(v, name, 2, 24);
  const act = flag(a.qAct, 'q-act');
  const se = flag(a.qSe, 'q-se');
  const input = flag(a.qInput, 'q-input');
  const fc = flag(a.qFc, 'q-fc');
  return resolveQuant(
    {
      ...user,
      ...(act !== undefined ? { act } : {}),
      ...(se !== undefined ? { se } : {}),
      ...(input !== undefined ? { input } : {}),
      ...(fc !== undefined ? { fcWeights: fc, fcAct: fc } : {}),
    },
    a.quant,
  );
}
