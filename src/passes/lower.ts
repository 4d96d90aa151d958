/**
 * Pass `lower`: network + weights -> float dataflow IR. Each DSL layer becomes the ops that
 * compute it, named `<layer>/<role>`, with float parameters taken from the checkpoint; later
 * passes fold and quantize. The result's float interpretation equals the float model (up to the
 * rewriting of BatchNorm as x*scale + shift and of GAP(mix) as a mix of GAPs, both exact in reals).
 *
 * Module lowering (BNEXT.md section 3), x = module input:
 *   y = prelu2(bn1(conv_bin(sign(bias(x, move)))))
 *   r = avgpool?(x) | avgpool?(prelu1(x)) | bn_ds(conv_1x1(avgpool(prelu1(x))))
 *   a = mix source: avgpool?(x) (BNext) or r (BNext-18)
 *   g = sigmoid(fc2(relu(fc1(mix(gap(a), gap(y), lambda)))))   (GAP is linear: GAP(mix) = mix(GAPs))
 *   out = gate(y or y*r, g, bn2) + r
 */
import type { Layer, ModuleLayer, Network, Shape3 } from '../dsl/network.js';
import { fail } from '../diag.js';
import { lambdaClampedInEval } from '../ref/float/layers.js';
import { param } from '../weights/load.js';
import type { WeightSet } from '../weights/types.js';
import type { Elem, Graph, Node, Vec } from '../ir/graph.js';

const FLOAT: Elem = { kind: 'float' };
const BIN: Elem = { kind: 'bin' };
const BN_EPS = 1e-5;

/** BatchNorm (eval) as per-channel scale and shift. */
function bnAffine(ws: WeightSet, prefix: string): { scale: Float64Array; shift: Float64Array } {
  const g = param(ws, `${prefix}.weight`).data;
  const b = param(ws, `${prefix}.bias`).data;
  const m = param(ws, `${prefix}.running_mean`).data;
  const v = param(ws, `${prefix}.running_var`).data;
  const scale = new Float64Array(g.length);
  const shift = new Float64Array(g.length);
  for (let c = 0; c < g.length; c++) {
    scale[c] = g[c]! / Math.sqrt(v[c]! + BN_EPS);
    shift[c] = b[c]! - m[c]! * scale[c]!;
  }
  return { scale, shift };
}

function signOf(v: ArrayLike<number>): Int8Array {
  const out = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! > 0 ? 1 : v[i]! < 0 ? -1 : 0;
  return out;
}

function vec(ws: WeightSet, name: string): Float64Array {
  return Float64Array.from(param(ws, name).data);
}

/** A node without the fields the emitter fills in (distributes over the union). */
type NodeInit = Node extends infer N ? (N extends Node ? Omit<N, 'layer' | 'par' | 'loc'> & { par?: number } : never) : never;

/** Mutable helper that appends nodes. */
class Emitter {
  readonly nodes: Node[] = [];
  private readonly byId = new Map<string, Node>();
  constructor(readonly layer: Layer) {}

  add(n: NodeInit): string {
    const full = { par: 1, ...n, layer: this.layer.name, ...(this.layer.loc ? { loc: this.layer.loc } : {}) } as Node;
    this.nodes.push(full);
    this.byId.set(full.id, full);
    return full.id;
  }

  shape(id: string, all: ReadonlyMap<string, Node>): Shape3 {
    return (this.byId.get(id) ?? all.get(id))!.shape;
  }
}

function lowerModule(net: Network, l: ModuleLayer, x: string, ws: WeightSet, e: Emitter, all: ReadonlyMap<string, Node>, o: LowerOptions): string {
  const n = l.name;
  const temp = param(ws, `${n}.binary_conv.temperature`).data[0]!;
  if (!(temp < net.weightTemperatureThreshold))
    fail(
      'E_WEIGHTS',
      `${n}.binary_conv.temperature is ${temp}, not below ${net.weightTemperatureThreshold}: the checkpoint is not fully binarized, so its forward uses real-valued weights that binary hardware cannot compute`,
      { field: `${n}.binary_conv.temperature` },
    );
  const [cin, h, w] = l.inShape;
  const [cout, ho, wo] = l.outShape;
  const pooled: Shape3 = [cin, Math.floor(h / 2), Math.floor(w / 2)];
  const poolOf = (src: string, role: string): string =>
    l.stride === 2 ? e.add({ kind: 'avgpool', id: `${n}/${role}`, inputs: [src], shape: [e.shape(src, all)[0], pooled[1], pooled[2]], elem: FLOAT }) : src;

  // Residual path.
  let r: string;
  let pooledX: string | undefined;
  if (l.residual === 'prelu') {
    const p1 = e.add({ kind: 'prelu', id: `${n}/prelu1`, inputs: [x], shape: l.inShape, elem: FLOAT, slope: vec(ws, `${n}.activation1.weight`) });
    if (l.downsample) {
      const ap = e.add({ kind: 'avgpool', id: `${n}/ds_pool`, inputs: [p1], shape: pooled, elem: FLOAT });
      const dc = e.add({
        kind: 'conv',
        id: `${n}/ds_conv`,
        inputs: [ap],
        shape: [cout, ho, wo],
        elem: FLOAT,
        binary: false,
        kernel: 1,
        stride: 1,
        pad: 0,
        weight: Float32Array.from(param(ws, `${n}.downsample.1.weight`).data),
      });
      r = e.add({ kind: 'batchnorm', id: `${n}/ds_bn`, inputs: [dc], shape: [cout, ho, wo], elem: FLOAT, ...bnAffine(ws, `${n}.downsample.2`) });
    } else r = poolOf(p1, 'res_pool');
  } else {
    pooledX = poolOf(x, 'pool');
    r = pooledX;
  }

  // Binary branch.
  const mv = e.add({ kind: 'bias', id: `${n}/move`, inputs: [x], shape: l.inShape, elem: FLOAT, bias: vec(ws, `${n}.move.bias`) });
  const sg = e.add({ kind: 'sign', id: `${n}/sign`, inputs: [mv], shape: l.inShape, elem: BIN });
  const cv = e.add({
    kind: 'conv',
    id: `${n}/conv`,
    inputs: [sg],
    shape: [cout, ho, wo],
    elem: FLOAT,
    binary: true,
    kernel: l.kernel,
    stride: l.stride,
    pad: Math.floor(l.kernel / 2),
    weight: o.shapesOnly ? new Int8Array(param(ws, `${n}.binary_conv.weight`).data.length) : signOf(param(ws, `${n}.binary_conv.weight`).data),
  });
  const b1 = e.add({ kind: 'batchnorm', id: `${n}/bn1`, inputs: [cv], shape: [cout, ho, wo], elem: FLOAT, ...bnAffine(ws, `${n}.norm1`) });
  const y = e.add({ kind: 'prelu', id: `${n}/prelu2`, inputs: [b1], shape: [cout, ho, wo], elem: FLOAT, slope: vec(ws, `${n}.activation2.weight`) });

  // Squeeze-and-expand on the mix.
  const a = l.mixSource === 'residual' ? r : (pooledX ?? poolOf(x, 'pool'));
  const vshape = (c: number): Shape3 => [c, 1, 1];
  const ga = e.add({ kind: 'gap', id: `${n}/gap_a`, inputs: [a], shape: vshape(cout), elem: FLOAT });
  const gy = e.add({ kind: 'gap', id: `${n}/gap_y`, inputs: [y], shape: vshape(cout), elem: FLOAT });
  // FFN_1x1 (BNext) and FFN_3x3 (BNext-18) clamp lambda to [0, 1] even in eval mode.
  const clamp = lambdaClampedInEval(net.family, l.variant);
  const lambda = vec(ws, `${n}.scale`).map((v) => (clamp ? Math.min(1, Math.max(0, v)) : v));
  const mx = e.add({ kind: 'mix', id: `${n}/mix`, inputs: [ga, gy], shape: vshape(cout), elem: FLOAT, lambda });
  const hdn = l.seHidden;
  const f1 = e.add({
    kind: 'fc',
    id: `${n}/se_fc1`,
    inputs: [mx],
    shape: vshape(hdn),
    elem: FLOAT,
    inFeatures: cout,
    outFeatures: hdn,
    weight: vec(ws, `${n}.se.se.1.weight`),
    bias: vec(ws, `${n}.se.se.1.bias`),
    relu: true,
  });
  const f2 = e.add({
    kind: 'fc',
    id: `${n}/se_fc2`,
    inputs: [f1],
    shape: vshape(cout),
    elem: FLOAT,
    inFeatures: hdn,
    outFeatures: cout,
    weight: vec(ws, `${n}.se.se.3.weight`),
    bias: vec(ws, `${n}.se.se.3.bias`),
    relu: false,
  });
  const g = e.add({ kind: 'sigmoid', id: `${n}/se_sigmoid`, inputs: [f2], shape: vshape(cout), elem: FLOAT });

  // Gate, BN2, residual.
  const prod = l.variant === 'elm' ? e.add({ kind: 'mul', id: `${n}/elm_mul`, inputs: [y, r], shape: [cout, ho, wo], elem: FLOAT }) : y;
  const bn2 = bnAffine(ws, `${n}.norm2`);
  const gt = e.add({ kind: 'gate', id: `${n}/gate`, inputs: [prod, g], shape: [cout, ho, wo], elem: FLOAT, scale: bn2.scale, shift: bn2.shift });
  return e.add({ kind: 'add', id: `${n}/add`, inputs: [gt, r], shape: [cout, ho, wo], elem: FLOAT });
}

/** Options of {@link lower}. */
export interface LowerOptions {
  /**
   * Shape-level lowering: binary conv weights become zero placeholders of the right length instead
   * of the signs of the given weights (BNext-Large has 308 M of them). For uses that read shapes,
   * folding and widths only (the resource estimate), never for generating or interpreting.
   */
  readonly shapesOnly?: boolean;
}

/** Lowers a network with its weights to the float IR. */
export function lower(net: Network, ws: WeightSet, o: LowerOptions = {}): Graph {
  const nodes: Node[] = [];
  const all = new Map<string, Node>();
  const outOf = new Map<string, string>();
  for (const l of net.layers) {
    const e = new Emitter(l);
    const src = (i = 0): string => outOf.get(l.inputs[i]!)!;
    let out: string;
    switch (l.kind) {
      case 'input':
        out = e.add({ kind: 'input', id: 'input', inputs: [], shape: l.outShape, elem: FLOAT });
        break;
      case 'stem': {
        const cv = e.add({
          kind: 'conv',
          id: `${l.name}/conv`,
          inputs: [src()],
          shape: l.outShape,
          elem: FLOAT,
          binary: false,
          kernel: l.kernel,
          stride: l.stride,
          pad: l.padding,
          weight: Float32Array.from(param(ws, `${l.convName}.weight`).data),
        });
        out = e.add({ kind: 'batchnorm', id: `${l.name}/bn`, inputs: [cv], shape: l.outShape, elem: FLOAT, ...bnAffine(ws, l.bnName) });
        break;
      }
      case 'maxpool':
        out = e.add({ kind: 'maxpool', id: l.name, inputs: [src()], shape: l.outShape, elem: FLOAT, kernel: l.kernel, stride: l.stride, pad: l.padding });
        break;
      case 'module':
        out = lowerModule(net, l, src(), ws, e, all, o);
        break;
      case 'concat':
        out = e.add({ kind: 'concat', id: l.name, inputs: l.inputs.map((_, i) => src(i)), shape: l.outShape, elem: FLOAT });
        break;
      case 'head': {
        const c = l.inShape[0];
        const p = e.add({ kind: 'prelu', id: 'head/prelu', inputs: [src()], shape: l.inShape, elem: FLOAT, slope: vec(ws, `${l.preluName}.weight`) });
        const gp = e.add({ kind: 'gap', id: 'head/gap', inputs: [p], shape: [c, 1, 1], elem: FLOAT });
        const fc = e.add({
          kind: 'fc',
          id: 'head/fc',
          inputs: [gp],
          shape: [l.classes, 1, 1],
          elem: FLOAT,
          inFeatures: c,
          outFeatures: l.classes,
          weight: vec(ws, `${l.fcName}.weight`),
          bias: vec(ws, `${l.fcName}.bias`),
          relu: false,
        });
        out = e.add({ kind: 'output', id: 'output', inputs: [fc], shape: [l.classes, 1, 1], elem: FLOAT });
        break;
      }
    }
    for (const n of e.nodes) {
      nodes.push(n);
      all.set(n.id, n);
    }
    outOf.set(l.name, out);
  }
  return { name: net.name, nodes, passes: ['lower'] };
}

/** Re-exported for passes that build vectors. */
export type { Vec };
