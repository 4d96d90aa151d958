/**
 * The core instances of a generated top, read back from its text: every instance is preceded by a
 * comment `// <layer>: <node id> (<kind>, ...)` and lists its parameters one per line (see
 * templates/top.v.hbs), which is all per-layer synthesis and the estimates need.
 */
import { fail } from '../diag.js';
import type { ParamValue } from './script.js';

/** A core instance of the top, read from its instance comment and parameter list. */
export interface CoreInstance {
  /** Layer name (from the instance comment). */
  readonly layer: string;
  /** IR node id. */
  readonly node: string;
  /** IR op kind (from the instance comment). */
  readonly kind: string;
  /** Core module name. */
  readonly module: string;
  /** Instance name in the top (`u_...`). */
  readonly instance: string;
  /** Parameters: integers, and file names with the MemDir prefix resolved to `mem/`. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Parameters given as expressions (e.g. an external memory base), left out of `params`; all kinds only. */
  readonly unparsed?: readonly string[];
}

const INSTANCE = /^ {2}\/\/ ([^:\n]+): (\S+) \((\w+)[^\n]*\n {2}(\w+) #\(\n((?: {4}\.\w+\([^\n]*\),?\n)*) {2}\) (u_\w+) \(/gm;

/**
 * Reads the instances of a given IR kind (default `mvau`; `null`: every kind) from a top file's
 * text. A parameter that is neither a number, a string nor a memory file is an error for one kind
 * (per-layer synthesis sets every parameter) and listed in `unparsed` for every kind.
 */
export function topInstances(topText: string, kind: string | null = 'mvau', file = 'top'): CoreInstance[] {
  const out: CoreInstance[] = [];
  for (const m of topText.matchAll(INSTANCE)) {
    if (kind !== null && m[3] !== kind) continue;
    const params: Record<string, ParamValue> = {};
    const unparsed: string[] = [];
    for (const line of m[5]!.split('\n').filter(Boolean)) {
      const p = /^ {4}\.(\w+)\((.*)\),?$/.exec(line)!;
      const v = p[2]!;
      const str = /^\{MemDir, "([\w.]+)"\}$/.exec(v);
      if (/^\d+$/.test(v)) params[p[1]!] = Number(v);
      else if (str) params[p[1]!] = `mem/${str[1]}`;
      else if (/^"[\w.]*"$/.test(v)) params[p[1]!] = v.slice(1, -1);
      else if (kind === null) unparsed.push(p[1]!);
      else fail('E_DESIGN', `cannot read parameter ${p[1]} = ${v} of ${m[2]} for per-layer synthesis`, { file, field: m[2] });
    }
    out.push({ layer: m[1]!, node: m[2]!, kind: m[3]!, module: m[4]!, instance: m[6]!, params, ...(unparsed.length ? { unparsed } : {}) });
  }
  return out;
}

