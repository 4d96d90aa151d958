/**
 * A network's weights: every state_dict entry of the network by its official name (without any
 * `module.` prefix), as float32 values. Binary conv weights are stored as loaded (latent real
 * values); consumers take sign() themselves (see `binaryWeights` in src/weights/load.ts).
 */
import type { Tensor } from '../tensor.js';

/** Weights of one network, keyed by official checkpoint name. */
export type WeightSet = ReadonlyMap<string, Tensor>;
