import type { OpInfo } from './types.js';
import { inputKinds, parDivides, streamCycles } from './types.js';

/** 2x2 average pool, stride 2. Integer: sum of 4 codes, output has 2 more fraction bits (exact). */
export const avgpool: OpInfo<'avgpool'> = {
  summary: '2x2 average pool, stride 2 (exact in fixed point: +2 fraction bits)',
  arity: 1,
  shape: (_n, ins) => {
    const [c, h, w] = ins[0]!.shape;
    return [c, Math.floor(h / 2), Math.floor(w / 2)];
  },
  check: (n, ins) => [...inputKinds(ins, ['float', 'fix']), ...parDivides(n)],
  cycles: streamCycles,
};
