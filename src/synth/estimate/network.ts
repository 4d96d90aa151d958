/**
 * Estimating a whole network without generating it: the folded `rtl` graph of the network at its
 * input size, built in seconds even for BNext-Large at 224, then estimated node by node.
 *
 * Generating a design runs the float model over calibration images at the full input size (to
 * choose fixed-point formats) and draws every weight from a seeded normal; for Large at 224 that
 * takes a minute. A resource estimate needs the graph's shapes, folding and bit widths, not its
 * values, so:
 *  1. weights are {@link proxyWeights}: every state_dict entry with values of the right kind and
 *     range, tiled from a small seeded block (no BatchNorm calibration);
 *  2. the `hw` graph (lowered, quantized) is compiled at a proxy input of 32x32 with nominal
 *     ranges instead of calibration (same widths; fraction bits may differ, which moves a few
 *     internal widths by a bit: about 2 % on the LUTs of BNext-Large);
 *  3. {@link scaleInput} multiplies every feature map's height and width by input/32 (exact for
 *     BNext, whose maps are the input halved k times), recomputes the GAP reciprocal for the new
 *     pixel count (as the quantize pass does) and checks the result with the IR verifier, which
 *     recomputes every shape from the op rules;
 *  4. the usual folding (a fold file, a frame-rate target, or the best throughput under a LUT
 *     budget of the chosen family) and FIFO sizing run at the real size.
 */
import { BnextError, fail } from '../../diag.js';
import { networkParams, numel } from '../../dsl/params.js';
import type { Network } from '../../dsl/network.js';
import { maxCode, minCode, signedBitsFor } from '../../ir/fixed.js';
import type { Graph, Node } from '../../ir/graph.js';
import { verify } from '../../ir/verify.js';
import { autoFold, type FoldConfig } from '../../passes/fold.js';
import { compile, runPasses } from '../../passes/index.js';
import { RECIP_BITS } from '../../passes/quantize.js';
import type { QuantSettings } from '../../passes/quant-settings.js';
import type { Tensor } from '../../tensor.js';
import { Rng } from '../../util/rng.js';
import type { WeightSet } from '../../weights/types.js';
import { estimateResources, type EstimateOptions, type GraphEstimate } from './index.js';

/** Input size of the proxy compilation (the smallest legal BNext input). */
export const PROXY_INPUT = 32;

const BLOCK = 4099;

/**
 * Weights with the right shapes and plausible values for every entry of a network (see the module
 * comment): a seeded block of N(0, 1) samples, tiled and scaled per role; BatchNorm statistics 0/1,
 * gammas in [0.5, 1.5], lambdas and PReLU slopes in (0, 1), binary-conv temperatures below the
 * sign threshold.
 */
export function proxyWeights(net: Network, seed = 1): WeightSet {
  const rng = new Rng(seed);
  const block = Float32Array.from({ length: BLOCK }, () => rng.normal());
  const unit = Float32Array.from({ length: BLOCK }, () => rng.uniform());
  const tile = (n: number, src: Float32Array, scale: number, offset: number): Float32Array => {
    const v = new Float32Array(n);
    for (let i = 0; i < n; i += BLOCK) v.set(src.subarray(0, Math.min(BLOCK, n - i)), i);
    if (scale !== 1 || offset !== 0) for (let i = 0; i < n; i++) v[i] = v[i]! * scale + offset;
    return v;
  };
  // binary conv weights hold most of a network's entries and only their signs matter: every such
  // tensor is a view of one shared tiled buffer (never written: the passes make new arrays)
  const binaryLen = Math.max(0, ...networkParams(net).filter((q) => q.role === 'binary_conv_weight').map((q) => numel(q.shape)));
  const binary = tile(binaryLen, block, 1, 0);
  const out = new Map<string, Tensor>();
  for (const spec of networkParams(net)) {
    const n = numel(spec.shape);
    const fanIn = numel(spec.shape.slice(1)) || 1;
    let data: Float32Array;
    switch (spec.role) {
      case 'stem_conv_weight':
      case 'se_conv_weight':
      case 'downsample_conv_weight':
      case 'fc_weight':
        data = tile(n, block, Math.sqrt(2 / fanIn), 0);
        break;
      case 'binary_conv_weight':
        data = binary.subarray(0, n);
        break;
      case 'bn_weight':
        data = tile(n, unit, 1, 0.5);
        break;
      case 'bn_running_var':
        data = new Float32Array(n).fill(1);
        break;
      case 'prelu_weight':
      case 'scale_lambda':
        data = tile(n, unit, 0.6, 0.2);
        break;
      case 'temperature':
        data = new Float32Array(n).fill(spec.name.endsWith('.binary_conv.temperature') ? 1e-8 : 1);
        break;
      case 'bn_running_mean':
      case 'bn_num_batches_tracked':
        data = new Float32Array(n);
        break;
      default:
        data = tile(n, block, 0.1, 0);
    }
    out.set(spec.name, { shape: [...spec.shape], data });
  }
  return out;
}

/** Nodes whose outputs are [C, 1, 1] vectors by construction (the SE branch and the head), not maps. */
function vectorNodes(g: Graph): Set<string> {
  const vec = new Set<string>();
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  for (const n of g.nodes) {
    if (n.kind === 'gap' || n.kind === 'fc' || n.kind === 'mix' || n.kind === 'sigmoid') vec.add(n.id);
    else if ((n.kind === 'fork' || n.kind === 'output' || n.kind === 'dwc' || n.kind === 'fifo') && vec.has(byId.get(n.inputs[0]!)!.id)) vec.add(n.id);
  }
  return vec;
}

/**
 * The `hw` graph of the same network at `factor` times the input size (see the module comment).
 * The GAP quantization is recomputed for the new pixel count with the quantize pass's formula.
 */
export function scaleInput(g: Graph, factor: number): Graph {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`internal: scale factor ${factor}`);
  if (factor === 1) return g;
  const vec = vectorNodes(g);
  const done = new Map<string, Node>();
  const nodes = g.nodes.map((n) => {
    const [c, h, w] = n.shape;
    let m: Node = vec.has(n.id) ? n : { ...n, shape: [c, h * factor, w * factor] };
    if (m.kind === 'gap' && m.q && m.elem.kind === 'fix') {
      const src = done.get(m.inputs[0]!)!;
      if (src.elem.kind !== 'fix') throw new Error(`internal: ${m.id} reads a ${src.elem.kind} stream`);
      const fin = src.elem.fmt;
      const count = src.shape[1] * src.shape[2];
      const r0 = 2 ** (m.elem.fmt.frac - fin.frac) / count;
      const shift = RECIP_BITS - 1 - Math.floor(Math.log2(r0));
      m = { ...m, q: { recip: Math.floor(r0 * 2 ** shift + 0.5), shift, sumWidth: signedBitsFor(minCode(fin) * count, maxCode(fin) * count) } };
    }
    done.set(m.id, m);
    return m;
  });
  return verify({ ...g, nodes });
}

/** How {@link estimateNetwork} folds the graph. */
export type EstimateFold =
  | { readonly kind: 'file'; readonly config: FoldConfig }
  | { readonly kind: 'fps'; readonly targetFps: number; readonly clockMhz: number }
  | { readonly kind: 'luts'; readonly budgetLuts: number; readonly clockMhz: number };

/** What {@link estimateNetwork} returns: the folded graph and its estimate. */
export interface NetworkEstimate extends GraphEstimate {
  /** The folded, buffered `rtl` graph (proxy weights). */
  readonly graph: Graph;
  /** The folding used. */
  readonly fold: FoldConfig;
}

/**
 * Estimates a network at its input size. `at(input)` builds the same network at another input
 * size (the proxy). Folding as `generate` does it; under a LUT budget the family's estimate decides.
 */
export function estimateNetwork(net: Network, at: (input: number) => Network, quant: QuantSettings, fold: EstimateFold, o: EstimateOptions = {}): NetworkEstimate {
  const size = net.input[1];
  const useProxy = size > PROXY_INPUT && size % PROXY_INPUT === 0 && net.input[2] === size;
  const small = useProxy ? at(PROXY_INPUT) : net;
  const ws = proxyWeights(small);
  // nominal ranges instead of calibration: the formats' widths are fixed by the settings, only
  // fraction bits would move
  const hw0 = compile(small, ws, 'hw', { calibration: 'nominal', quant, shapesOnly: true });
  const hw = useProxy ? scaleInput(hw0, size / PROXY_INPUT) : hw0;
  const folded = (cfg: FoldConfig): Graph => runPasses(hw, ['fold', 'size-fifos'], { fold: cfg });
  let cfg: FoldConfig;
  if (fold.kind === 'file') cfg = fold.config;
  else if (fold.kind === 'fps') cfg = autoFold(hw, Math.max(1, Math.floor((fold.clockMhz * 1e6) / fold.targetFps)));
  else {
    // a cycle target so small that the automatic folding is illegal counts as over any budget
    const lutsAt = (t: number): number => {
      try {
        return estimateResources(folded(autoFold(hw, t)), o).total.luts;
      } catch (e) {
        if (e instanceof BnextError && e.code === 'E_IR') return Infinity;
        throw e;
      }
    };
    let lo = 1;
    let hi = 2 ** 34;
    const least = lutsAt(hi);
    if (least > fold.budgetLuts) fail('E_FOLD', `even the least parallel design needs about ${least} LUTs, over the budget of ${fold.budgetLuts}`, { field: '--budget-luts' });
    while (hi - lo > Math.max(1, lo * 0.01)) {
      const mid = Math.floor((lo + hi) / 2);
      if (lutsAt(mid) <= fold.budgetLuts) hi = mid;
      else lo = mid + 1;
    }
    cfg = autoFold(hw, hi);
  }
  const graph = folded(cfg);
  return { ...estimateResources(graph, o), graph, fold: cfg };
}
