/**
 * Renders a {@link DesignReport} as one self-contained HTML page: the stylesheet inlined, charts
 * and the diagram as inline SVG, no scripts, no fonts or images fetched. The page skeleton is
 * templates/report/report.html.hbs (Handlebars, HTML-escaping on, strict); this file turns the
 * report into the strings the template shows. Output depends only on the report (deterministic).
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from '../emit/env.js';
import { barChart } from './charts.js';
import { diagramSvg } from './diagram.js';
import { bits, compact, db, fixed, int, metric, pct, signedPct } from './format.js';
import type { DesignReport, LayerReport, SynthFiguresView } from './types.js';

/** A table cell: text, right-aligned when numeric, an optional CSS class. */
interface Cell {
  readonly text: string;
  readonly num: boolean;
  readonly cls: string;
}
/** A table of the page. */
interface Table {
  readonly head: readonly Cell[];
  readonly rows: readonly { readonly cls: string; readonly cells: readonly Cell[] }[];
  readonly foot: readonly Cell[] | null;
}

/** Width of the charts shown two per row. */
const HALF = 520;

const t = (text: string, cls = ''): Cell => ({ text, num: false, cls });
const n = (text: string, cls = ''): Cell => ({ text, num: true, cls });

function table(head: readonly Cell[], rows: readonly { cls?: string; cells: readonly Cell[] }[], foot: readonly Cell[] | null = null): Table {
  return { head, rows: rows.map((r) => ({ cls: r.cls ?? '', cells: r.cells })), foot };
}

/** The layer name cell, marked when `mark` is set and it is a bottleneck. */
const layerCell = (l: LayerReport, mark = false): Cell => t(l.name, mark && l.bottleneck ? 'mono hot' : 'mono');

function kpis(r: DesignReport) {
  const s = r.summary;
  const synth = s.synthesized;
  const m = s.memoryBits;
  return [
    { label: 'Throughput', value: fixed(s.framesPerSecond, s.framesPerSecond >= 100 ? 0 : 1), unit: 'frames/s', note: `at ${fixed(s.clockMhz, s.clockMhz % 1 ? 1 : 0)} MHz (cycle model)` },
    { label: 'Initiation interval', value: int(s.cyclesPerFrame), unit: 'cycles/frame', note: `bottleneck: ${s.bottleneck.layer}` },
    { label: 'Latency', value: metric(s.latencyUs * 1e-6, 's'), unit: '', note: `≈ ${int(s.latencyCycles)} cycles (estimate: sum of layer cycles)` },
    synth
      ? { label: `LUTs (${synth.target})`, value: int(synth.figures.luts), unit: '', note: `synthesized; ${int(synth.figures.ffs)} FFs, ${int(synth.figures.bram)} BRAM, ${int(synth.figures.dsp)} DSP; estimate ${int(s.lutsEstimate)}` }
      : { label: 'LUTs', value: `≈ ${int(s.lutsEstimate)}`, unit: '', note: r.synth.status === 'present' ? `analytic estimate; MVAUs synthesized one by one (${r.synth.target}), see Resources` : 'analytic estimate; not synthesized' },
    {
      label: 'Memory',
      value: bits(m.total),
      unit: '',
      note: `weights ${bits(m.weights)} · FIFOs ${bits(m.fifos)} · other ${bits(m.other)}${m.onChip !== null && m.onChip !== m.total ? ` · on chip ${bits(m.onChip)}${m.external ? `, external ${bits(m.external)}` : ''}${m.streamedWeights ? `, streamed weights ${bits(m.streamedWeights)}` : ''}` : ''}`,
    },
    s.energyPerInferencePj !== null
      ? { label: 'Energy / inference', value: metric(s.energyPerInferencePj * 1e-12, 'J'), unit: '', note: s.powerMw !== null ? `${fixed(s.powerMw, 2)} mW total (power report)` : 'from the power report' }
      : { label: 'Energy / inference', value: '—', unit: '', note: 'no power report yet' },
  ];
}

function throughput(r: DesignReport) {
  const s = r.summary;
  const chart = barChart({
    title: 'cycles per frame per layer',
    series: [{ name: 'cycles per frame', cls: 's0' }],
    rows: r.layers.map((l) => ({ label: l.name, values: [l.cycles], ...(l.bottleneck ? { cls: 'hot' } : {}), note: `${int(l.cycles)}${l.bottleneck ? '  ◀ bottleneck' : ''}`, title: `${l.name}: ${int(l.cycles)} cycles per frame, ${pct(l.load)} of the initiation interval` })),
    format: compact,
    marker: { value: s.cyclesPerFrame, label: `initiation interval ${int(s.cyclesPerFrame)} cycles` },
  });
  const tbl = table(
    [t('Layer'), t('Computes'), n('PE'), n('SIMD'), n('Lanes'), n('Cycles / frame'), n('Load')],
    r.layers.map((l) => ({
      cls: l.bottleneck ? 'hot' : '',
      cells: [layerCell(l, true), t([l.kind ?? '—', ...l.features.filter((f) => !(l.kind ?? '').toLowerCase().includes(f.toLowerCase()))].join(' · ')), n(l.pe === null ? '—' : String(l.pe)), n(l.simd === null ? '—' : String(l.simd)), n(String(l.par)), n(int(l.cycles)), n(pct(l.load))],
    })),
  );
  return { chart, table: tbl };
}

function figuresCells(f: SynthFiguresView, generic: boolean): Cell[] {
  return generic ? [n(int(f.gates)), n(int(f.ffs)), n(f.transistors === null ? '—' : int(f.transistors))] : [n(int(f.luts)), n(int(f.ffs)), n(int(f.carry)), n(int(f.bram)), n(int(f.lutram)), n(int(f.dsp))];
}

function resources(r: DesignReport) {
  const memChart = barChart({
    title: 'memory bits per layer',
    series: [
      { name: 'weights', cls: 's0' },
      { name: 'FIFOs and buffers', cls: 's2' },
    ],
    stacked: true,
    rows: r.layers.map((l) => ({ label: l.name, values: [l.weightBits, l.bufferBits], note: bits(l.weightBits + l.bufferBits) })),
    format: compact,
    width: HALF,
  });
  const lutChart = barChart({
    title: 'LUT estimate per layer',
    series: [{ name: 'LUT estimate', cls: 's1' }],
    rows: r.layers.map((l) => ({ label: l.name, values: [l.lutsEstimate], note: int(l.lutsEstimate) })),
    format: compact,
    width: HALF,
  });
  const m = r.summary.memoryBits;
  const tbl = table(
    [t('Layer'), n('LUT est.'), n('Weight bits'), n('Buffer bits'), n('Nodes')],
    r.layers.map((l) => ({ cells: [layerCell(l), n(int(l.lutsEstimate)), n(int(l.weightBits)), n(int(l.bufferBits)), n(String(l.nodes))] })),
    [t('total (other memory: line buffers, tables)'), n(int(r.summary.lutsEstimate)), n(int(m.weights)), n(int(m.fifos)), n(`+ ${int(m.other)} bits other`)],
  );
  const sy = r.synth;
  let synth: object = { present: false, command: sy.status === 'present' ? '' : sy.command, reason: sy.status === 'unreadable' ? `${sy.file} could not be read: ${sy.reason}` : '' };
  if (sy.status === 'present') {
    const generic = sy.target === 'generic';
    const figHead = generic ? [n('Gates'), n('FFs'), n('Transistors')] : [n('LUTs'), n('FFs'), n('Carry'), n('BRAM'), n('LUTRAM'), n('DSP')];
    const perLayer = sy.mode === 'per-layer';
    const rows = sy.rows.map((x) => ({
      cells: [t(x.name, 'mono'), t(perLayer ? x.module : String(x.instances), perLayer ? 'mono' : 'num'), ...figuresCells(x.figures, generic), ...(perLayer ? [n(x.lutsEstimate === null ? '—' : int(x.lutsEstimate)), n(x.lutsEstimate !== null && x.figures.luts > 0 ? signedPct((x.lutsEstimate - x.figures.luts) / x.figures.luts) : '—')] : [])],
    }));
    const stbl = table(
      [t(perLayer ? 'Layer (its MVAU)' : 'Core type'), perLayer ? t('Module') : n('Instances'), ...figHead, ...(perLayer ? [n('LUT est.'), n('Est. error')] : [])],
      rows,
      [t('total'), t(''), ...figuresCells(sy.total, generic), ...(perLayer ? [n(int(sy.lutsEstimate)), n(sy.estimateError === null ? '—' : signedPct(sy.estimateError))] : [])],
    );
    const layerRows = perLayer ? sy.rows : sy.layers;
    const cmp = layerRows
      ? barChart({
          title: perLayer ? 'MVAU LUTs: estimate vs synthesized' : 'LUTs per layer: estimate vs synthesized (whole design)',
          series: [
            { name: 'estimate', cls: 's1' },
            { name: `synthesized (${sy.target})`, cls: 's0' },
          ],
          rows: layerRows.map((x) => ({ label: x.name, values: [x.lutsEstimate, x.figures.luts] })),
          format: compact,
        })
      : '';
    synth = {
      present: true,
      scope: perLayer ? `each layer's MVAU synthesized on its own (${sy.rows.length} layer(s)); the other cores are not included` : 'the whole design, grouped by core type',
      target: sy.target,
      yosys: `${sy.yosys} (${sy.engine})`,
      file: sy.file,
      estimate: sy.estimateError === null ? `${int(sy.lutsEstimate)} LUTs estimated (this target maps to gates, not LUTs)` : `${int(sy.lutsEstimate)} LUTs estimated vs ${int(sy.total.luts)} synthesized (estimate ${signedPct(sy.estimateError)})`,
      table: stbl,
      chart: cmp,
      hasChart: cmp !== '',
    };
  }
  return { memChart, lutChart, table: tbl, synth };
}

function power(r: DesignReport) {
  const p = r.power;
  if (p.status !== 'present') return { present: false, command: p.command, reason: p.status === 'unreadable' ? `${p.file} could not be read: ${p.reason}` : '' };
  const facts: { k: string; v: string }[] = [];
  if (p.tech !== null) facts.push({ k: 'Energy model', v: p.tech });
  if (p.clockMhz !== null) facts.push({ k: 'Clock', v: `${fixed(p.clockMhz, 1)} MHz` });
  if (p.total) facts.push({ k: 'Power (activity)', v: `${fixed(p.total.dynamicMw, 3)} mW dynamic${p.total.staticMw !== null ? ` + ${fixed(p.total.staticMw, 3)} mW static` : ''}` });
  if (p.vectorless) facts.push({ k: 'Power (vectorless)', v: `${fixed(p.vectorless.dynamicMw, 3)} mW dynamic${p.vectorless.staticMw !== null ? ` + ${fixed(p.vectorless.staticMw, 3)} mW static` : ''}` });
  if (p.energyPerInferencePj !== null) facts.push({ k: 'Energy per inference', v: metric(p.energyPerInferencePj * 1e-12, 'J') });
  const split = p.split.length
    ? barChart({ title: 'power split', series: [{ name: 'mW', cls: 's0' }], rows: p.split.map((s) => ({ label: s.name, values: [s.mw], note: `${fixed(s.mw, 3)} mW` })), format: (v) => `${compact(v)} mW` })
    : '';
  const withPower = r.layers.filter((l) => l.power !== null);
  const layerChart = withPower.length
    ? barChart({
        title: 'power per layer',
        series: [
          { name: 'dynamic', cls: 's0' },
          { name: 'static', cls: 's2' },
        ],
        stacked: true,
        rows: withPower.map((l) => ({ label: l.name, values: [l.power!.dynamicMw, l.power!.staticMw], note: `${fixed(l.power!.dynamicMw + (l.power!.staticMw ?? 0), 3)} mW` })),
        format: (v) => `${compact(v)} mW`,
      })
    : '';
  const tbl = withPower.length
    ? table(
        [t('Layer'), n('Dynamic mW'), n('Static mW'), n('Energy / inference')],
        withPower.map((l) => ({ cells: [layerCell(l), n(fixed(l.power!.dynamicMw, 3)), n(l.power!.staticMw === null ? '—' : fixed(l.power!.staticMw, 3)), n(l.power!.energyPj === null ? '—' : metric(l.power!.energyPj * 1e-12, 'J'))] })),
      )
    : null;
  return { present: true, file: p.file, facts, split, hasSplit: split !== '', layerChart, hasLayers: tbl !== null, table: tbl, ignored: p.ignored.join('; ') };
}

function sqnr(r: DesignReport) {
  const q = r.sqnr;
  if (q.status !== 'present') return { present: false, reason: q.reason };
  const withQ = r.layers.filter((l) => l.sqnr !== null);
  const finite = withQ.flatMap((l) => [l.sqnr!.sqnrDb, l.sqnr!.localSqnrDb]).filter((v): v is number => v !== null);
  const cap = Math.max(10, ...finite);
  const chart = barChart({
    title: 'integer vs float SQNR per layer',
    series: [
      { name: 'end to end', cls: 's0' },
      { name: 'own (fed float inputs)', cls: 's1' },
    ],
    rows: withQ.map((l) => ({ label: l.name, values: [l.sqnr!.sqnrDb ?? cap, l.sqnr!.localSqnrDb ?? cap].map((v) => Math.max(0, v)), note: `${db(l.sqnr!.sqnrDb)} / ${db(l.sqnr!.localSqnrDb)}` })),
    format: (v) => `${Math.round(v)} dB`,
  });
  const tbl = table(
    [t('Layer'), t('Format'), n('SQNR end to end'), n('Own SQNR')],
    withQ.map((l) => ({ cells: [layerCell(l), t(l.sqnr!.format, 'mono'), n(db(l.sqnr!.sqnrDb)), n(db(l.sqnr!.localSqnrDb))] })),
  );
  const source = q.source === 'computed' ? `computed on ${q.images} seeded random image(s) (seed ${q.seed}, N(0, 1) pixels) at the design's input size` : `read from ${q.source} (${q.images} image(s))`;
  return { present: true, source, chart, table: tbl, logits: `min cosine ${q.logits.minCosine.toFixed(6)} · max abs error ${q.logits.maxAbsError.toFixed(4)} · top-1 agreement ${q.logits.top1Agree}/${q.images}` };
}

function details(r: DesignReport) {
  const d = r.design;
  const st = (name: string, s: DesignReport['streams']['input']) => ({ cells: [t(name), n(String(s.lanes)), t(s.format, 'mono'), n(String(s.tdataBits)), n(int(s.beatsPerFrame))] });
  return {
    streams: table([t('Port'), n('Lanes'), t('Format'), n('tdata bits'), n('Beats / image')], [st('in (image)', r.streams.input), st('out (logits)', r.streams.output)]),
    facts: [
      { k: 'Design folder', v: d.dir },
      { k: 'Top module', v: d.top },
      { k: 'Made by', v: d.madeBy },
      { k: 'Weights', v: d.weights },
      { k: 'Folding', v: d.fold },
      { k: 'Quantization (bits)', v: Object.entries(d.quant).map(([k, v]) => `${k} ${v}`).join(' · ') },
      ...(Object.keys(d.quantOverrides).length ? [{ k: 'Format overrides', v: Object.entries(d.quantOverrides).map(([k, v]) => `${k}: ${v}`).join(' · ') }] : []),
      { k: 'RTL sha256', v: d.rtlSha256 },
    ],
  };
}

let compiled: Handlebars.TemplateDelegate | undefined;

function template(): Handlebars.TemplateDelegate {
  if (!compiled) {
    const hb = Handlebars.create();
    hb.registerPartial('table', readFileSync(`${TEMPLATES_DIR}report/table.hbs`, 'utf8'));
    compiled = hb.compile(readFileSync(`${TEMPLATES_DIR}report/report.html.hbs`, 'utf8'), { strict: true });
  }
  return compiled;
}

/** The report as one self-contained HTML page (see the module comment). */
export function renderReportHtml(r: DesignReport): string {
  const css = readFileSync(`${TEMPLATES_DIR}report/report.css`, 'utf8');
  const d = r.design;
  const view = {
    css,
    title: `${d.top} — bnext-rtl design report`,
    top: d.top,
    subtitle: `${d.network} · input ${d.input.join('×')} · ${d.classes} classes · weights ${d.weights}`,
    madeBy: d.madeBy,
    kpis: kpis(r),
    ii: int(r.summary.cyclesPerFrame),
    warnings: r.warnings,
    hasWarnings: r.warnings.length > 0,
    diagram: r.graph ? diagramSvg(r.graph, r.layers, r.streams.output, d.classes) : '',
    hasDiagram: r.graph !== null,
    layerCount: r.layers.length,
    throughput: throughput(r),
    resources: resources(r),
    power: power(r),
    sqnr: sqnr(r),
    details: details(r),
  };
  return template()(view);
}
