/**
 * Networks written as JSON files, for users who do not write TypeScript. Two forms:
 *
 * A zoo reference (recognized by its `size` field):
 * ```json
 * { "size": "tiny", "input": 224, "classes": 1000 }
 * ```
 * `input` (default 224, a positive multiple of 32) and `classes` (default 1000) are optional.
 *
 * A custom network, built with {@link NetworkBuilder} and named like BNext (`feature.0` is the stem,
 * `feature.<i>` is the i-th block, counting from 1):
 * ```json
 * {
 *   "name": "mini",
 *   "input": 32,
 *   "classes": 10,
 *   "stem": { "channels": 16, "kernel": 3, "stride": 1 },
 *   "blocks": [
 *     { "type": "bnext", "out": 32, "stride": 1, "mixer": "ffn3x3" },
 *     { "type": "bnext", "out": 64, "stride": 2, "mixer": "elm" }
 *   ]
 * }
 * ```
 * `input` is H (square) or `[3, H, W]`; `stem.padding` defaults to kernel // 2; `maxpool: true`
 * adds the BNext-18 3x3 stride-2 max pool after the stem; `name` defaults to the file name. Block
 * types: `bnext` (3x3 mixer `elm` or `ffn3x3`, then FFN_1x1; `out` keeps or doubles the width) and
 * `bnext18` (ELM then FFN_3x3; a widening block has stride 2 and a real downsample path).
 *
 * Every problem is one `BnextError` with code E_NETWORK naming the file, the field path (e.g.
 * `blocks[3].stride`) and the rule; further problems of the same file follow as detail lines.
 */
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { BnextError, fail } from '../diag.js';
import { readFileChecked } from '../io/atomic.js';
import { NetworkBuilder } from './builder.js';
import type { Network } from './network.js';
import { ZOO_SIZES, zooNetwork } from './zoo.js';

const posInt = z
  .number({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a number') })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' });

const stride12 = z.literal([1, 2], { error: (iss) => (iss.input === undefined ? 'is required' : 'must be 1 or 2') });

/** A zoo reference: `{ size, input?, classes? }`. */
export const zooRefSchema = z.strictObject({
  size: z.enum(ZOO_SIZES as [string, ...string[]], { error: `must be one of ${ZOO_SIZES.map((s) => `"${s}"`).join(', ')}` }),
  input: posInt.optional(),
  classes: posInt.optional(),
});

const bnextBlockSchema = z.strictObject({
  type: z.literal('bnext'),
  out: posInt,
  stride: stride12,
  mixer: z.enum(['elm', 'ffn3x3'], { error: (iss) => (iss.input === undefined ? 'is required' : 'must be "elm" or "ffn3x3"') }),
});

const bnext18BlockSchema = z.strictObject({
  type: z.literal('bnext18'),
  out: posInt,
  stride: stride12,
});

/** A custom network description (see the file comment). */
export const customNetworkSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
  input: z.union([posInt, z.tuple([z.literal(3), posInt, posInt])], {
    error: (iss) => (iss.input === undefined ? 'is required' : 'must be a positive whole number H or [3, H, W]'),
  }),
  classes: posInt,
  stem: z.strictObject(
    {
      channels: posInt,
      kernel: posInt,
      stride: posInt,
      padding: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }).optional(),
    },
    { error: (iss) => (iss.input === undefined ? 'is required' : 'must be an object') },
  ),
  maxpool: z.boolean({ error: 'must be true or false' }).optional(),
  blocks: z
    .array(z.discriminatedUnion('type', [bnextBlockSchema, bnext18BlockSchema], { error: 'must be "bnext" or "bnext18"' }), {
      error: (iss) => (iss.input === undefined ? 'is required' : 'must be an array of blocks'),
    })
    .min(1, { error: 'must hold at least one block' }),
});

/** A parsed zoo reference. */
export type ZooRef = z.infer<typeof zooRefSchema>;
/** A parsed custom network description. */
export type CustomNetworkJson = z.infer<typeof customNetworkSchema>;

/** `['blocks', 3, 'stride']` -> `blocks[3].stride`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/** One zod issue as a field path and a rule. */
function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const more = issue.keys.length > 1 ? ` (so are ${issue.keys.slice(1).map((k) => `'${k}'`).join(', ')})` : '';
    return { field: fieldPath([...issue.path, key]), message: `is not a known field${more}` };
  }
  return { field: fieldPath(issue.path) || '(top level)', message: issue.message };
}

/** Turns zod issues into one E_NETWORK error: the first issue in the message, the rest as details. */
function issuesError(file: string, issues: readonly z.core.$ZodIssue[]): BnextError {
  const [first, ...rest] = issues.map(describeIssue);
  return new BnextError(
    'E_NETWORK',
    first!.message,
    { file, field: first!.field },
    rest.map((r) => `also: ${r.field}: ${r.message}`),
  );
}

/**
 * Runs one builder step; a BnextError from it is re-thrown as E_NETWORK located at `field` in the
 * file (the builder names its own layers, the user knows the JSON path).
 */
function step<T>(file: string, field: (builderField: string | undefined) => string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof BnextError)) throw err;
    const f = field(err.location.field);
    throw new BnextError('E_NETWORK', err.message, { file, field: f }, err.details);
  }
}

const BLOCK_FIELDS = new Set(['out', 'stride', 'mixer']);

/** Builds a custom network from its validated description. */
function buildCustom(file: string, d: CustomNetworkJson): Network {
  const input = typeof d.input === 'number' ? ([3, d.input, d.input] as const) : d.input;
  const name = d.name ?? basename(file, extname(file));
  const b = step(file, (f) => (f === 'classes' ? 'classes' : 'input'), () => new NetworkBuilder({ name, input, classes: d.classes }));
  let t = step(file, () => 'input', () => b.input());
  t = step(file, (f) => (f?.startsWith('stem') ? f : 'stem'), () =>
    b.stem(t, { channels: d.stem.channels, kernel: d.stem.kernel, stride: d.stem.stride, ...(d.stem.padding !== undefined ? { padding: d.stem.padding } : {}) }),
  );
  if (d.maxpool) t = step(file, () => 'maxpool', () => b.maxpool(t, 'maxpool'));
  d.blocks.forEach((blk, i) => {
    const blockName = `feature.${i + 1}`;
    const where = (f: string | undefined): string => {
      const last = f?.split('.').pop();
      return last && BLOCK_FIELDS.has(last) ? `blocks[${i}].${last}` : `blocks[${i}]`;
    };
    t = step(file, where, () =>
      blk.type === 'bnext'
        ? b.bnextBlock(t, { name: blockName, out: blk.out, stride: blk.stride, mixer: blk.mixer })
        : b.bnext18Block(t, { name: blockName, out: blk.out, stride: blk.stride }),
    );
  });
  return step(file, () => 'blocks', () => b.head(t).build());
}

/**
 * Builds a network from an already parsed JSON value (see the file comment); `file` names the
 * source in errors.
 */
export function networkFromJson(value: unknown, file: string): Network {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('E_NETWORK', 'a network file holds one JSON object', { file, field: '(top level)' });
  if ('size' in value) {
    const r = zooRefSchema.safeParse(value);
    if (!r.success) throw issuesError(file, r.error.issues);
    const ref = r.data;
    return step(file, (f) => (f === 'classes' ? 'classes' : f === 'size' ? 'size' : 'input'), () =>
      zooNetwork(ref.size, { ...(ref.input !== undefined ? { input: ref.input } : {}), ...(ref.classes !== undefined ? { classes: ref.classes } : {}) }),
    );
  }
  const r = customNetworkSchema.safeParse(value);
  if (!r.success) throw issuesError(file, r.error.issues);
  return buildCustom(file, r.data);
}

/** Reads and builds a network JSON file; E_FILE if unreadable, E_NETWORK if invalid. */
export function loadNetworkJson(path: string): Network {
  const text = readFileChecked(path).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    fail('E_NETWORK', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { file: path });
  }
  return networkFromJson(value, path);
}
