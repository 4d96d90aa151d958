/** mul -> eltwise_mul: element-wise product of two maps (ELM-Attention), requantized. */
import type { CoreModel, OpEstimator } from './types.js';
import { joinCore, joinFormats } from './join.js';

/** The core and parameters of a mul node (as src/emit/ops/eltwise.ts instantiates it). */
export const mul: OpEstimator<'mul'> = (n, ins) => ({ module: 'eltwise_mul', params: { Par: n.par, ...joinFormats(n, ins) } });

/** Cost model of the eltwise_mul core. */
export const mulCores: Readonly<Record<string, CoreModel>> = { eltwise_mul: joinCore('mul') };
