/**
 * The network: what the DSL builds and every later stage reads. Plain readonly data, a graph of
 * layers in topological order, each layer named exactly as the official PyTorch checkpoint names
 * its module, so weights, reports and generated RTL instances all share one name.
 *
 * Layer meaning (PyTorch semantics) is defined once in src/ref/float; this file only fixes shapes
 * and structure.
 */

/** Where in the user's TypeScript (or JSON) a layer was declared. */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Channels, height, width of one image's feature map. */
export type Shape3 = readonly [c: number, h: number, w: number];

/** The network input (an RGB image, NCHW with N = 1 per frame). */
export interface InputLayer {
  readonly kind: 'input';
  readonly name: 'input';
  readonly inputs: readonly [];
  readonly outShape: Shape3;
  readonly loc?: SourceLoc;
}

/**
 * Real-valued stem: conv (no bias) -> BatchNorm, no activation. BNext: 3x3, stride 2 (1 for CIFAR);
 * BNext-18: 7x7 stride 2 padding 3 (3x3 stride 1 for CIFAR), followed by a separate `maxpool` layer.
 */
export interface StemLayer {
  readonly kind: 'stem';
  /** Layer name used in reports and RTL (checkpoint prefix of the block, e.g. `feature.0`, or `stem`). */
  readonly name: string;
  readonly inputs: readonly [string];
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  /** Checkpoint names of the conv and BatchNorm modules (e.g. `feature.0.conv1`, `feature.0.bn1`). */
  readonly convName: string;
  readonly bnName: string;
  /** Checkpoint name of a PReLU that exists but is never applied (BNext `feature.0.prelu`). */
  readonly unusedPreluName?: string;
  readonly loc?: SourceLoc;
}

/** Max pooling (BNext-18 stem): kernel 3, stride 2, padding 1 (padding acts as -infinity). */
export interface MaxPoolLayer {
  readonly kind: 'maxpool';
  readonly name: string;
  readonly inputs: readonly [string];
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly loc?: SourceLoc;
}

/** The three BNext processor modules (BNEXT.md section 3). */
export type ModuleVariant = 'ffn3x3' | 'ffn1x1' | 'elm';

/**
 * One BNext processor module: move bias -> sign -> binary conv -> BN1 -> PReLU2 -> lambda mix ->
 * squeeze-and-expand gate -> (ELM product) -> BN2 -> residual add.
 */
export interface ModuleLayer {
  readonly kind: 'module';
  /** Checkpoint path of the module, e.g. `feature.2.Attention`, `layer1.0.FFN`. */
  readonly name: string;
  readonly inputs: readonly [string];
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  readonly variant: ModuleVariant;
  /** Binary conv kernel size: 3 (FFN_3x3, ELM) or 1 (FFN_1x1). */
  readonly kernel: 1 | 3;
  readonly stride: 1 | 2;
  /**
   * Residual r. `input`: r = pool(x) (FFN modules). `prelu`: r = pool(PReLU1(x)) (BNext ELM), or
   * r = downsample(PReLU1(x)) when `downsample` is set (BNext-18), PReLU1 over the input channels.
   */
  readonly residual: 'input' | 'prelu';
  /**
   * Source of the lambda mix's first term. `input`: pool(x) (BNext); `residual`: r (BNext-18, where
   * the official code mixes with the residual, i.e. PReLU1(x) or its downsampled form).
   */
  readonly mixSource: 'input' | 'residual';
  /**
   * BNext-18 real-valued downsample on the residual path: AvgPool 2x2 stride 2 -> 1x1 conv (no bias)
   * -> BatchNorm; checkpoint names `<name>.downsample.1` (conv) and `<name>.downsample.2` (BN).
   */
  readonly downsample: boolean;
  /** Squeeze-and-expand hidden width (C/8 in the official code). */
  readonly seHidden: number;
  /** Checkpoint contains `activation1` but the forward never applies it (FFN modules). */
  readonly unusedActivation1: boolean;
  readonly loc?: SourceLoc;
}

/** Channel concatenation (FFN_1 first). */
export interface ConcatLayer {
  readonly kind: 'concat';
  readonly name: string;
  readonly inputs: readonly string[];
  readonly inShape: Shape3;
  readonly outShape: Shape3;
  readonly loc?: SourceLoc;
}

/** Head: PReLU over channels -> global average pool -> fully connected (with bias). */
export interface HeadLayer {
  readonly kind: 'head';
  readonly name: 'head';
  readonly inputs: readonly [string];
  readonly inShape: Shape3;
  /** [classes, 1, 1]. */
  readonly outShape: Shape3;
  readonly classes: number;
  /** Checkpoint names: `prelu`, `fc`. */
  readonly preluName: string;
  readonly fcName: string;
  readonly loc?: SourceLoc;
}

/** Any layer of a network. */
export type Layer = InputLayer | StemLayer | MaxPoolLayer | ModuleLayer | ConcatLayer | HeadLayer;
/** The kind tag of a layer. */
export type LayerKind = Layer['kind'];

/** Family decides naming and the official reference file. */
export type Family = 'bnext' | 'bnext18' | 'custom';

/** A whole network: layers in topological order; the last one is the head. */
export interface Network {
  /** Short name, e.g. `bnext-tiny-224`. */
  readonly name: string;
  readonly family: Family;
  /** Zoo size if the network came from the zoo. */
  readonly size?: string;
  readonly classes: number;
  /** Input image shape [3, H, W]. */
  readonly input: Shape3;
  readonly layers: readonly Layer[];
  /** Binary conv weight sign threshold on the `temperature` buffer (1e-7 BNext, 1e-5 BNext-18). */
  readonly weightTemperatureThreshold: number;
}

/** Look a layer up by name; throws on a dangling name (a construction bug). */
export function layerByName(net: Network, name: string): Layer {
  const l = net.layers.find((x) => x.name === name);
  if (!l) throw new Error(`internal: no layer named ${name} in ${net.name}`);
  return l;
}
