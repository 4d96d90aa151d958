/**
 * The DSL: a typed builder for BNext-style networks. Each call adds one layer (or one block of
 * layers) and returns the name of its output, so graphs are written as ordinary TypeScript:
 *
 * ```ts
 * const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
 * let t = b.stem(b.input(), { channels: 16, kernel: 3, stride: 1 });
 * t = b.bnextBlock(t, { name: 'feature.1', out: 32, stride: 1, mixer: 'ffn3x3' });
 * t = b.bnextBlock(t, { name: 'feature.2', out: 64, stride: 2, mixer: 'elm' });
 * const net = b.head(t).build();
 * ```
 *
 * Shapes are inferred and checked at each call; every layer records the call site.
 */
import { fail } from '../diag.js';
import type {
  ConcatLayer,
  Family,
  HeadLayer,
  Layer,
  MaxPoolLayer,
  ModuleLayer,
  ModuleVariant,
  Network,
  Shape3,
  SourceLoc,
  StemLayer,
} from './network.js';

/** Options of a network under construction. */
export interface NetworkOptions {
  /** Short name used for output folders and reports. */
  readonly name: string;
  /** Input image shape [3, H, W]. */
  readonly input: Shape3;
  /** Number of classes of the FC head. */
  readonly classes: number;
  /** Naming family (default `custom`, which names layers like BNext). */
  readonly family?: Family;
  /** Zoo size, when built by the zoo. */
  readonly size?: string;
  /** Binary weight temperature threshold (1e-7 BNext, 1e-5 BNext-18). */
  readonly weightTemperatureThreshold?: number;
}

/** Stem options. */
export interface StemOptions {
  /** Output channels. */
  readonly channels: number;
  /** Kernel size (3 for BNext, 7 for BNext-18 at ImageNet). */
  readonly kernel: number;
  readonly stride: number;
  /** Default kernel // 2. */
  readonly padding?: number;
  /** Layer name (default `feature.0`). */
  readonly name?: string;
  /** Checkpoint names of conv / bn (default `<name>.conv1`, `<name>.bn1`). */
  readonly convName?: string;
  readonly bnName?: string;
  /** Checkpoint name of the unused stem PReLU, if the checkpoint has one (BNext: `<name>.prelu`). */
  readonly unusedPreluName?: string | null;
}

/** One processor module. */
export interface ModuleOptions {
  /** Checkpoint path, e.g. `feature.3.FFN`. */
  readonly name: string;
  readonly variant: ModuleVariant;
  readonly stride?: 1 | 2;
  /** Output channels (default: input channels; only BNext-18-style downsampling modules differ). */
  readonly out?: number;
  readonly residual?: 'input' | 'prelu';
  readonly mixSource?: 'input' | 'residual';
  readonly downsample?: boolean;
  /** SE reduction ratio (default 8). */
  readonly seRatio?: number;
}

/** A BNext BasicBlock: 3x3 mixer then one FFN_1x1, or two concatenated when the width doubles. */
export interface BnextBlockOptions {
  /** Block prefix, e.g. `feature.4`. */
  readonly name: string;
  /** Output channels: equal to the input, or twice it. */
  readonly out: number;
  readonly stride: 1 | 2;
  /** The 3x3 module: ELM-Attention or FFN_3x3. */
  readonly mixer: 'elm' | 'ffn3x3';
}

/** A BNext-18 block: ELM-Attention (with real downsample when it widens) then FFN_3x3. */
export interface Bnext18BlockOptions {
  /** Block prefix, e.g. `layer1.0`. */
  readonly name: string;
  readonly out: number;
  readonly stride: 1 | 2;
}

/** Output size of a conv/pool window along one axis (PyTorch floor rule). */
export function convOut(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** The first stack frame outside the DSL folder: the user's call site. */
function callSite(): SourceLoc | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    if (/[\\/](src|dist)[\\/]dsl[\\/]/.test(line)) continue;
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (m) return { file: m[1]!.replace(/^file:\/\//, ''), line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

function positiveInt(v: number, field: string, net: string): void {
  if (!Number.isInteger(v) || v < 1) fail('E_NETWORK', `${field} must be a positive integer, got ${v}`, { field, file: net });
}

/** Builds a {@link Network} one layer at a time. */
export class NetworkBuilder {
  private readonly layers: Layer[] = [];
  private readonly opts: NetworkOptions;

  constructor(opts: NetworkOptions) {
    this.opts = opts;
    const [c, h, w] = opts.input;
    positiveInt(h, 'input.height', opts.name);
    positiveInt(w, 'input.width', opts.name);
    positiveInt(opts.classes, 'classes', opts.name);
    if (c !== 3) fail('E_NETWORK', `input must have 3 channels (RGB), got ${c}`, { field: 'input.channels' });
  }

  /** The network input; returns its name. */
  input(): string {
    if (this.layers.length) fail('E_NETWORK', 'input() must be the first layer');
    this.layers.push({ kind: 'input', name: 'input', inputs: [], outShape: this.opts.input, loc: callSite() });
    return 'input';
  }

  private shapeOf(name: string): Shape3 {
    const l = this.layers.find((x) => x.name === name);
    if (!l) fail('E_NETWORK', `unknown layer '${name}' used as an input`, { field: name });
    return l.outShape;
  }

  private add<L extends Layer>(layer: L): string {
    if (this.layers.some((x) => x.name === layer.name)) fail('E_NETWORK', `duplicate layer name '${layer.name}'`, { field: layer.name });
    this.layers.push(layer);
    return layer.name;
  }

  /** Real-valued stem conv + BatchNorm. */
  stem(src: string, o: StemOptions): string {
    const inShape = this.shapeOf(src);
    positiveInt(o.channels, 'stem.channels', this.opts.name);
    positiveInt(o.kernel, 'stem.kernel', this.opts.name);
    positiveInt(o.stride, 'stem.stride', this.opts.name);
    const padding = o.padding ?? Math.floor(o.kernel / 2);
    const name = o.name ?? 'feature.0';
    const h = convOut(inShape[1], o.kernel, o.stride, padding);
    const w = convOut(inShape[2], o.kernel, o.stride, padding);
    if (h < 1 || w < 1) fail('E_NETWORK', `stem output would be empty (${h}x${w})`, { field: 'stem' });
    const layer: StemLayer = {
      kind: 'stem',
      name,
      inputs: [src],
      inShape,
      outShape: [o.channels, h, w],
      kernel: o.kernel,
      stride: o.stride,
      padding,
      convName: o.convName ?? `${name}.conv1`,
      bnName: o.bnName ?? `${name}.bn1`,
      ...(o.unusedPreluName === null ? {} : { unusedPreluName: o.unusedPreluName ?? `${name}.prelu` }),
      loc: callSite(),
    };
    return this.add(layer);
  }

  /** 3x3 stride-2 padding-1 max pooling (BNext-18 stem). */
  maxpool(src: string, name = 'maxpool'): string {
    const inShape = this.shapeOf(src);
    const layer: MaxPoolLayer = {
      kind: 'maxpool',
      name,
      inputs: [src],
      inShape,
      outShape: [inShape[0], convOut(inShape[1], 3, 2, 1), convOut(inShape[2], 3, 2, 1)],
      kernel: 3,
      stride: 2,
      padding: 1,
      loc: callSite(),
    };
    return this.add(layer);
  }

  /** One processor module (FFN_3x3, FFN_1x1 or ELM-Attention). */
  module(src: string, o: ModuleOptions): string {
    const inShape = this.shapeOf(src);
    const [cin, h, w] = inShape;
    const stride = o.stride ?? 1;
    const kernel = o.variant === 'ffn1x1' ? 1 : 3;
    if (o.variant === 'ffn1x1' && stride !== 1) fail('E_NETWORK', `${o.name}: FFN_1x1 must have stride 1`, { field: `${o.name}.stride` });
    if (stride !== 1 && stride !== 2) fail('E_NETWORK', `${o.name}: stride must be 1 or 2, got ${stride}`, { field: `${o.name}.stride` });
    const cout = o.out ?? cin;
    const downsample = o.downsample ?? false;
    if (cout !== cin && !downsample)
      fail('E_NETWORK', `${o.name}: a module keeps its channel count (${cin}) unless it has a downsample path`, { field: `${o.name}.out` });
    if (downsample && (o.variant !== 'elm' || o.residual !== 'prelu'))
      fail('E_NETWORK', `${o.name}: a downsample path exists only on ELM modules with a PReLU residual`, { field: `${o.name}.downsample` });
    if (stride === 2 && (h % 2 !== 0 || w % 2 !== 0))
      fail(
        'E_NETWORK',
        `${o.name}: a stride-2 module needs an even input size (got ${h}x${w}); the stride-2 conv rounds up but the 2x2 average pool rounds down`,
        { field: `${o.name}.stride` },
      );
    const ratio = o.seRatio ?? 8;
    const seHidden = Math.floor(cout / ratio);
    if (seHidden < 1) fail('E_NETWORK', `${o.name}: ${cout} channels leave no SE hidden units at ratio ${ratio}`, { field: `${o.name}.out` });
    const residual = o.residual ?? (o.variant === 'elm' ? 'prelu' : 'input');
    if (o.variant === 'elm' && residual !== 'prelu') fail('E_NETWORK', `${o.name}: ELM-Attention has a PReLU residual`, { field: `${o.name}.residual` });
    const layer: ModuleLayer = {
      kind: 'module',
      name: o.name,
      inputs: [src],
      inShape,
      outShape: [cout, stride === 2 ? h / 2 : h, stride === 2 ? w / 2 : w],
      variant: o.variant,
      kernel,
      stride,
      residual,
      mixSource: o.mixSource ?? 'input',
      downsample,
      seHidden,
      unusedActivation1: residual !== 'prelu',
      loc: callSite(),
    };
    return this.add(layer);
  }

  /** Channel concatenation of equally sized maps, in the given order. */
  concat(srcs: readonly string[], name: string): string {
    if (srcs.length < 2) fail('E_NETWORK', `${name}: concat needs at least two inputs`, { field: name });
    const shapes = srcs.map((s) => this.shapeOf(s));
    const [, h, w] = shapes[0]!;
    for (const [i, s] of shapes.entries())
      if (s[1] !== h || s[2] !== w) fail('E_NETWORK', `${name}: input ${srcs[i]} is ${s[1]}x${s[2]}, expected ${h}x${w}`, { field: name });
    const c = shapes.reduce((a, s) => a + s[0], 0);
    const layer: ConcatLayer = { kind: 'concat', name, inputs: [...srcs], inShape: shapes[0]!, outShape: [c, h, w], loc: callSite() };
    return this.add(layer);
  }

  /** A BNext BasicBlock (BNEXT.md section 2). Returns the block output name. */
  bnextBlock(src: string, o: BnextBlockOptions): string {
    const cin = this.shapeOf(src)[0];
    if (o.out !== cin && o.out !== 2 * cin)
      fail('E_NETWORK', `${o.name}: a BasicBlock keeps or doubles the width (${cin} -> ${cin} or ${2 * cin}), got ${o.out}`, {
        field: `${o.name}.out`,
      });
    const mid = this.module(src, { name: `${o.name}.Attention`, variant: o.mixer, stride: o.stride });
    if (o.out === cin) return this.module(mid, { name: `${o.name}.FFN`, variant: 'ffn1x1' });
    const a = this.module(mid, { name: `${o.name}.FFN_1`, variant: 'ffn1x1' });
    const b = this.module(mid, { name: `${o.name}.FFN_2`, variant: 'ffn1x1' });
    return this.concat([a, b], `${o.name}.cat`);
  }

  /** A BNext-18 BasicBlock (BNEXT.md section 4). */
  bnext18Block(src: string, o: Bnext18BlockOptions): string {
    const cin = this.shapeOf(src)[0];
    const downsample = o.stride !== 1 || o.out !== cin;
    if (downsample && o.stride !== 2)
      fail('E_NETWORK', `${o.name}: a widening BNext-18 block must have stride 2 (its downsample path pools 2x2)`, { field: `${o.name}.stride` });
    const mid = this.module(src, {
      name: `${o.name}.Attention`,
      variant: 'elm',
      stride: o.stride,
      out: o.out,
      residual: 'prelu',
      mixSource: 'residual',
      downsample,
    });
    return this.module(mid, { name: `${o.name}.FFN`, variant: 'ffn3x3', mixSource: 'residual' });
  }

  /** PReLU -> global average pool -> FC head. */
  head(src: string): this {
    const inShape = this.shapeOf(src);
    const layer: HeadLayer = {
      kind: 'head',
      name: 'head',
      inputs: [src],
      inShape,
      outShape: [this.opts.classes, 1, 1],
      classes: this.opts.classes,
      preluName: 'prelu',
      fcName: 'fc',
      loc: callSite(),
    };
    this.add(layer);
    return this;
  }

  /** Finish: checks that the graph has an input, ends in a head, and every layer is used. */
  build(): Network {
    const ls = this.layers;
    if (ls[0]?.kind !== 'input') fail('E_NETWORK', `${this.opts.name}: a network starts with input()`);
    if (ls[ls.length - 1]?.kind !== 'head') fail('E_NETWORK', `${this.opts.name}: a network ends with head()`);
    const used = new Set(ls.flatMap((l) => l.inputs));
    for (const l of ls.slice(0, -1))
      if (!used.has(l.name)) fail('E_NETWORK', `${this.opts.name}: layer '${l.name}' is never used`, { field: l.name });
    return {
      name: this.opts.name,
      family: this.opts.family ?? 'custom',
      ...(this.opts.size ? { size: this.opts.size } : {}),
      classes: this.opts.classes,
      input: this.opts.input,
      layers: [...ls],
      weightTemperatureThreshold: this.opts.weightTemperatureThreshold ?? 1e-7,
    };
  }
}
