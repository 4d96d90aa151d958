import type { OpInfo } from './types.js';
import { inputKinds } from './types.js';

/**
 * Matrix-vector unit: PE output channels in parallel, SIMD inputs per cycle.
 * Cycle model: H*W * (rows/PE) * (cols/SIMD) cycles per frame (one fold step per cycle).
 */
export const mvau: OpInfo<'mvau'> = {
  summary: 'matrix-vector unit (xnor-popcount or integer MAC), PE x SIMD folded',
  arity: 1,
  shape: (n, ins) => [n.rows, ins[0]!.shape[1], ins[0]!.shape[2]],
  check: (n, ins) => {
    const e = inputKinds(ins, n.mode === 'xnor' ? ['bin'] : ['float', 'fix']);
    if (ins[0]!.shape[0] !== n.cols) e.push(`input vector has ${ins[0]!.shape[0]} elements, mvau expects cols = ${n.cols}`);
    if (n.weight.length !== n.rows * n.cols) e.push(`weight has ${n.weight.length} entries, expected ${n.rows * n.cols}`);
    if (n.rows % n.pe !== 0) e.push(`PE ${n.pe} does not divide rows ${n.rows}`);
    if (n.cols % n.simd !== 0) e.push(`SIMD ${n.simd} does not divide cols ${n.cols}`);
    if (ins[0]!.par !== n.simd) e.push(`input par ${ins[0]!.par} must equal SIMD ${n.simd}`);
    if (n.par !== n.pe) e.push(`output par ${n.par} must equal PE ${n.pe}`);
    return e;
  },
  cycles: (n) => n.shape[1] * n.shape[2] * (n.rows / n.pe) * (n.cols / n.simd),
};
