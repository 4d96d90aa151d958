/** concat -> concat: channel concatenation of two maps, each requantized to the output format. */
import type { CoreModel, OpEstimator } from './types.js';
import { joinCore, joinFormats } from './join.js';

/** The core and parameters of a concat node (as src/emit/ops/concat.ts instantiates it). */
export const concat: OpEstimator<'concat'> = (n, ins) => ({
  module: 'concat',
  params: { Par: n.par, ChannelsA: ins[0]!.shape[0], ChannelsB: ins[1]!.shape[0], ...joinFormats(n, ins) },
});

/** Cost model of the concat core. */
export const concatCores: Readonly<Record<string, CoreModel>> = { concat: joinCore('concat') };
