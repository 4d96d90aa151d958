/** Text helpers of the HTML report: escaping and number formats (deterministic, locale-free). */

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An integer with thousands separators (rounded): 1234567 -> `1,234,567`. */
export function int(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return Math.round(n) < 0 ? `-${s}` : s;
}

/** A number with `d` decimals and thousands separators: 65104.17 -> `65,104.2`. */
export function fixed(n: number, d: number): string {
  const [i, f] = Math.abs(n).toFixed(d).split('.');
  const s = `${i!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${f !== undefined ? `.${f}` : ''}`;
  return n < 0 && Number(n.toFixed(d)) !== 0 ? `-${s}` : s;
}

/** A number with 3 significant digits and a metric prefix: 65104 -> `65.1 k`, 0.0123 -> `12.3 m`. */
export function metric(n: number, unit: string): string {
  if (n === 0) return `0 ${unit}`.trim();
  const prefixes: readonly [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
    [1, ''],
    [1e-3, 'm'],
    [1e-6, 'µ'],
    [1e-9, 'n'],
    [1e-12, 'p'],
  ];
  const a = Math.abs(n);
  const [div, p] = prefixes.find(([d]) => a >= d * 0.9995) ?? prefixes[prefixes.length - 1]!;
  const v = n / div;
  const digits = Math.abs(v) >= 99.95 ? 0 : Math.abs(v) >= 9.995 ? 1 : 2;
  return `${v.toFixed(digits)} ${p}${unit}`.trim();
}

/** A compact axis number: below 100,000 with separators (`8,000`), larger ones with a prefix (`250 k`, `1.5 M`). */
export function compact(n: number): string {
  if (Math.abs(n) < 100000) return Number.isInteger(n) ? int(n) : String(Number(n.toPrecision(3)));
  return metric(n, '').replace(/\.0+ /, ' ').replace(/(\.\d*?)0+ /, '$1 ');
}

/** Memory size in bits with a decimal prefix (1 kbit = 1000 bits): `450.5 kbit`. */
export function bits(n: number): string {
  return n < 1000 ? `${int(n)} bit` : metric(n, 'bit');
}

/** A ratio as a percentage with one decimal: 0.123 -> `12.3 %`. */
export function pct(r: number): string {
  return `${(r * 100).toFixed(1)} %`;
}

/** A signed percentage: 0.05 -> `+5.0 %`. */
export function signedPct(r: number): string {
  return `${r >= 0 ? '+' : '−'}${Math.abs(r * 100).toFixed(1)} %`;
}

/** SQNR in dB, `exact` for null. */
export function db(v: number | null): string {
  return v === null ? 'exact' : `${v.toFixed(1)} dB`;
}

/** A coordinate for SVG output: at most 1 decimal, no trailing zeros. */
export function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/**
 * Rough width of `text` in px at `size` px (no font metrics offline): generous per-character
 * widths of common sans-serif fonts (DejaVu Sans is among the widest), or 0.61 em per character
 * for the monospace font.
 */
export function textWidth(text: string, size: number, mono = false): number {
  if (mono) return [...text].length * 0.61 * size;
  let w = 0;
  for (const ch of text) w += /[iljtf.,:;'|!() ]/.test(ch) ? 0.36 : /[mwMW@]/.test(ch) ? 0.92 : /[A-Z0-9_×]/.test(ch) ? 0.7 : 0.6;
  return w * size;
}

/** `text` cut to fit `width` px at `size` px, with an ellipsis when cut. */
export function fitText(text: string, width: number, size: number, mono = false): string {
  if (textWidth(text, size, mono) <= width) return text;
  let t = text;
  while (t.length > 1 && textWidth(`${t}…`, size, mono) > width) t = t.slice(0, -1);
  return `${t}…`;
}
