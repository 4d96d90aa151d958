/**
 * Writing a network's weights as a .safetensors checkpoint that the official PyTorch code (via
 * `safetensors.torch.load_file` + `load_state_dict`) and {@link loadWeights} both accept.
 */
import { fail } from '../diag.js';
import { networkParams, numel } from '../dsl/params.js';
import type { Network } from '../dsl/network.js';
import { writeSafetensors, type SafetensorsWriteEntry } from '../io/safetensors.js';
import { capDetails } from './load.js';
import type { WeightSet } from './types.js';

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Writes every entry of `networkParams(net)` from `ws` to `path`, atomically, in official order:
 * float32 (int64 for `num_batches_tracked`), with the shapes of the network's spec (a tensor in
 * `ws` may have another shape with the same number of elements, e.g. [C] for [1, C, 1, 1]).
 * Missing names, names the network does not have, and element-count mismatches are reported
 * together as one E_WEIGHTS error, and nothing is written. Metadata: `format: pt` (what
 * `safetensors.torch` writes) and the network name.
 */
export function saveWeights(net: Network, ws: WeightSet, path: string): void {
  const specs = networkParams(net);
  const known = new Set(specs.map((p) => p.name));
  const problems: string[] = [];
  const entries: SafetensorsWriteEntry[] = [];
  for (const p of specs) {
    const t = ws.get(p.name);
    if (!t) problems.push(`missing: ${p.name} ${fmt(p.shape)}`);
    else if (t.data.length !== numel(p.shape))
      problems.push(`wrong size: ${p.name}: expected ${fmt(p.shape)} (${numel(p.shape)} values), got ${fmt(t.shape)} (${t.data.length} values)`);
    else entries.push({ name: p.name, dtype: p.dtype, tensor: { shape: p.shape, data: t.data } });
  }
  for (const name of ws.keys()) if (!known.has(name)) problems.push(`unexpected: ${name}`);
  if (problems.length > 0)
    fail('E_WEIGHTS', `cannot save weights for network '${net.name}': ${problems.length} problem(s)`, { file: path }, capDetails(problems));
  writeSafetensors(path, entries, { format: 'pt', network: net.name });
}
