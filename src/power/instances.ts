/**
 * The core instances of a generated top module, read from its text: for each `u_<name>` the core
 * module, its parameters and the inputs the top ties to constants. Characterization synthesizes a
 * core with exactly these parameters and holds the tied inputs, so its port activity is measured
 * the way the design's is.
 */
import { join } from 'node:path';
import { fail } from '../diag.js';
import type { CoreParam, TiedInput } from './characterize.js';

/** One instance of the top. */
export interface TopInstance {
  /** Instance name without the `u_` prefix (= verilogName of the IR node). */
  readonly name: string;
  /** Core module. */
  readonly module: string;
  /** Parameters; memory files as `{ file }` with absolute paths. */
  readonly params: Readonly<Record<string, CoreParam>>;
  /** Inputs tied to constants. */
  readonly ties: Readonly<Record<string, TiedInput>>;
}

const INSTANCE = /^ {2}(\w+) #\(\n((?: {4}\.\w+\(.*\),?\n)*) {2}\) u_(\w+) \(\n((?: {4}\.\w+\(.*\),?\n)*) {2}\);/gm;
const CONN = /^ {4}\.(\w+)\((.*)\),?$/;

/** Value of a Verilog constant: `8`, `-3`, `4'd5`, `1'b0`, `8'hff`, `{16{1'b0}}`; undefined otherwise. */
function constant(v: string): number | undefined {
  const t = v.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const sized = /^(\d+)?'s?([bdh])([0-9a-fA-F_]+)$/.exec(t);
  if (sized) return parseInt(sized[3]!.replace(/_/g, ''), sized[2] === 'b' ? 2 : sized[2] === 'h' ? 16 : 10);
  const rep = /^\{\d+\{(1'b[01])\}\}$/.exec(t);
  if (rep) return constant(rep[1]!) === 1 ? -1 : 0;
  return undefined;
}

/**
 * Reads every instance of a top module's text. Memory-file parameters (`{MemDir, "x.mem"}`)
 * resolve to `<memDir>/x.mem`. Throws E_DESIGN for a parameter it cannot read.
 */
export function parseTopInstances(text: string, memDir: string, file = 'top'): TopInstance[] {
  const out: TopInstance[] = [];
  for (const m of text.matchAll(INSTANCE)) {
    const module = m[1]!;
    const params: Record<string, CoreParam> = {};
    for (const line of m[2]!.split('\n').filter(Boolean)) {
      const p = CONN.exec(line)!;
      const v = p[2]!;
      const mem = /^\{MemDir, "([\w.-]+)"\}$/.exec(v);
      const str = /^"([\w./+-]*)"$/.exec(v);
      const num = constant(v);
      if (mem) params[p[1]!] = { file: join(memDir, mem[1]!) };
      else if (str) params[p[1]!] = str[1]!;
      else if (num !== undefined) params[p[1]!] = num;
      else fail('E_DESIGN', `cannot read parameter ${p[1]} = ${v} of instance u_${m[3]} (${module})`, { file, field: `u_${m[3]}.${p[1]}` });
    }
    const ties: Record<string, TiedInput> = {};
    for (const line of m[4]!.split('\n').filter(Boolean)) {
      const c = CONN.exec(line)!;
      const whole = constant(c[2]!);
      if (whole !== undefined) ties[c[1]!] = { value: whole };
      const pad = /^\{(\d+)'b([01]+), \w+\}$/.exec(c[2]!.trim());
      if (pad) ties[c[1]!] = { value: parseInt(pad[2]!, 2), bits: Number(pad[1]) };
    }
    out.push({ name: m[3]!, module, params, ties });
  }
  return out;
}
