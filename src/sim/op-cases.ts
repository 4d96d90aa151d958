/**
 * Random test cases for single ops: an IR node with random quantized parameters, its producer
 * node(s) and random input codes spanning the whole input format (so saturation and rounding on
 * exact halves are exercised). Used by `bnext-rtl sim --op` and the op grid tests.
 */
import { z } from 'zod';
import { fail } from '../diag.js';
import { maxCode, minCode, type FixFormat } from '../ir/fixed.js';
import type { Elem, Node } from '../ir/graph.js';
import { Rng } from '../util/rng.js';

/** Parameters of a case (all optional; defaults give a small map). */
export const OpCaseParams = z
  .object({
    channels: z.number().int().min(1).max(4096),
    height: z.number().int().min(1).max(256),
    width: z.number().int().min(1).max(256),
    par: z.number().int().min(1),
    inWidth: z.number().int().min(2).max(24),
    outWidth: z.number().int().min(2).max(24),
    slope: z.boolean(),
  })
  .partial()
  .strict();
export type OpCaseParams = z.infer<typeof OpCaseParams>;

/** A ready-to-simulate case. */
export interface OpCase {
  readonly node: Node;
  readonly inputs: readonly Node[];
  readonly values: readonly Float64Array[];
}

const fix = (fmt: FixFormat): Elem => ({ kind: 'fix', fmt });
const s = (width: number, frac: number): FixFormat => ({ signed: true, width, frac });

function randomCodes(rng: Rng, n: number, f: FixFormat): Float64Array {
  const lo = minCode(f);
  const hi = maxCode(f);
  return Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? lo : i % 19 === 0 ? hi : rng.int(hi - lo + 1) + lo));
}

function ints(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.int(hi - lo + 1) + lo);
}

const CASES: Partial<Record<Node['kind'], (p: Required<OpCaseParams>, rng: Rng) => OpCase>> = {
  affine: (p, rng) => {
    const inF = s(p.inWidth, 4);
    const shape = [p.channels, p.height, p.width] as const;
    const src: Node = { kind: 'input', id: 'x', inputs: [], shape, elem: fix(inF), par: p.par, layer: 'case' };
    const c = p.channels;
    const mul = ints(rng, c, -30000, 30000);
    const slope = p.slope ? ints(rng, c, -20000, 20000) : undefined;
    const zFrac = inF.frac + 14;
    const add = ints(rng, c, -(2 ** 24), 2 ** 24);
    const node: Node = {
      kind: 'affine',
      id: 'op',
      inputs: ['x'],
      shape,
      elem: fix(s(p.outWidth, 6)),
      par: p.par,
      layer: 'case',
      scale: new Float64Array(c),
      shift: new Float64Array(c),
      ...(slope ? { slope: new Float64Array(c) } : {}),
      q: { mul, add, zFrac, slopeFrac: 15, zWidth: p.inWidth + 16 + 2 + (slope ? 16 : 0), ...(slope ? { slope } : {}) },
    };
    return { node, inputs: [src], values: [randomCodes(rng, c * p.height * p.width, inF)] };
  },
};

/** Op kinds with a case generator. */
export function caseKinds(): string[] {
  return Object.keys(CASES);
}

/** Builds a random case for `kind`. */
export function opCase(kind: string, params: unknown = {}, seed = 1): OpCase {
  const gen = CASES[kind as Node['kind']];
  if (!gen) return fail('E_ARG', `no simulation case for op '${kind}'; choose one of ${caseKinds().join(', ')}`, { field: '--op' });
  const r = OpCaseParams.safeParse(params);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return fail('E_ARG', i.message, { field: `--params.${i.path.join('.')}` });
  }
  const p: Required<OpCaseParams> = { channels: 4, height: 3, width: 3, par: 1, inWidth: 12, outWidth: 12, slope: true, ...r.data };
  if (p.channels % p.par !== 0) fail('E_ARG', `par ${p.par} must divide channels ${p.channels}`, { field: '--params.par' });
  return gen(p, new Rng(seed));
}
