/**
 * Forward of one BNext processor module (BNEXT.md sections 3-4, official eval mode):
 *
 *   y   = PReLU2(BN1(conv_k(sign(x + move), sign(W), stride s, zero padding)))
 *   r   = pool(x)                                  residual 'input' (FFN modules)
 *       | pool(PReLU1(x))                          residual 'prelu' (ELM)
 *       | BN(conv1x1(avgpool2x2(PReLU1(x))))       residual 'prelu' with downsample (BNext-18)
 *   m   = lambda * src + (1 - lambda) * y          src = pool(x) ('input') or r ('residual')
 *   g   = sigmoid(W_b ReLU(W_a GAP(m) + c_a) + c_b)
 *   out = BN2(g * y) + r,   or BN2(g * y * r) + r for ELM
 *
 * The element-wise stages run fused (two passes over the map instead of about nine), rounding to
 * float32 at exactly the points where the composed primitives of ops.ts store a tensor, so the
 * result is bit-identical to composing them (the tests check this through the dump hook).
 */
import { fail } from '../../diag.js';
import type { ModuleLayer } from '../../dsl/network.js';
import type { Tensor } from '../../tensor.js';
import { bnParams, param, vec } from './access.js';
import { binaryConv2dPacked, binconvOut, packSigns, packWeights, signTensor } from './binconv.js';
import { applyBN, dumper, lambdaClampedInEval, type LayerContext } from './context.js';
import { avgPool2, BN_EPS, conv2d, linear, prelu, relu, sigmoid, type BatchNormParams } from './ops.js';

const fr = Math.fround;

/** Optional stage outputs of the fused passes (allocated only when dumping or calibrating). */
interface StageBuffers {
  bn1?: Float32Array;
  mix?: Float32Array;
  gated?: Float32Array;
  product?: Float32Array;
  bn2?: Float32Array;
}

/**
 * Pass 1: dots -> BN1 -> PReLU2 (stored as y) -> mix with src -> GAP (returned). One image.
 */
function frontPass(
  dots: Int32Array,
  c: number,
  hw: number,
  bn1: BatchNormParams,
  act2: ArrayLike<number>,
  lambda: ArrayLike<number>,
  src: Float32Array | Float64Array,
  y: Float32Array,
  sb: StageBuffers,
): Float32Array {
  const z = new Float32Array(c);
  for (let ch = 0; ch < c; ch++) {
    const m = bn1.mean[ch]!;
    const inv = 1 / Math.sqrt(bn1.variance[ch]! + BN_EPS);
    const g = bn1.weight[ch]!;
    const b = bn1.bias[ch]!;
    const a = act2[ch]!;
    const l = lambda[ch]!;
    const bn1Out = sb.bn1;
    const mixOut = sb.mix;
    let sum = 0;
    for (let i = ch * hw; i < (ch + 1) * hw; i++) {
      const v = fr((dots[i]! - m) * inv * g + b);
      if (bn1Out) bn1Out[i] = v;
      const yv = v >= 0 ? v : fr(a * v);
      y[i] = yv;
      const mv = fr(l * src[i]! + (1 - l) * yv);
      if (mixOut) mixOut[i] = mv;
      sum += mv;
    }
    z[ch] = sum / hw;
  }
  return z;
}

/** BN2's input g * y (ELM: g * y * r) of one image, as pass 2 computes it. */
function preNorm2(y: Float32Array, gate: Float32Array, r: Float32Array | Float64Array, elm: boolean, c: number, hw: number): Float32Array {
  const out = new Float32Array(c * hw);
  for (let ch = 0; ch < c; ch++) {
    const gv = gate[ch]!;
    for (let i = ch * hw; i < (ch + 1) * hw; i++) {
      const t = fr(y[i]! * gv);
      out[i] = elm ? fr(t * r[i]!) : t;
    }
  }
  return out;
}

/** Pass 2: out = BN2(g * y [* r]) + r. One image. */
function backPass(y: Float32Array, gate: Float32Array, r: Float32Array | Float64Array, elm: boolean, c: number, hw: number, bn2: BatchNormParams, sb: StageBuffers): Float32Array {
  const out = new Float32Array(c * hw);
  const gatedOut = sb.gated;
  const productOut = sb.product;
  const bn2Out = sb.bn2;
  for (let ch = 0; ch < c; ch++) {
    const gv = gate[ch]!;
    const m = bn2.mean[ch]!;
    const inv = 1 / Math.sqrt(bn2.variance[ch]! + BN_EPS);
    const g = bn2.weight[ch]!;
    const b = bn2.bias[ch]!;
    for (let i = ch * hw; i < (ch + 1) * hw; i++) {
      const ri = r[i]!;
      let t = fr(y[i]! * gv);
      if (gatedOut) gatedOut[i] = t;
      if (elm) {
        t = fr(t * ri);
        if (productOut) productOut[i] = t;
      }
      const v = fr((t - m) * inv * g + b);
      if (bn2Out) bn2Out[i] = v;
      out[i] = v + ri;
    }
  }
  return out;
}

/** Forward of a module over several images (see the file comment). */
export function forwardModule(l: ModuleLayer, ctx: LayerContext, xs: readonly Tensor[]): Tensor[] {
  const n = l.name;
  const [cin] = l.inShape;
  const [cout, ho, wo] = l.outShape;
  const s = l.stride;
  const ws = ctx.ws;
  if (l.downsample && s !== 2) fail('E_NETWORK', `${n}: a downsample path pools 2x2 with stride 2, so the module needs stride 2`, { field: `${n}.stride` });
  if (l.mixSource === 'input' && cin !== cout)
    fail('E_NETWORK', `${n}: the mix reads the input (${cin} channels) but the module has ${cout} output channels; use mixSource 'residual'`, {
      field: `${n}.mixSource`,
    });
  const move = vec(ws, `${n}.move.bias`, [1, cin, 1, 1]);
  const wname = `${n}.binary_conv.weight`;
  const pw = ctx.packed?.get(n) ?? packWeights(param(ws, wname, [cout, cin, l.kernel, l.kernel]), wname);
  const act2 = vec(ws, `${n}.activation2.weight`, [cout]);
  const lamRaw = vec(ws, `${n}.scale`, [1, cout, 1, 1]);
  const lambda = lambdaClampedInEval(ctx.family, l.variant) ? lamRaw.map((v) => Math.min(1, Math.max(0, v))) : lamRaw;
  const h = l.seHidden;
  const seW1 = param(ws, `${n}.se.se.1.weight`, [h, cout, 1, 1]);
  const seB1 = vec(ws, `${n}.se.se.1.bias`, [h]);
  const seW3 = param(ws, `${n}.se.se.3.weight`, [cout, h, 1, 1]);
  const seB3 = vec(ws, `${n}.se.se.3.bias`, [cout]);
  const dump = dumper(ctx, n);
  const pool = (ts: readonly Tensor[]): readonly Tensor[] => (s === 2 ? ts.map(avgPool2) : ts);
  const shape = [cout, ho, wo];
  const hw = ho * wo;
  const asTensors = (arrs: readonly (Float32Array | Int32Array)[]): Tensor[] =>
    arrs.map((a) => ({ shape: [...shape], data: a instanceof Float32Array ? a : Float32Array.from(a) }));

  // binary convolution
  if (dump) dump('sign_in', xs.map((x) => signTensor(x, move)));
  const dots = xs.map((x) => {
    const [, xh, xw] = x.shape as [number, number, number];
    if (binconvOut(xh, l.kernel, s) !== ho || binconvOut(xw, l.kernel, s) !== wo)
      fail('E_SHAPE', `${n}: a ${xh}x${xw} input gives a ${binconvOut(xh, l.kernel, s)}x${binconvOut(xw, l.kernel, s)} conv output, expected ${ho}x${wo}`);
    return binaryConv2dPacked(packSigns(x, move, Math.floor(l.kernel / 2)), pw, s);
  });
  if (dump || ctx.beforeBatchNorm) {
    const convT = asTensors(dots);
    dump?.('conv', convT);
    ctx.beforeBatchNorm?.(`${n}.norm1`, convT);
  }
  const bn1 = bnParams(ws, `${n}.norm1`, cout);

  // residual
  let r: readonly Tensor[];
  if (l.residual === 'input') r = pool(xs);
  else {
    const act1 = vec(ws, `${n}.activation1.weight`, [cin]);
    const p1 = xs.map((x) => prelu(x, act1));
    dump?.('prelu1', p1);
    if (l.downsample) {
      const dw = param(ws, `${n}.downsample.1.weight`, [cout, cin, 1, 1]);
      r = applyBN(ctx, `${n}.downsample.2`, p1.map((t) => conv2d(avgPool2(t), dw)));
    } else r = pool(p1);
  }
  const src = l.mixSource === 'residual' || l.residual === 'input' ? r : pool(xs);

  // pass 1: y, mix, GAP; then the squeeze-and-expand gate
  const sb1: StageBuffers[] = xs.map(() => (dump ? { bn1: new Float32Array(cout * hw), mix: new Float32Array(cout * hw) } : {}));
  const ys = xs.map(() => new Float32Array(cout * hw));
  const z = xs.map((_, i): Tensor => ({ shape: [cout], data: frontPass(dots[i]!, cout, hw, bn1, act2, lambda, src[i]!.data, ys[i]!, sb1[i]!) }));
  const hid = z.map((v) => relu(linear(v, seW1, seB1)));
  const gate = hid.map((v) => sigmoid(linear(v, seW3, seB3)));
  if (dump) {
    dump('bn1', asTensors(sb1.map((b) => b.bn1!)));
    dump('prelu2', asTensors(ys));
    dump('residual', r);
    dump('mix', asTensors(sb1.map((b) => b.mix!)));
    dump('gap', z);
    dump('se_hidden', hid);
    dump('gate', gate);
  }

  // pass 2: BN2 and the residual add
  const elm = l.variant === 'elm';
  if (ctx.beforeBatchNorm) {
    const pre = xs.map((_, i) => preNorm2(ys[i]!, gate[i]!.data as Float32Array, r[i]!.data, elm, cout, hw));
    ctx.beforeBatchNorm(`${n}.norm2`, asTensors(pre));
  }
  const bn2 = bnParams(ws, `${n}.norm2`, cout);
  const sb2: StageBuffers[] = xs.map(() =>
    dump ? { gated: new Float32Array(cout * hw), ...(elm ? { product: new Float32Array(cout * hw) } : {}), bn2: new Float32Array(cout * hw) } : {},
  );
  const out = asTensors(xs.map((_, i) => backPass(ys[i]!, gate[i]!.data as Float32Array, r[i]!.data, elm, cout, hw, bn2, sb2[i]!)));
  if (dump) {
    dump('gated', asTensors(sb2.map((b) => b.gated!)));
    if (elm) dump('product', asTensors(sb2.map((b) => b.product!)));
    dump('bn2', asTensors(sb2.map((b) => b.bn2!)));
    dump('out', out);
  }
  return out;
}
