/**
 * A Liberty (.lib) reader for power: library units and voltage, and per cell its area, leakage,
 * pins (direction, capacitance, function, clock flag), internal-power tables and output
 * transition tables, with the table lookup every power tool uses (bilinear interpolation,
 * linear extrapolation outside the characterized range).
 *
 * Units: Liberty gives internal power tables as energy in capacitive_load_unit x voltage_unit^2
 * (pF x V^2 = pJ for the OSU 0.18 um library); this module converts everything to SI (farads,
 * seconds, joules, watts) once, so the rest of src/power never sees library units.
 */
import { fail } from '../diag.js';
import { readFileChecked } from '../io/atomic.js';

/** A lookup table: `values[i1][i2]` at `index1[i1]`, `index2[i2]` (a 1-D table has index2 = [0]). */
export interface LibTable {
  /** What the first index varies: `cap` (output load), `slew` (input transition) or `none` (scalar). */
  readonly var1: 'cap' | 'slew' | 'none';
  /** What the second index varies (`none` for a 1-D table). */
  readonly var2: 'cap' | 'slew' | 'none';
  /** First index, SI (farads or seconds). */
  readonly index1: readonly number[];
  /** Second index, SI. */
  readonly index2: readonly number[];
  /** Values, SI (joules for power tables, seconds for transitions). */
  readonly values: readonly (readonly number[])[];
}

/** One `internal_power` group: energy per rising / falling transition of its pin. */
export interface LibInternalPower {
  /** Input pin whose transition causes the event (absent: the pin's own transitions). */
  readonly relatedPin?: string;
  /** Energy per rising transition (J), by load and slew. */
  readonly rise?: LibTable;
  /** Energy per falling transition (J). */
  readonly fall?: LibTable;
}

/** One output `timing` arc's transition tables (for slew propagation). */
export interface LibTiming {
  /** Input pin of the arc. */
  readonly relatedPin: string;
  /** Output rise transition (s) by load and input slew. */
  readonly riseTransition?: LibTable;
  /** Output fall transition (s). */
  readonly fallTransition?: LibTable;
}

/** A cell pin. */
export interface LibPin {
  readonly name: string;
  readonly direction: 'input' | 'output' | 'inout' | 'internal';
  /** Input capacitance (F); 0 for outputs. */
  readonly capacitance: number;
  /** Boolean function of an output (Liberty syntax), if any. */
  readonly function?: string;
  /** True for a clock input. */
  readonly clock: boolean;
  /** Internal power groups attached to this pin. */
  readonly internalPower: readonly LibInternalPower[];
  /** Timing arcs ending at this pin (outputs). */
  readonly timing: readonly LibTiming[];
}

/** A cell. */
export interface LibCell {
  readonly name: string;
  /** Area in the library's area unit (square micrometres for OSU). */
  readonly area: number;
  /** Leakage power (W). */
  readonly leakage: number;
  /** True for flip-flops and latches (an `ff` or `latch` group). */
  readonly sequential: boolean;
  readonly pins: ReadonlyMap<string, LibPin>;
}

/** A parsed library. */
export interface Liberty {
  readonly name: string;
  /** Nominal supply voltage (V) of the default operating conditions. */
  readonly voltage: number;
  readonly cells: ReadonlyMap<string, LibCell>;
}

/** A generic Liberty group: `type (args) { attributes; groups }`. */
interface Group {
  readonly type: string;
  readonly args: string[];
  readonly attrs: Map<string, string>;
  readonly complex: Map<string, string[]>;
  readonly groups: Group[];
}

/** Splits Liberty text into tokens: identifiers/numbers, quoted strings, punctuation. */
function tokenize(text: string, file: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('E_FILE', 'unterminated /* comment', { file });
      i = end + 2;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += 2; // line continuation
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\' && (text[j + 1] === '\n' || text[j + 1] === '\r')) j += 2;
        else s += text[j++];
      }
      if (j >= n) fail('E_FILE', 'unterminated string', { file });
      out.push(`"${s}`);
      i = j + 1;
    } else if ('(){}:;,'.includes(c)) {
      out.push(c);
      i++;
    } else {
      let j = i;
      while (j < n && !/[\s(){}:;,"]/.test(text[j]!)) j++;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

const unquote = (t: string): string => (t.startsWith('"') ? t.slice(1) : t);

/** Parses the token stream into the group tree (the first top-level group, normally `library`). */
function parseGroups(tokens: readonly string[], file: string): Group {
  let p = 0;
  const expect = (t: string) => {
    if (tokens[p] !== t) fail('E_FILE', `Liberty syntax: expected '${t}' near token ${p} ('${tokens[p] ?? 'end of file'}')`, { file });
    p++;
  };
  const args = (): string[] => {
    expect('(');
    const a: string[] = [];
    while (tokens[p] !== ')') {
      if (p >= tokens.length) fail('E_FILE', 'Liberty syntax: unterminated argument list', { file });
      if (tokens[p] !== ',') a.push(unquote(tokens[p]!));
      p++;
    }
    p++;
    return a;
  };
  const group = (type: string, a: string[]): Group => {
    const g: Group = { type, args: a, attrs: new Map(), complex: new Map(), groups: [] };
    expect('{');
    while (tokens[p] !== '}') {
      if (p >= tokens.length) fail('E_FILE', `Liberty syntax: group ${type} (${a.join(', ')}) is not closed`, { file });
      const name = tokens[p++]!;
      if (tokens[p] === ':') {
        p++;
        let v = '';
        while (tokens[p] !== ';' && tokens[p] !== '}' && p < tokens.length) v += (v ? ' ' : '') + unquote(tokens[p++]!);
        if (tokens[p] === ';') p++;
        g.attrs.set(name, v);
      } else if (tokens[p] === '(') {
        const a2 = args();
        if (tokens[p] === '{') g.groups.push(group(name, a2));
        else {
          if (tokens[p] === ';') p++;
          g.complex.set(name, a2);
        }
      } else if (tokens[p] === ';') p++;
      else fail('E_FILE', `Liberty syntax: unexpected '${tokens[p] ?? 'end of file'}' after '${name}'`, { file });
    }
    p++;
    return g;
  };
  const name = tokens[p++];
  if (name !== 'library') fail('E_FILE', `not a Liberty library: the file starts with '${name ?? 'nothing'}', not 'library (...)'`, { file });
  return group('library', args());
}

/** A number with an optional unit prefix, e.g. `1ns`, `1pf`: the SI multiplier of the unit text. */
function unitScale(text: string, base: string, file: string): number {
  const m = /^\s*([\d.]+)?\s*([a-zA-Z]+)\s*$/.exec(text);
  const prefixes: Record<string, number> = { f: 1e-15, p: 1e-12, n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3 };
  if (m) {
    const unit = m[2]!.toLowerCase();
    if (unit.endsWith(base)) {
      const prefix = unit.slice(0, unit.length - base.length);
      if (prefix in prefixes) return Number(m[1] ?? 1) * prefixes[prefix]!;
    }
  }
  return fail('E_FILE', `cannot read the Liberty unit '${text}' (expected e.g. 1n${base})`, { file });
}

const numbers = (s: string): number[] =>
  s
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);

/** Reads and parses a Liberty file. Throws E_FILE naming the file and the problem. */
export function readLiberty(path: string): Liberty {
  return parseLiberty(readFileChecked(path).toString('utf8'), path);
}

/** Parses Liberty text (`file` names it in errors). */
export function parseLiberty(text: string, file = 'liberty'): Liberty {
  const lib = parseGroups(tokenize(text, file), file);
  const time = unitScale(lib.attrs.get('time_unit') ?? '1ns', 's', file);
  const capUnit = lib.complex.get('capacitive_load_unit');
  const cap = capUnit ? Number(capUnit[0]) * unitScale(`1${capUnit[1] ?? 'pf'}`, 'f', file) : 1e-12;
  const volt = unitScale(lib.attrs.get('voltage_unit') ?? '1V', 'v', file);
  const leak = unitScale(lib.attrs.get('leakage_power_unit') ?? '1nW', 'w', file);
  const energy = cap * volt * volt;
  const defaultOc = lib.attrs.get('default_operating_conditions');
  const oc = lib.groups.find((g) => g.type === 'operating_conditions' && (defaultOc === undefined || g.args[0] === defaultOc));
  const voltage = Number(oc?.attrs.get('voltage') ?? lib.attrs.get('nom_voltage') ?? Number.NaN) * volt;
  if (!(voltage > 0)) fail('E_FILE', 'the library states no supply voltage (nom_voltage or operating_conditions voltage)', { file, field: 'nom_voltage' });

  const templates = new Map<string, Group>();
  for (const g of lib.groups) if (g.type === 'lu_table_template' || g.type === 'power_lut_template') templates.set(g.args[0]!, g);
  const varKind = (v: string | undefined): LibTable['var1'] =>
    v === undefined ? 'none' : /capacitance/.test(v) ? 'cap' : /transition/.test(v) ? 'slew' : fail('E_FILE', `unsupported table variable '${v}'`, { file });
  const table = (g: Group | undefined, scale: number): LibTable | undefined => {
    if (!g) return undefined;
    const tpl = templates.get(g.args[0] ?? '');
    const var1 = varKind(tpl?.attrs.get('variable_1'));
    const var2 = varKind(tpl?.attrs.get('variable_2'));
    const idxScale = (k: LibTable['var1']) => (k === 'cap' ? cap : k === 'slew' ? time : 1);
    const i1 = numbers((g.complex.get('index_1') ?? tpl?.complex.get('index_1') ?? ['0']).join(',')).map((x) => x * idxScale(var1));
    const i2 = var2 === 'none' ? [0] : numbers((g.complex.get('index_2') ?? tpl?.complex.get('index_2') ?? ['0']).join(',')).map((x) => x * idxScale(var2));
    const rows = (g.complex.get('values') ?? []).map((r) => numbers(r).map((x) => x * scale));
    const values = var2 === 'none' && rows.length === 1 && i1.length > 1 ? rows[0]!.map((v) => [v]) : rows;
    if (values.length !== i1.length || values.some((r) => r.length !== i2.length))
      fail('E_FILE', `table ${g.type} (${g.args.join(', ')}) has ${values.length} row(s) for ${i1.length} index_1 value(s)`, { file });
    return { var1, var2, index1: i1, index2: i2, values };
  };

  const cells = new Map<string, LibCell>();
  for (const c of lib.groups.filter((g) => g.type === 'cell')) {
    const pins = new Map<string, LibPin>();
    for (const pg of c.groups.filter((g) => g.type === 'pin')) {
      const dir = (pg.attrs.get('direction') ?? 'input') as LibPin['direction'];
      const internalPower = pg.groups
        .filter((g) => g.type === 'internal_power')
        .map((g) => {
          const rp = g.attrs.get('related_pin');
          const rise = table(g.groups.find((x) => x.type === 'rise_power' || x.type === 'power'), energy);
          const fall = table(g.groups.find((x) => x.type === 'fall_power' || x.type === 'power'), energy);
          return { ...(rp ? { relatedPin: rp } : {}), ...(rise ? { rise } : {}), ...(fall ? { fall } : {}) };
        });
      const timing = pg.groups
        .filter((g) => g.type === 'timing' && g.attrs.has('related_pin') && !/setup|hold|recovery|removal|width/.test(g.attrs.get('timing_type') ?? ''))
        .map((g) => {
          const rt = table(g.groups.find((x) => x.type === 'rise_transition'), time);
          const ft = table(g.groups.find((x) => x.type === 'fall_transition'), time);
          return { relatedPin: g.attrs.get('related_pin')!, ...(rt ? { riseTransition: rt } : {}), ...(ft ? { fallTransition: ft } : {}) };
        });
      const fn = pg.attrs.get('function');
      for (const name of pg.args)
        pins.set(name, {
          name,
          direction: dir,
          capacitance: Number(pg.attrs.get('capacitance') ?? 0) * cap,
          ...(fn !== undefined ? { function: fn } : {}),
          clock: pg.attrs.get('clock') === 'true',
          internalPower,
          timing,
        });
    }
    cells.set(c.args[0]!, {
      name: c.args[0]!,
      area: Number(c.attrs.get('area') ?? 0),
      leakage: Number(c.attrs.get('cell_leakage_power') ?? 0) * leak,
      sequential: c.groups.some((g) => g.type === 'ff' || g.type === 'latch'),
      pins,
    });
  }
  if (cells.size === 0) fail('E_FILE', 'the library defines no cells', { file });
  return { name: lib.args[0] ?? 'library', voltage, cells };
}

/** Index interval of `x` in a sorted axis: [lower index, fraction] with linear extrapolation at the ends. */
function locate(axis: readonly number[], x: number): [number, number] {
  if (axis.length === 1) return [0, 0];
  let i = 0;
  while (i < axis.length - 2 && x > axis[i + 1]!) i++;
  const a = axis[i]!;
  const b = axis[i + 1]!;
  return [i, b === a ? 0 : (x - a) / (b - a)];
}

/** Looks a table up at an output load (F) and an input slew (s), interpolating bilinearly. */
export function lookup(t: LibTable, load: number, slew: number): number {
  const x1 = t.var1 === 'cap' ? load : slew;
  const x2 = t.var2 === 'cap' ? load : slew;
  const [i, f] = locate(t.index1, x1);
  const [j, g] = t.var2 === 'none' ? [0, 0] : locate(t.index2, x2);
  const v = (a: number, b: number) => t.values[Math.min(a, t.values.length - 1)]![Math.min(b, t.index2.length - 1)]!;
  const i1 = Math.min(i + 1, t.index1.length - 1);
  const j1 = Math.min(j + 1, t.index2.length - 1);
  const lo = v(i, j) + g * (v(i, j1) - v(i, j));
  const hi = v(i1, j) + g * (v(i1, j1) - v(i1, j));
  return lo + f * (hi - lo);
}
