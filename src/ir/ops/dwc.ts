import type { OpInfo } from './types.js';
import { beats, sameShape, streamCycles } from './types.js';

/**
 * Stream data-width converter between lane counts that divide one another (inserted by
 * insert-dwc where a consumer needs another parallelism than its producer gives).
 * Cycle model: the larger of input and output beats per frame.
 */
export const dwc: OpInfo<'dwc'> = {
  summary: 'stream data-width converter (regroups lanes)',
  arity: 1,
  shape: sameShape,
  check: (n, ins) => {
    const a = ins[0]!.par;
    const b = n.par;
    const e: string[] = [];
    if (a % b !== 0 && b % a !== 0) e.push(`lane counts ${a} -> ${b} do not divide one another`);
    if (n.elem.kind !== ins[0]!.elem.kind) e.push('dwc keeps the element type');
    if (ins[0]!.kind === 'window') e.push('a window stream (with padding flags) cannot be regrouped');
    return e;
  },
  cycles: (n, ins) => Math.max(beats(n), streamCycles(n, ins)),
};
