/**
 * Dense real-valued tensors in C order (NCHW for images). Float32 is the default storage, as in
 * PyTorch; Float64 is accepted everywhere a tensor is read.
 */

/** A dense tensor. `data.length` equals the product of `shape`. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** Product of the dimensions (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A zero-filled float32 tensor. */
export function zeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float32Array(sizeOf(shape)) };
}

/** Image `n` of an NCHW batch, as a [C, H, W] tensor view (no copy). */
export function imageOf(batch: Tensor, n: number): Tensor {
  const [, c, h, w] = batch.shape as [number, number, number, number];
  const len = c * h * w;
  return { shape: [c, h, w], data: batch.data.subarray(n * len, (n + 1) * len) };
}

/** Index of the first NaN or infinity, or -1. */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}
