/**
 * Reading a power report (`<design>/power/report.json`, written by `bnext-rtl power`) tolerantly:
 * each top-level field the design report knows is validated on its own with zod and shown only
 * when it validates; everything else is listed as ignored, so a newer or partial power report
 * still gives a page. The fields read (powers in mW, energies in pJ):
 *
 *   tech: string                      energy model / technology
 *   clockMhz: number                  clock of the figures
 *   total: { dynamicMw, staticMw? }   whole design
 *   energyPerInferencePj: number
 *   split: { <class>: mW, ... }       e.g. binary arrays, real-valued paths, memories
 *   layers: [{ name, dynamicMw, staticMw?, energyPj? }]
 *   vectorless: { dynamicMw, staticMw? }
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readFileChecked } from '../io/atomic.js';
import type { LayerPowerView, PowerSection } from './types.js';

const mw = z.number().finite().min(0);

const powerPair = z.object({ dynamicMw: mw, staticMw: mw.optional() });

/** Each known top-level field of a power report and its schema. */
export const POWER_FIELDS = {
  tech: z.string(),
  clockMhz: z.number().finite().positive(),
  total: powerPair,
  energyPerInferencePj: mw,
  split: z.record(z.string(), mw),
  layers: z.array(z.object({ name: z.string(), dynamicMw: mw, staticMw: mw.optional(), energyPj: mw.optional() })),
  vectorless: powerPair,
} as const;

/** The command that makes a power report for a design folder. */
export function powerCommandFor(dir: string, clockMhz: number): string {
  return `bnext-rtl power --design ${dir} --input images.npy --clock-mhz ${clockMhz}`;
}

/** A power report's section of the design report, and its per-layer figures by layer name. */
export interface PowerRead {
  readonly section: PowerSection;
  readonly layers: ReadonlyMap<string, LayerPowerView>;
}

/** Reads `<dir>/power/report.json` if present (see the module comment); never throws on bad content. */
export function readPowerReport(dir: string, clockMhz: number, layerNames: readonly string[]): PowerRead {
  const file = join(dir, 'power', 'report.json');
  const command = powerCommandFor(dir, clockMhz);
  const none = new Map<string, LayerPowerView>();
  if (!existsSync(file)) return { section: { status: 'absent', command }, layers: none };
  let value: unknown;
  try {
    value = JSON.parse(readFileChecked(file).toString('utf8'));
  } catch (e) {
    return { section: { status: 'unreadable', file, reason: `not valid JSON (${(e as Error).message})`, command }, layers: none };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { section: { status: 'unreadable', file, reason: 'the top level is not a JSON object', command }, layers: none };
  const obj = value as Record<string, unknown>;
  const ignored: string[] = [];
  const get = <K extends keyof typeof POWER_FIELDS>(k: K): z.infer<(typeof POWER_FIELDS)[K]> | undefined => {
    if (!(k in obj)) return undefined;
    const r = POWER_FIELDS[k].safeParse(obj[k]);
    if (r.success) return r.data as z.infer<(typeof POWER_FIELDS)[K]>;
    ignored.push(`${k} (${r.error.issues[0]?.message ?? 'invalid'})`);
    return undefined;
  };
  for (const k of Object.keys(obj).sort()) if (!(k in POWER_FIELDS)) ignored.push(`${k} (unknown field)`);
  const total = get('total');
  const vectorless = get('vectorless');
  const split = get('split');
  const layers = new Map<string, LayerPowerView>();
  const known = new Set(layerNames);
  for (const l of get('layers') ?? []) {
    if (known.has(l.name)) layers.set(l.name, { dynamicMw: l.dynamicMw, staticMw: l.staticMw ?? null, energyPj: l.energyPj ?? null });
    else ignored.push(`layers: '${l.name}' (not a layer of this design)`);
  }
  return {
    section: {
      status: 'present',
      file,
      tech: get('tech') ?? null,
      clockMhz: get('clockMhz') ?? null,
      total: total ? { dynamicMw: total.dynamicMw, staticMw: total.staticMw ?? null } : null,
      energyPerInferencePj: get('energyPerInferencePj') ?? null,
      split: Object.entries(split ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, v]) => ({ name, mw: v })),
      vectorless: vectorless ? { dynamicMw: vectorless.dynamicMw, staticMw: vectorless.staticMw ?? null } : null,
      ignored: ignored.sort(),
    },
    layers,
  };
}
