/**
 * A small YAML writer for plain data (maps, lists, strings, numbers, booleans), enough for FuseSoC
 * core files: block style, two-space indent, keys in insertion order. A string is written plain
 * when YAML would read it back as the same string, else double-quoted (a JSON string is a valid
 * YAML double-quoted scalar).
 */

/** A value the writer accepts. */
export type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue };

/** Plain scalars that cannot be mistaken for another type or for YAML syntax. */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./+=-]*$/;
/** Plain-looking words YAML 1.1 (PyYAML) reads as booleans or null. */
const RESERVED = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

/** A scalar as YAML text. */
function scalar(v: string | number | boolean): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`internal: YAML number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
}

function isMap(v: YamlValue): v is { readonly [key: string]: YamlValue } {
  return typeof v === 'object' && !Array.isArray(v);
}

/** A map of at most two scalars, written in flow style (`{copyto: mem/a.mem}`) inside a block. */
function flow(v: YamlValue): string | undefined {
  if (!isMap(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length === 0 || keys.length > 2 || keys.some((k) => typeof v[k] === 'object')) return undefined;
  return `{${keys.map((k) => `${scalar(k)}: ${scalar(v[k] as string | number | boolean)}`).join(', ')}}`;
}

function lines(v: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${pad}[]`];
    return v.flatMap((item: YamlValue) => {
      if (typeof item !== 'object') return [`${pad}- ${scalar(item)}`];
      const inner = lines(item, indent + 2);
      return [`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
    });
  }
  if (isMap(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return [`${pad}{}`];
    return keys.flatMap((k) => {
      const x = v[k]!;
      const key = scalar(k);
      if (typeof x !== 'object') return [`${pad}${key}: ${scalar(x)}`];
      const inline = indent > 0 ? flow(x) : undefined;
      if (inline) return [`${pad}${key}: ${inline}`];
      if ((Array.isArray(x) && x.length === 0) || (isMap(x) && Object.keys(x).length === 0)) return [`${pad}${key}: ${Array.isArray(x) ? '[]' : '{}'}`];
      return [`${pad}${key}:`, ...lines(x, indent + 2)];
    });
  }
  return [`${pad}${scalar(v as string | number | boolean)}`];
}

/** `value` as a YAML document (no `---` marker), ending in a newline. */
export function toYaml(value: YamlValue): string {
  return lines(value, 0).join('\n') + '\n';
}
