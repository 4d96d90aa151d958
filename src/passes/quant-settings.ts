/**
 * Quantization settings (BNEXT.md section 7 "Q" settings plus this project's choices for the
 * real-valued paths), validated in one place, with the defaults documented.
 */
import { z } from 'zod';
import { fail } from '../diag.js';
import { parseFormat, type FixFormat } from '../ir/fixed.js';

/** All bit widths are total widths including the sign bit. */
export interface QuantSettings {
  /** Input image codes (signed). Default 8. */
  readonly input: number;
  /** Stem conv weights. Default 8 (official quantized variant). */
  readonly stemWeights: number;
  /** Real-valued feature maps between and inside modules. Default 16. */
  readonly act: number;
  /** SE branch: weights and activations (mix, hidden layer). Default 8 (`--q-se 4` for the published 4-bit). */
  readonly se: number;
  /** BNext-18 downsample 1x1 conv weights. Default 8. */
  readonly downsampleWeights: number;
  /** Head FC weights. Default 8. */
  readonly fcWeights: number;
  /** Head FC input activations (the pooled vector). Default 8. */
  readonly fcAct: number;
  /** Sigmoid table input bits (table has 2^bits entries over [-8, 8)). Default 10. */
  readonly sigmoidIn: number;
  /** Fraction bits of the SE gate g = sigmoid(...) in [0, 1]: format u(gate+1).(gate). Default 12. */
  readonly gate: number;
  /** Headroom multiplier on calibrated ranges. Default 1.5. */
  readonly headroom: number;
  /** Per-node output format overrides, by IR node id (e.g. `feature.1.FFN/add`: `s16.11`). */
  readonly formats: Readonly<Record<string, FixFormat>>;
}

/** The defaults. */
export const DEFAULT_QUANT: QuantSettings = {
  input: 8,
  stemWeights: 8,
  act: 16,
  se: 8,
  downsampleWeights: 8,
  fcWeights: 8,
  fcAct: 8,
  sigmoidIn: 10,
  gate: 12,
  headroom: 1.5,
  formats: {},
};

const bits = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

/** Schema of a user quantization file (all fields optional). */
export const QuantFileSchema = z
  .object({
    input: bits(2, 16),
    stemWeights: bits(2, 16),
    act: bits(4, 24),
    se: bits(2, 16),
    downsampleWeights: bits(2, 16),
    fcWeights: bits(2, 16),
    fcAct: bits(2, 16),
    sigmoidIn: bits(4, 14),
    gate: bits(4, 16),
    headroom: z.number().min(1).max(16),
    formats: z.record(z.string(), z.string().regex(/^[su]\d+\.-?\d+$/, 'a format like s16.10 or u8.8')),
  })
  .partial()
  .strict();

/** Merges user settings (from a JSON object and/or flags) over the defaults, with clear errors. */
export function resolveQuant(user: unknown = {}, file?: string): QuantSettings {
  const r = QuantFileSchema.safeParse(user);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return fail('E_QUANT', i.message, { ...(file ? { file } : {}), field: i.path.join('.') || '(root)' });
  }
  const formats: Record<string, FixFormat> = {};
  for (const [k, v] of Object.entries(r.data.formats ?? {})) formats[k] = parseFormat(v);
  const { formats: _f, ...rest } = r.data;
  void _f;
  return { ...DEFAULT_QUANT, ...rest, formats };
}
