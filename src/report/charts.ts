/**
 * Inline SVG charts of the HTML report, made here (no charting library, no scripts): horizontal
 * bar charts with one row per layer, grouped or stacked series, a highlighted row class and an
 * optional marker line. Colours come from CSS classes (`s0`, `s1`, `hot`, ...), so the page's
 * stylesheet (and its print rules) decide them.
 */
import { esc, fitText, px, textWidth } from './format.js';

/** One series of a chart. */
export interface BarSeries {
  /** Legend text. */
  readonly name: string;
  /** CSS class of its bars. */
  readonly cls: string;
}

/** One row (a layer). */
export interface BarRow {
  /** Row label (left). */
  readonly label: string;
  /** One value per series; null = no bar (shown as `—` or `note`). */
  readonly values: readonly (number | null)[];
  /** CSS class replacing the series class of every bar in the row (e.g. `hot` for the bottleneck). */
  readonly cls?: string;
  /** Text after the bars (default: the formatted values). */
  readonly note?: string;
  /** Tooltip. */
  readonly title?: string;
}

/** A horizontal bar chart. */
export interface BarChartSpec {
  /** Accessible name of the chart. */
  readonly title: string;
  readonly series: readonly BarSeries[];
  readonly rows: readonly BarRow[];
  /** Stack the series in one bar (default: grouped bars). */
  readonly stacked?: boolean;
  /** Formats a value for the axis and the notes. */
  readonly format: (v: number) => string;
  /** Axis maximum (default: the largest bar). */
  readonly max?: number;
  /** A vertical reference line (e.g. the initiation interval). */
  readonly marker?: { readonly value: number; readonly label: string };
  /** Total width in px (default 1000). */
  readonly width?: number;
}

/** A round axis step for `max` over about `n` ticks (1, 2, 2.5, 5 x 10^k). */
export function niceStep(max: number, n = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

/** Renders a bar chart as an `<svg>` element string. */
export function barChart(c: BarChartSpec): string {
  const width = c.width ?? 1000;
  const stacked = c.stacked === true;
  const k = c.series.length;
  const labelW = Math.min(240, Math.max(60, ...c.rows.map((r) => textWidth(r.label, 12) * (r.cls ? 1.1 : 1))) + 14);
  const notes = c.rows.map((r) => r.note ?? r.values.map((v) => (v === null ? '—' : c.format(v))).join(' / '));
  const noteW = Math.min(200, Math.max(40, ...notes.map((n) => textWidth(n, 11))) + 10);
  const plotW = width - labelW - noteW - 8;
  const barH = stacked || k === 1 ? 12 : 9;
  const rowH = (stacked ? 1 : k) * barH + 8;
  const top = 24;
  const legendH = k > 1 || c.marker ? 20 : 0;
  const height = top + c.rows.length * rowH + 6 + legendH;
  const totals = c.rows.map((r) => (stacked ? r.values.reduce<number>((a, v) => a + (v ?? 0), 0) : Math.max(0, ...r.values.map((v) => v ?? 0))));
  const dataMax = Math.max(c.max ?? 0, c.marker?.value ?? 0, ...totals);
  const step = niceStep(dataMax);
  const axisMax = Math.max(step, Math.ceil(dataMax / step - 1e-9) * step);
  const x = (v: number): number => labelW + (v / axisMax) * plotW;
  const out: string[] = [];
  out.push(`<svg class="chart" role="img" aria-label="${esc(c.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`);
  out.push(`<title>${esc(c.title)}</title>`);
  for (let t = 0; t <= axisMax + 1e-9; t += step) {
    out.push(`<line class="grid" x1="${px(x(t))}" y1="${top - 4}" x2="${px(x(t))}" y2="${top + c.rows.length * rowH}"/>`);
    out.push(`<text class="tick" x="${px(x(t))}" y="${top - 8}" text-anchor="middle">${esc(c.format(t))}</text>`);
  }
  c.rows.forEach((r, i) => {
    const y0 = top + i * rowH + 4;
    const cls = r.cls ? ` ${r.cls}` : '';
    out.push(`<g class="row${cls}">`);
    if (r.title) out.push(`<title>${esc(r.title)}</title>`);
    out.push(`<text class="label" x="${labelW - 8}" y="${px(y0 + (rowH - 8) / 2 + 4)}" text-anchor="end">${esc(fitText(r.label, labelW - 12, 12))}</text>`);
    let acc = 0;
    r.values.forEach((v, s) => {
      if (v === null || v <= 0) return;
      const bx = stacked ? x(acc) : x(0);
      const by = stacked ? y0 : y0 + s * barH;
      const w = Math.max(1, x(v) - x(0));
      out.push(`<rect class="bar ${r.cls ?? c.series[s]!.cls}" x="${px(bx)}" y="${px(by)}" width="${px(w)}" height="${barH - 2}" rx="2"/>`);
      acc += v;
    });
    out.push(`<text class="note" x="${px(x(totals[i]!) + 6)}" y="${px(y0 + (rowH - 8) / 2 + 4)}">${esc(notes[i]!)}</text>`);
    out.push('</g>');
  });
  out.push(`<line class="axis" x1="${px(x(0))}" y1="${top - 4}" x2="${px(x(0))}" y2="${top + c.rows.length * rowH}"/>`);
  if (c.marker) out.push(`<line class="marker" x1="${px(x(c.marker.value))}" y1="${top - 4}" x2="${px(x(c.marker.value))}" y2="${top + c.rows.length * rowH}"/>`);
  if (legendH) {
    const ly = height - 6;
    let lx = labelW;
    const items = c.series.length > 1 ? c.series.map((s) => ({ cls: `bar ${s.cls}`, name: s.name, line: false })) : [];
    if (c.marker) items.push({ cls: 'marker', name: c.marker.label, line: true });
    for (const it of items) {
      out.push(it.line ? `<line class="${it.cls}" x1="${lx}" y1="${ly - 4}" x2="${lx + 12}" y2="${ly - 4}"/>` : `<rect class="${it.cls}" x="${lx}" y="${ly - 9}" width="12" height="9" rx="2"/>`);
      out.push(`<text class="legend" x="${lx + 16}" y="${ly}">${esc(it.name)}</text>`);
      lx += 16 + textWidth(it.name, 11) + 18;
    }
  }
  out.push('</svg>');
  return out.join('\n');
}
