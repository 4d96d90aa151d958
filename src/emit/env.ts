/**
 * The Handlebars environment: strict (a missing name is an error, never an empty string), no HTML
 * escaping, a few formatting helpers, templates loaded from templates/ by name. Templates only
 * fill in names, parameters and instance lists; arithmetic and control live in the Verilog cores.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

/** The project's templates/ folder. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
/** The hand-written Verilog cores. */
export const CORES_DIR = `${TEMPLATES_DIR}cores/`;

const hb = Handlebars.create();
hb.registerHelper('pad', (s: unknown, n: unknown) => String(s).padEnd(Number(n)));
hb.registerHelper('last', (i: unknown, arr: unknown) => Array.isArray(arr) && Number(i) === arr.length - 1);

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** Renders `templates/<name>` with `data` (compiled once, strict, unescaped). */
export function render(name: string, data: object): string {
  let t = cache.get(name);
  if (!t) {
    t = hb.compile(readFileSync(`${TEMPLATES_DIR}${name}`, 'utf8'), { noEscape: true, strict: true });
    cache.set(name, t);
  }
  const out = t(data);
  if (out.includes('{{')) throw new Error(`internal: template ${name} left '{{' in its output`);
  return out;
}
