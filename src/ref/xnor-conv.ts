/**
 * Fast evaluation of a sliding window feeding an XNOR MVAU (a binary convolution), for the IR
 * interpreter: instead of materializing the window's im2col stream, the window's input map is
 * convolved directly with the float model's bit-packed kernel (WebAssembly when available). The
 * result is exactly the MVAU's: the sum over non-padding taps of w*x, with x in {-1, 0, +1}.
 */
import type { Node } from '../ir/graph.js';
import { binaryConv2dPacked, packSigns, packWeights, type PackedWeights } from './float/binconv.js';

type Mvau = Node & { kind: 'mvau' };

/** Packed kernels per weight array and geometry (`k:cin`: the same MVAU may be read with or without its window). */
const cache = new WeakMap<object, Map<string, PackedWeights>>();

/** Whether a window (or none, for a 1x1 stride-1 MVAU) and its XNOR MVAU can be one packed convolution. */
export function fusable(win: Node | undefined, mvau: Node): boolean {
  if (mvau.kind !== 'mvau' || mvau.mode !== 'xnor') return false;
  if (!win || win.kind !== 'window') return true;
  return win.elem.kind === 'bin' && win.pad === Math.floor(win.kernel / 2);
}

/**
 * The MVAU's accumulators ([rows, Ho, Wo]) for input map `x` of shape `inShape` (values in
 * {-1, 0, +1}), kernel `k` and `stride`. `zeroIsPlus`: a zero latent weight counts as +1 (the
 * integer model); the float model keeps sign(0) = 0.
 */
export function xnorConv(mvau: Mvau, k: number, stride: number, inShape: readonly [number, number, number], x: Float64Array, zeroIsPlus: boolean): Float64Array {
  const cin = inShape[0];
  const key = zeroIsPlus ? (mvau.q ?? mvau) : mvau.weight;
  const geometry = `${k}:${cin}`;
  const forKey = cache.get(key as object) ?? new Map<string, PackedWeights>();
  cache.set(key as object, forKey);
  let w = forKey.get(geometry);
  if (!w) {
    // window order (ky, kx, c) -> [Cout][Cin][k][k]
    const wt = new Float32Array(mvau.rows * cin * k * k);
    for (let r = 0; r < mvau.rows; r++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++)
          for (let c = 0; c < cin; c++) {
            const v = mvau.weight[r * mvau.cols + (ky * k + kx) * cin + c]!;
            wt[((r * cin + c) * k + ky) * k + kx] = zeroIsPlus && v === 0 ? 1 : v;
          }
    w = packWeights({ shape: [mvau.rows, cin, k, k], data: wt }, mvau.id);
    forKey.set(geometry, w);
  }
  const a = packSigns({ shape: inShape, data: Float32Array.from(x) }, null, Math.floor(k / 2));
  return Float64Array.from(binaryConv2dPacked(a, w, stride));
}
