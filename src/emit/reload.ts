/**
 * Rebuilding a design's graph from its folder: the manifest records how the design was made
 * (network recipe, weights, quantization, folding), so the same graph is compiled again and its
 * emitted top must hash to the manifest's `rtlSha256` (else the folder was edited or made by
 * another version, and simulating it against this graph would prove nothing).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fail } from '../diag.js';
import { loadNetworkJson } from '../dsl/json.js';
import type { Network } from '../dsl/network.js';
import { zooNetwork } from '../dsl/zoo.js';
import { readFileChecked } from '../io/atomic.js';
import { resolveQuant } from '../passes/quant-settings.js';
import { loadWeights } from '../weights/load.js';
import { randomWeights } from '../weights/random.js';
import { emitOptionsOf, generateDesign, type Design, type Manifest } from './design.js';

/**
 * How a manifest records an input file (network JSON, weights): relative to the design folder, so
 * the folder can be simulated and reported from any working directory.
 */
export function recordedPath(dir: string, file: string): string {
  return relative(resolve(dir), resolve(file)).split('\\').join('/');
}

/**
 * An input file a manifest names, as a path to open: relative to the design folder; a path that
 * does not exist there is taken as given (manifests written before paths were recorded relative
 * to the folder named them from the working directory of `generate`).
 */
export function designFile(dir: string, recorded: string): string {
  if (isAbsolute(recorded)) return recorded;
  const inDir = join(dir, recorded);
  return existsSync(inDir) ? inDir : recorded;
}

/** Reads `<dir>/manifest.json`. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) fail('E_DESIGN', `no manifest.json in ${dir}: not a folder made by bnext-rtl generate`, { file: dir });
  try {
    return JSON.parse(readFileChecked(path).toString('utf8')) as Manifest;
  } catch (e) {
    return fail('E_DESIGN', `manifest.json is not valid JSON: ${(e as Error).message}`, { file: path });
  }
}

/** Recompiles the design described by a folder and checks it matches the folder's RTL. */
export function reloadDesign(dir: string): { design: Design; net: Network } {
  const m = readManifest(dir);
  const r = m.network.recipe as { size?: string; input?: number; classes?: number; network?: string };
  if (r.network === undefined && (r.size === undefined || r.input === undefined || r.classes === undefined))
    fail('E_DESIGN', 'manifest.json names no network to rebuild (network.recipe has neither a network file nor a zoo size, input and classes; a design made through the API records what its caller passed as recipe)', { file: join(dir, 'manifest.json'), field: 'network.recipe' });
  const net = r.network !== undefined ? loadNetworkJson(designFile(dir, r.network)) : zooNetwork(r.size!, { input: r.input!, classes: r.classes! });
  let ws;
  if ('seed' in m.weights) ws = randomWeights(net, m.weights.seed);
  else {
    const file = designFile(dir, m.weights.file);
    const sha = createHash('sha256').update(readFileChecked(file)).digest('hex');
    if (sha !== m.weights.sha256) fail('E_DESIGN', `weights file ${file} changed since the design was generated (sha256 differs)`, { file });
    ws = loadWeights(net, file);
  }
  const quant = resolveQuant({ ...m.quant, formats: Object.fromEntries(Object.entries(m.quant.formats).map(([k, f]) => [k, `${f.signed ? 's' : 'u'}${f.width}.${f.frac}`])) });
  const fold = m.fold.kind === 'file' ? { kind: 'file' as const, config: m.fold.resolved, file: m.fold.file } : { kind: 'file' as const, config: m.fold.resolved, file: 'manifest.json' };
  const design = generateDesign({ net, ws, weights: m.weights, quant, fold, recipe: m.network.recipe, ...emitOptionsOf(m) });
  const top = readFileChecked(join(dir, `${m.top}.v`)).toString('utf8');
  const sha = createHash('sha256').update(top).digest('hex');
  if (sha !== m.rtlSha256 || design.manifest.rtlSha256 !== sha)
    fail('E_DESIGN', `${m.top}.v does not match the design recorded in manifest.json (edited by hand, or made by another version); generate it again`, { file: dir });
  return { design, net };
}
