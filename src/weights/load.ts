/**
 * Loading a network's weights from a .safetensors checkpoint (synchronous). The header is checked
 * against `networkParams(net)` before any tensor data is read, and every disagreement (missing
 * names, unexpected names, wrong shapes) is reported in one error, so a user fixes a checkpoint in
 * one go rather than one name per run. Binary conv weights stay latent (real) in the WeightSet;
 * consumers binarize with {@link binarySign} / {@link binaryWeights}.
 */
import { fail } from '../diag.js';
import { networkParams } from '../dsl/params.js';
import type { Network } from '../dsl/network.js';
import { checkFinite } from '../io/npy.js';
import { readSafetensors, readSafetensorsHeader } from '../io/safetensors.js';
import type { Tensor } from '../tensor.js';
import type { WeightSet } from './types.js';

/** Prefix that `nn.DataParallel` puts on every state_dict name. */
export const DATA_PARALLEL_PREFIX = 'module.';
/** Detail lines shown in one E_WEIGHTS error before the rest is summarized. */
export const MAX_DETAIL_LINES = 50;

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Caps a list of detail lines at {@link MAX_DETAIL_LINES}, ending with `... and N more`. */
export function capDetails(lines: readonly string[]): string[] {
  if (lines.length <= MAX_DETAIL_LINES) return [...lines];
  return [...lines.slice(0, MAX_DETAIL_LINES), `... and ${lines.length - MAX_DETAIL_LINES} more`];
}

/**
 * Reads the weights of `net` from a .safetensors file. A `module.` prefix is removed when every
 * name carries it. The names and shapes must match `networkParams(net)` exactly (a [C] tensor
 * where [1, C, 1, 1] is expected is a mismatch); otherwise one E_WEIGHTS error lists every missing,
 * unexpected and wrongly shaped tensor. A NaN or infinity in a tensor the forward pass uses is an
 * E_NAN error naming the tensor. Any stored dtype the reader supports is accepted; the result holds
 * float32 tensors keyed by official name, in official order.
 */
export function loadWeights(net: Network, path: string): WeightSet {
  const header = readSafetensorsHeader(path);
  const fileNames = header.entries.map((e) => e.name);
  const strip = fileNames.length > 0 && fileNames.every((n) => n.startsWith(DATA_PARALLEL_PREFIX));
  const official = (n: string): string => (strip ? n.slice(DATA_PARALLEL_PREFIX.length) : n);
  const inFile = new Map(header.entries.map((e) => [official(e.name), e] as const));

  const specs = networkParams(net);
  const expected = new Set(specs.map((p) => p.name));
  const missing: string[] = [];
  const wrongShape: string[] = [];
  for (const p of specs) {
    const e = inFile.get(p.name);
    if (!e) missing.push(`missing: ${p.name} ${fmt(p.shape)}`);
    else if (e.shape.length !== p.shape.length || e.shape.some((d, k) => d !== p.shape[k]))
      wrongShape.push(`wrong shape: ${e.name}: expected ${fmt(p.shape)}, got ${fmt(e.shape)}`);
  }
  const unexpected = header.entries.filter((e) => !expected.has(official(e.name))).map((e) => `unexpected: ${e.name} ${fmt(e.shape)}`);
  if (missing.length + unexpected.length + wrongShape.length > 0)
    fail(
      'E_WEIGHTS',
      `weights do not match network '${net.name}': ${missing.length} missing, ${unexpected.length} unexpected, ${wrongShape.length} with wrong shape`,
      { file: path },
      capDetails([...missing, ...unexpected, ...wrongShape]),
    );

  const read = readSafetensors(path, { header });
  const out = new Map<string, Tensor>();
  for (const p of specs) {
    const fileName = inFile.get(p.name)!.name;
    const t = read.get(fileName)!;
    if (p.used) checkFinite(t, path, fileName);
    out.set(p.name, { shape: [...p.shape], data: t.data });
  }
  return out;
}

/** A tensor of the weight set by official name; E_WEIGHTS if it is absent. */
export function param(ws: WeightSet, name: string): Tensor {
  const t = ws.get(name);
  if (!t) fail('E_WEIGHTS', `weight '${name}' is not in the weight set`, { field: name });
  return t;
}

/**
 * PyTorch `sign(w)` as int8: +1 for w > 0, -1 for w < 0, 0 for +0 and -0. NaN has no sign and is
 * an E_NAN error (loadWeights already rejects it).
 */
export function binarySign(w: Tensor): Int8Array {
  const out = new Int8Array(w.data.length);
  for (let k = 0; k < w.data.length; k++) {
    const x = w.data[k]!;
    if (Number.isNaN(x)) fail('E_NAN', `cannot take the sign of NaN at flat index ${k} of a weight of shape ${fmt(w.shape)}`);
    out[k] = x > 0 ? 1 : x < 0 ? -1 : 0;
  }
  return out;
}

/** Binarized conv weights of a module: shape [Cout, Cin, k, k] and sign(W) in {-1, 0, +1}. */
export interface BinaryWeights {
  /** [Cout, Cin, k, k]. */
  readonly shape: readonly number[];
  /** sign(W) in C order, one int8 per weight. */
  readonly sign: Int8Array;
}

/** sign() of `<moduleName>.binary_conv.weight` (e.g. `feature.1.Attention`); E_WEIGHTS if absent. */
export function binaryWeights(ws: WeightSet, moduleName: string): BinaryWeights {
  const w = param(ws, `${moduleName}.binary_conv.weight`);
  return { shape: w.shape, sign: binarySign(w) };
}
