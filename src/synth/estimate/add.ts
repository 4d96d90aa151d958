/** add -> eltwise_add: element-wise sum of two maps (the residual), requantized. */
import type { CoreModel, OpEstimator } from './types.js';
import { joinCore, joinFormats } from './join.js';

/** The core and parameters of an add node (as src/emit/ops/eltwise.ts instantiates it). */
export const add: OpEstimator<'add'> = (n, ins) => ({ module: 'eltwise_add', params: { Par: n.par, ...joinFormats(n, ins) } });

/** Cost model of the eltwise_add core. */
export const addCores: Readonly<Record<string, CoreModel>> = { eltwise_add: joinCore('add') };
