/**
 * The model zoo: BNext Tiny/Small/Middle/Large (official `src/bnext.py`) and BNext-18 (official
 * `src/birealnet.py`). Sizes are data (stage lists); one function builds any of them.
 */
import { fail } from '../diag.js';
import { NetworkBuilder } from './builder.js';
import type { Network } from './network.js';

/** Stage lists S = [c0, c1, c2 x n2, c3 x n3, c4 x n4, c5 x n5] as [channels, repeat] pairs. */
export const BNEXT_STAGES = {
  tiny: [[32, 1], [64, 1], [128, 2], [256, 2], [512, 6], [1024, 2]],
  small: [[48, 1], [96, 1], [192, 2], [384, 2], [768, 6], [1536, 2]],
  middle: [[48, 1], [96, 1], [192, 4], [384, 4], [768, 8], [1536, 4]],
  large: [[64, 1], [128, 1], [256, 4], [512, 4], [1024, 16], [2048, 4]],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

/** BNext-18: ResNet-18 layout. */
export const BNEXT18_LAYERS = { widths: [64, 128, 256, 512], blocks: [2, 2, 2, 2] } as const;

/** A BNext size name. */
export type BnextSize = keyof typeof BNEXT_STAGES;
/** Any zoo network name. */
export type ZooSize = BnextSize | 'bnext18';
/** Every zoo size, in order. */
export const ZOO_SIZES: readonly ZooSize[] = ['tiny', 'small', 'middle', 'large', 'bnext18'];

/** Options common to zoo networks. */
export interface ZooOptions {
  /** Input height = width (default 224). Must be a positive multiple of 32. */
  readonly input?: number;
  /** Number of classes (default 1000). Any other count selects the CIFAR stem. */
  readonly classes?: number;
}

/** Expanded stage list of a size, e.g. tiny -> [32, 64, 128, 128, 256, 256, ...]. */
export function stageList(size: BnextSize): number[] {
  return BNEXT_STAGES[size].flatMap(([c, n]) => Array<number>(n).fill(c));
}

/** Checks the input-size rule of BNEXT.md section 1. */
export function checkInputSize(input: number): void {
  if (!Number.isInteger(input) || input < 32 || input % 32 !== 0)
    fail(
      'E_INPUT_SIZE',
      `input size ${input} is not a positive multiple of 32 (the stride-2 convs round up and the 2x2 average pools round down, so other sizes fail in the official code)`,
      { field: 'input' },
    );
}

/** Builds BNext of the given size (BNEXT.md sections 1-3). */
export function bnext(size: BnextSize, opts: ZooOptions = {}): Network {
  const input = opts.input ?? 224;
  const classes = opts.classes ?? 1000;
  checkInputSize(input);
  const s = stageList(size);
  const b = new NetworkBuilder({
    name: `bnext-${size}-${input}`,
    family: 'bnext',
    size,
    input: [3, input, input],
    classes,
    weightTemperatureThreshold: 1e-7,
  });
  let t = b.stem(b.input(), { channels: s[0]!, kernel: 3, stride: classes === 1000 ? 2 : 1 });
  for (let i = 1; i < s.length; i++) {
    const widen = s[i - 1] !== s[i];
    const stride = widen && s[i] !== s[1] ? 2 : 1;
    const mixer = i === 1 || i % 2 === 1 ? 'ffn3x3' : 'elm';
    t = b.bnextBlock(t, { name: `feature.${i}`, out: s[i]!, stride, mixer });
  }
  return b.head(t).build();
}

/** Builds BNext-18 (BNEXT.md section 4). */
export function bnext18(opts: ZooOptions = {}): Network {
  const input = opts.input ?? 224;
  const classes = opts.classes ?? 1000;
  checkInputSize(input);
  const b = new NetworkBuilder({
    name: `bnext18-${input}`,
    family: 'bnext18',
    size: 'bnext18',
    input: [3, input, input],
    classes,
    weightTemperatureThreshold: 1e-5,
  });
  const imagenet = classes === 1000;
  let t = b.stem(b.input(), {
    name: 'stem',
    channels: BNEXT18_LAYERS.widths[0],
    kernel: imagenet ? 7 : 3,
    stride: imagenet ? 2 : 1,
    convName: 'conv1',
    bnName: 'bn1',
    unusedPreluName: null,
  });
  if (imagenet) t = b.maxpool(t, 'maxpool');
  BNEXT18_LAYERS.widths.forEach((width, li) => {
    for (let j = 0; j < BNEXT18_LAYERS.blocks[li]!; j++) {
      const stride = li > 0 && j === 0 ? 2 : 1;
      t = b.bnext18Block(t, { name: `layer${li}.${j}`, out: width, stride });
    }
  });
  return b.head(t).build();
}

/** Any zoo network by size name; a clear error for an unknown size. */
export function zooNetwork(size: string, opts: ZooOptions = {}): Network {
  if (size === 'bnext18') return bnext18(opts);
  if (size in BNEXT_STAGES) return bnext(size as BnextSize, opts);
  return fail('E_SIZE', `unknown size '${size}'; choose one of ${ZOO_SIZES.join(', ')}`, { field: 'size' });
}
