/**
 * The files a design report reads, each validated with zod: manifest.json (required; a bad one is
 * one E_DESIGN error naming the field), synth/report.json and quant-report.json (optional; a bad
 * one becomes a warning in the report, never a crash). Power reports are read in ./power.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fail } from '../diag.js';
import { fieldPath } from '../dsl/json.js';
import type { Manifest } from '../emit/design.js';
import { readFileChecked } from '../io/atomic.js';
import type { SynthFiguresView, SynthRowView, SynthSection } from './types.js';

const count = z.number().int().min(0);
const positive = z.number().int().min(1);

const streamSchema = z.object({ lanes: positive, format: z.string(), tdataBits: positive, beatsPerFrame: positive });

/** The parts of manifest.json (src/emit/design.ts `Manifest`) the report reads. */
export const ReportManifestSchema = z.object({
  tool: z.string(),
  network: z.object({ name: z.string(), input: z.array(positive).length(3), classes: positive, recipe: z.record(z.string(), z.unknown()) }),
  weights: z.union([z.object({ seed: count }), z.object({ file: z.string(), sha256: z.string() })]),
  quant: z.object({ formats: z.record(z.string(), z.object({ width: positive, frac: z.number().int(), signed: z.boolean() })) }),
  fold: z.object({ kind: z.enum(['file', 'fps', 'luts']) }),
  top: z.string().regex(/^[A-Za-z_]\w*$/, 'must be a Verilog module name'),
  rtlSha256: z.string(),
  streams: z.object({ input: streamSchema, output: streamSchema }),
  layers: z
    .array(
      z.object({
        name: z.string().min(1),
        nodes: count,
        pe: positive.optional(),
        simd: positive.optional(),
        par: positive,
        cycles: count,
        weightBits: count,
        bufferBits: count,
        lutsEstimate: z.number().min(0),
      }),
    )
    .min(1),
  memory: z.object({
    weightBits: count,
    fifoBits: count,
    otherBits: z.number().int(),
    totalBits: count,
    onChipBits: count.optional(),
    externalBufferBits: count.optional(),
    streamedWeightBits: count.optional(),
  }),
  weightsMode: z.enum(['rom', 'stream']).optional(),
  performance: z.object({ cyclesPerFrame: positive, bottleneck: z.string(), latencyCyclesEstimate: count, clockMhz: z.number().positive(), framesPerSecond: z.number().positive() }),
  resources: z.object({ lutsEstimate: z.number().min(0) }),
});

/**
 * A manifest as the report reads it: the `Manifest` type plus the fields newer generators add
 * (on-chip vs external memory, streamed weights), optional so older folders still load.
 */
export type ReportManifest = Manifest & {
  readonly memory: Manifest['memory'] & { readonly onChipBits?: number; readonly externalBufferBits?: number; readonly streamedWeightBits?: number };
  readonly weightsMode?: 'rom' | 'stream';
};

/** The first zod issue as `field: rule`, the rest as detail lines. */
function issueText(issues: readonly z.core.$ZodIssue[]): { field: string; message: string; rest: string[] } {
  const text = issues.map((i) => ({ field: fieldPath(i.path) || '(top level)', message: i.message }));
  return { ...text[0]!, rest: text.slice(1, 6).map((t) => `also: ${t.field}: ${t.message}`) };
}

/** Parses a JSON file; a string reason instead of the value when it is not valid JSON. */
function readJson(path: string): { value: unknown } | { reason: string } {
  const text = readFileChecked(path).toString('utf8');
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { reason: `not valid JSON (${(e as Error).message})` };
  }
}

/** Reads and validates `<dir>/manifest.json`: E_DESIGN naming the folder, the file or the field. */
export function readReportManifest(dir: string): ReportManifest {
  if (!existsSync(dir)) fail('E_DESIGN', `design folder ${dir} does not exist (make one with bnext-rtl generate)`, { file: dir });
  if (!statSync(dir).isDirectory()) fail('E_DESIGN', `${dir} is not a folder; --design takes a folder made by bnext-rtl generate`, { file: dir });
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) fail('E_DESIGN', `no manifest.json in ${dir}: not a folder made by bnext-rtl generate`, { file: dir });
  const j = readJson(path);
  if ('reason' in j) fail('E_DESIGN', `manifest.json is ${j.reason}; generate the design again`, { file: path });
  const r = ReportManifestSchema.safeParse(j.value);
  if (!r.success) {
    const t = issueText(r.error.issues);
    fail('E_DESIGN', `manifest.json is not a bnext-rtl design manifest: ${t.message}`, { file: path, field: t.field }, t.rest);
  }
  const names = new Set<string>();
  r.data.layers.forEach((l, i) => {
    if (names.has(l.name)) fail('E_DESIGN', `layer name '${l.name}' appears twice`, { file: path, field: `layers[${i}].name` });
    names.add(l.name);
  });
  return j.value as ReportManifest;
}

const figuresSchema = z.object({
  luts: count,
  ffs: count,
  carry: count,
  bram: count,
  lutram: count,
  dsp: count,
  gates: count,
  cells: count,
  transistors: z.number().min(0).optional(),
});

const rowSchema = z.object({ name: z.string(), module: z.string(), instances: count, figures: figuresSchema, lutsEstimate: z.number().min(0).optional() });

/** The fields of synth/report.json (src/synth/run.ts `SynthReport`) the report shows. */
export const SynthReportFileSchema = z.object({
  top: z.string(),
  target: z.string(),
  mode: z.enum(['design', 'per-layer']),
  engine: z.string(),
  yosys: z.string(),
  rows: z.array(rowSchema),
  layers: z.array(rowSchema).optional(),
  total: figuresSchema,
  lutsEstimate: z.number().min(0),
  estimateError: z.number().optional(),
});

function figuresView(f: z.infer<typeof figuresSchema>): SynthFiguresView {
  return { luts: f.luts, ffs: f.ffs, carry: f.carry, bram: f.bram, lutram: f.lutram, dsp: f.dsp, gates: f.gates, cells: f.cells, transistors: f.transistors ?? null };
}

function rowView(x: z.infer<typeof rowSchema>): SynthRowView {
  return { name: x.name, module: x.module, instances: x.instances, figures: figuresView(x.figures), lutsEstimate: x.lutsEstimate ?? null };
}

/** The command that makes a synthesis report for a design folder. */
export function synthCommandFor(dir: string): string {
  return `bnext-rtl synth --design ${dir} --target ice40 --per-layer`;
}

/** Reads `<dir>/synth/report.json` if present; a bad or foreign file is `unreadable` with the reason. */
export function readSynthSection(dir: string, m: Manifest): SynthSection {
  const file = join(dir, 'synth', 'report.json');
  const command = synthCommandFor(dir);
  if (!existsSync(file)) return { status: 'absent', command };
  const j = readJson(file);
  if ('reason' in j) return { status: 'unreadable', file, reason: j.reason, command };
  const r = SynthReportFileSchema.safeParse(j.value);
  if (!r.success) {
    const t = issueText(r.error.issues);
    return { status: 'unreadable', file, reason: `field '${t.field}': ${t.message}`, command };
  }
  const s = r.data;
  if (s.top !== m.top) return { status: 'unreadable', file, reason: `it is for top ${s.top}, not ${m.top}`, command };
  return {
    status: 'present',
    file,
    target: s.target,
    mode: s.mode,
    yosys: s.yosys,
    engine: s.engine,
    total: figuresView(s.total),
    lutsEstimate: s.lutsEstimate,
    estimateError: s.estimateError ?? null,
    rows: s.rows.map(rowView),
    layers: s.layers ? s.layers.map(rowView) : null,
  };
}

/** A quant-report JSON (`bnext-rtl quant-report --json`, Infinity written as null). */
export const QuantReportFileSchema = z.object({
  network: z.string(),
  images: positive,
  layers: z.array(z.object({ layer: z.string(), node: z.string(), format: z.string(), sqnrDb: z.number().nullable(), localSqnrDb: z.number().nullable() })),
  logits: z.object({ minCosine: z.number(), maxAbsError: z.number().min(0), top1Agree: count }),
});

/** A validated quant-report file. */
export type QuantReportFile = z.infer<typeof QuantReportFileSchema>;

/** Name of the optional SQNR file in a design folder. */
export const SQNR_FILE = 'quant-report.json';

/**
 * Reads `<dir>/quant-report.json` if present: the value, `undefined` when absent, or a reason
 * string when it is unreadable or does not describe this design's layers.
 */
export function readQuantReportFile(dir: string, layers: readonly string[]): QuantReportFile | string | undefined {
  const file = join(dir, SQNR_FILE);
  if (!existsSync(file)) return undefined;
  const j = readJson(file);
  if ('reason' in j) return `${file} is ${j.reason}`;
  const r = QuantReportFileSchema.safeParse(j.value);
  if (!r.success) {
    const t = issueText(r.error.issues);
    return `${file}: field '${t.field}': ${t.message}`;
  }
  const known = new Set(layers);
  const foreign = r.data.layers.find((l) => !known.has(l.layer));
  if (foreign) return `${file} names layer '${foreign.layer}', which this design does not have`;
  return r.data;
}
