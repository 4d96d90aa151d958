/**
 * A deliberately plain float64 scalar re-statement of one BNext module, written from the formulas
 * in BNEXT.md sections 3-5 and the official forward() code, sharing no code with src/ref/float.
 * Maps are nested arrays [c][y][x].
 */
export type Map3 = number[][][];

export interface NaiveModuleSpec {
  cin: number;
  cout: number;
  k: 1 | 3;
  stride: 1 | 2;
  variant: 'ffn3x3' | 'ffn1x1' | 'elm';
  residual: 'input' | 'prelu';
  mixSource: 'input' | 'residual';
  downsample: boolean;
  hidden: number;
  clampLambda: boolean;
}

/** Flat weight lookup by checkpoint name. */
export type Get = (name: string) => ArrayLike<number>;

const sign = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

export function zerosMap(c: number, h: number, w: number): Map3 {
  return Array.from({ length: c }, () => Array.from({ length: h }, () => new Array<number>(w).fill(0)));
}

export function fromFlat(data: ArrayLike<number>, c: number, h: number, w: number): Map3 {
  const m = zerosMap(c, h, w);
  for (let i = 0; i < c; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[i]![y]![x] = data[(i * h + y) * w + x]!;
  return m;
}

export function toFlat(m: Map3): number[] {
  return m.flat(2);
}

/** sign(x + move) conv sign(W), zero padding k//2, stride s. */
export function naiveBinaryConv(x: Map3, move: ArrayLike<number> | null, w: ArrayLike<number>, cout: number, k: number, s: number): Map3 {
  const cin = x.length;
  const h = x[0]!.length;
  const wd = x[0]![0]!.length;
  const p = Math.floor(k / 2);
  const ho = Math.floor((h + 2 * p - k) / s) + 1;
  const wo = Math.floor((wd + 2 * p - k) / s) + 1;
  const out = zerosMap(cout, ho, wo);
  for (let o = 0; o < cout; o++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        let acc = 0;
        for (let c = 0; c < cin; c++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = oy * s + ky - p;
              const ix = ox * s + kx - p;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue; // zero padding
              const a = sign(x[c]![iy]![ix]! + (move ? move[c]! : 0));
              acc += a * sign(w[((o * cin + c) * k + ky) * k + kx]!);
            }
        out[o]![oy]![ox] = acc;
      }
  return out;
}

const mapEach = (m: Map3, f: (v: number, c: number, y: number, x: number) => number): Map3 =>
  m.map((plane, c) => plane.map((row, y) => row.map((v, x) => f(v, c, y, x))));

function bn(m: Map3, get: Get, prefix: string): Map3 {
  const g = get(`${prefix}.weight`);
  const b = get(`${prefix}.bias`);
  const mu = get(`${prefix}.running_mean`);
  const va = get(`${prefix}.running_var`);
  return mapEach(m, (v, c) => (g[c]! * (v - mu[c]!)) / Math.sqrt(va[c]! + 1e-5) + b[c]!);
}

function prelu(m: Map3, a: ArrayLike<number>): Map3 {
  return mapEach(m, (v, c) => (v >= 0 ? v : a[c]! * v));
}

function pool2(m: Map3): Map3 {
  return m.map((plane) => {
    const out: number[][] = [];
    for (let y = 0; y + 1 < plane.length; y += 2) {
      const row: number[] = [];
      for (let x = 0; x + 1 < plane[0]!.length; x += 2) row.push((plane[y]![x]! + plane[y]![x + 1]! + plane[y + 1]![x]! + plane[y + 1]![x + 1]!) / 4);
      out.push(row);
    }
    return out;
  });
}

/** All named stages of the module, float64 throughout. */
export function naiveModule(spec: NaiveModuleSpec, name: string, get: Get, x: Map3): Record<string, Map3 | number[]> {
  const n = name;
  const pool = (m: Map3) => (spec.stride === 2 ? pool2(m) : m);
  const conv = naiveBinaryConv(x, get(`${n}.move.bias`), get(`${n}.binary_conv.weight`), spec.cout, spec.k, spec.stride);
  const bn1 = bn(conv, get, `${n}.norm1`);
  const y = prelu(bn1, get(`${n}.activation2.weight`));
  let r: Map3;
  if (spec.residual === 'input') r = pool(x);
  else {
    const p1 = prelu(x, get(`${n}.activation1.weight`));
    if (spec.downsample) {
      const pooled = pool2(p1);
      const dw = get(`${n}.downsample.1.weight`);
      const conv1 = pooled[0]!.map((row, yy) => row.map(() => 0));
      const ds = Array.from({ length: spec.cout }, (_, o) =>
        conv1.map((row, yy) => row.map((_v, xx) => pooled.reduce((acc, plane, c) => acc + dw[o * spec.cin + c]! * plane[yy]![xx]!, 0))),
      );
      r = bn(ds, get, `${n}.downsample.2`);
    } else r = pool(p1);
  }
  const src = spec.mixSource === 'input' ? pool(x) : r;
  const lamRaw = get(`${n}.scale`);
  const lam = (c: number) => (spec.clampLambda ? Math.min(1, Math.max(0, lamRaw[c]!)) : lamRaw[c]!);
  const mix = mapEach(y, (v, c, yy, xx) => lam(c) * src[c]![yy]![xx]! + (1 - lam(c)) * v);
  const gap = mix.map((plane) => plane.flat().reduce((a, b) => a + b, 0) / plane.flat().length);
  const w1 = get(`${n}.se.se.1.weight`);
  const b1 = get(`${n}.se.se.1.bias`);
  const w3 = get(`${n}.se.se.3.weight`);
  const b3 = get(`${n}.se.se.3.bias`);
  const hid = Array.from({ length: spec.hidden }, (_, j) => Math.max(0, gap.reduce((acc, v, c) => acc + w1[j * spec.cout + c]! * v, b1[j]!)));
  const gate = Array.from({ length: spec.cout }, (_, c) => 1 / (1 + Math.exp(-hid.reduce((acc, v, j) => acc + w3[c * spec.hidden + j]! * v, b3[c]!))));
  let pre = mapEach(y, (v, c) => gate[c]! * v);
  if (spec.variant === 'elm') pre = mapEach(pre, (v, c, yy, xx) => v * r[c]![yy]![xx]!);
  const bn2 = bn(pre, get, `${n}.norm2`);
  const out = mapEach(bn2, (v, c, yy, xx) => v + r[c]![yy]![xx]!);
  return { conv, bn1, prelu2: y, residual: r, mix, gap, gate, bn2, out };
}
