/**
 * The options that choose how a network becomes hardware (folding, clock, weight storage, external
 * memory), shared by `generate` and `estimate` so both read them by the same rules.
 */
import type { Argv } from 'yargs';
import { fail } from '../diag.js';
import { DEFAULT_CLOCK_MHZ, DEFAULT_EXT_MEM_THRESHOLD_BITS, DEFAULT_TARGET_FPS, type FoldChoice } from '../emit/design.js';
import type { WeightsMode } from '../emit/types.js';
import { readFileChecked } from '../io/atomic.js';
import { DEFAULT_EXT_MEM_LATENCY } from '../emit/ops/plumbing.js';
import { FoldFileSchema } from '../passes/fold.js';
import { intArg } from './options.js';

/** Largest --ext-mem-latency (the head FIFO of every external buffer grows with it). */
const MAX_EXT_MEM_LATENCY = 4096;

/** Adds --fold, --target-fps, --clock-mhz, --budget-luts, --weights-mode, --ext-mem-threshold and --ext-mem-latency. */
export function withDesignOptions<T>(y: Argv<T>) {
  return y
    .option('fold', { type: 'string', requiresArg: true, default: 'auto', describe: "'auto' or a fold.json file (per-layer par, pe, simd, vpar)" })
    .option('target-fps', { type: 'string', requiresArg: true, describe: `automatic folding: frames/s to reach (default ${DEFAULT_TARGET_FPS})` })
    .option('clock-mhz', { type: 'string', requiresArg: true, describe: `clock for --target-fps and the reports (default ${DEFAULT_CLOCK_MHZ})` })
    .option('budget-luts', { type: 'string', requiresArg: true, describe: 'automatic folding: the best throughput whose LUT estimate fits this budget' })
    .option('weights-mode', {
      type: 'string',
      choices: ['rom', 'stream'],
      default: 'rom',
      describe:
        "rom: MVAU weights in ROMs initialised from mem/*.mem; stream: each MVAU reads a top-level weight stream w_<mvau>_{tvalid,tready,tdata} fed with the words of its mem file once per output pixel (manifest weightStreams; the SE and classifier layers keep ROMs)",
    })
    .option('ext-mem-threshold', {
      type: 'string',
      requiresArg: true,
      describe: `map buffers (FIFOs) whose RAM exceeds this many bits get an external memory port ext_<fifo>_* (write/read request channels with byte address and data, write-done and read-response channels; manifest externalMemory lists regions and bandwidth) instead of on-chip RAM; 'none' or 0 keeps all on chip (default ${DEFAULT_EXT_MEM_THRESHOLD_BITS} = 1 Mbit)`,
    })
    .option('ext-mem-latency', {
      type: 'string',
      requiresArg: true,
      describe: `read latency of your memory in cycles (request to response) that the external buffers keep one beat per cycle under: each fifo_ext head holds that many reads in flight (default ${DEFAULT_EXT_MEM_LATENCY})`,
    });
}

/** The parsed design options. */
export interface DesignArgs {
  /** Folding: a fold file, a frame-rate target or a LUT budget. */
  readonly fold: FoldChoice;
  /** Clock in MHz (for the frame-rate target and the reports). */
  readonly clockMhz: number;
  /** FIFOs over this many bits use external memory (0: none). */
  readonly extMemThresholdBits: number;
  /** MVAU weights in ROMs or from weight streams. */
  readonly weightsMode: WeightsMode;
  /** Memory read latency (cycles) the external buffers are built for. */
  readonly extMemLatency: number;
}

/** Reads the options of {@link withDesignOptions}; bad values fail naming the option. */
export function resolveDesignArgs(a: {
  fold?: string | undefined;
  targetFps?: string | undefined;
  clockMhz?: string | undefined;
  budgetLuts?: string | undefined;
  weightsMode?: string | undefined;
  extMemThreshold?: string | undefined;
  extMemLatency?: string | undefined;
}): DesignArgs {
  const clockMhz = a.clockMhz !== undefined ? Number(a.clockMhz) : DEFAULT_CLOCK_MHZ;
  if (!(clockMhz > 0 && clockMhz <= 2000)) fail('E_ARG', `--clock-mhz must be a number in (0, 2000], got '${a.clockMhz}'`, { field: '--clock-mhz' });
  return {
    fold: foldChoice(a, clockMhz),
    clockMhz,
    extMemThresholdBits: extMemThresholdArg(a.extMemThreshold),
    weightsMode: a.weightsMode === 'stream' ? 'stream' : 'rom',
    extMemLatency: intArg(a.extMemLatency, 'ext-mem-latency', 1, MAX_EXT_MEM_LATENCY) ?? DEFAULT_EXT_MEM_LATENCY,
  };
}

function foldChoice(a: { fold?: string | undefined; targetFps?: string | undefined; budgetLuts?: string | undefined }, clockMhz: number): FoldChoice {
  if (a.fold !== undefined && a.fold !== 'auto') {
    if (a.targetFps !== undefined || a.budgetLuts !== undefined)
      fail('E_ARG', '--target-fps and --budget-luts choose an automatic folding; they do not combine with a fold file', { field: '--fold' });
    let raw: unknown;
    try {
      raw = JSON.parse(readFileChecked(a.fold).toString('utf8'));
    } catch (e) {
      if (e instanceof Error && e.name === 'BnextError') throw e;
      fail('E_FOLD', `not valid JSON: ${(e as Error).message}`, { file: a.fold });
    }
    const r = FoldFileSchema.safeParse(raw);
    if (!r.success) {
      const i = r.error.issues[0]!;
      fail('E_FOLD', i.message, { file: a.fold, field: i.path.join('.') || '(root)' });
    }
    return { kind: 'file', config: r.data, file: a.fold };
  }
  if (a.budgetLuts !== undefined) {
    if (a.targetFps !== undefined) fail('E_ARG', 'give either --target-fps or --budget-luts, not both', { field: '--budget-luts' });
    return { kind: 'luts', budgetLuts: intArg(a.budgetLuts, 'budget-luts', 100)!, clockMhz };
  }
  const fps = a.targetFps !== undefined ? Number(a.targetFps) : DEFAULT_TARGET_FPS;
  if (!(fps > 0)) fail('E_ARG', `--target-fps must be a positive number, got '${a.targetFps}'`, { field: '--target-fps' });
  return { kind: 'fps', targetFps: fps, clockMhz };
}

function extMemThresholdArg(v: string | undefined): number {
  if (v === undefined) return DEFAULT_EXT_MEM_THRESHOLD_BITS;
  const t = v.trim();
  if (t === 'none') return 0;
  const n = /^\d+$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(n)) fail('E_ARG', `--ext-mem-threshold must be a number of bits (0 or more) or 'none', got '${v}'`, { field: '--ext-mem-threshold' });
  return n;
}
