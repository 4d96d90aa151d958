/**
 * The dataflow diagram: layers as boxes, streams as edges labelled with their widths. Layout made
 * here: each layer's rank is its longest path from the input, ranks run left to right and wrap
 * into rows that fit the page; layers of one rank (forks such as FFN_1 / FFN_2) stack vertically,
 * ordered by their producers. Edges between rows run through the gap below a row.
 */
import { compact, esc, fitText, int, px } from './format.js';
import type { LayerGraph, LayerReport } from './types.js';

/** Box and spacing sizes (px). */
const NODE_W = 184;
const NODE_H = 64;
const GAP_X = 72;
const GAP_Y = 16;
const ROW_GAP = 44;
const PAD_X = 40;
const PAD_TOP = 30;
const PORT_W = 96;

/** A placed box. */
export interface PlacedNode {
  /** Layer name, or `logits` for the output port. */
  readonly name: string;
  /** Whether this is the output port rather than a layer. */
  readonly port: boolean;
  readonly rank: number;
  readonly row: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** The diagram's geometry. */
export interface DiagramLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: ReadonlyMap<string, PlacedNode>;
  /** Top y of each row band. */
  readonly rowTop: readonly number[];
  /** Ranks per row. */
  readonly perRow: number;
}

const OUT = '\u0000logits';

/** Lays out the layer graph in at most `maxWidth` px (see the module comment). */
export function layoutDiagram(g: LayerGraph, maxWidth = 1060): DiagramLayout {
  const names = [...g.layers, OUT];
  const index = new Map(names.map((n, i) => [n, i]));
  const preds = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const e of g.edges) if (index.has(e.from) && index.has(e.to)) preds.get(e.to)!.push(e.from);
  preds.get(OUT)!.push(g.outputLayer);
  // Longest path from the sources; layers come in topological order, a bounded relaxation guards the rest.
  const rank = new Map<string, number>(names.map((n) => [n, 0]));
  for (let pass = 0; pass < 3; pass++)
    for (const n of names) rank.set(n, Math.max(0, ...preds.get(n)!.map((p) => Math.min(names.length, rank.get(p)! + 1))));
  const ranks: string[][] = [];
  for (const n of names) (ranks[rank.get(n)!] ??= []).push(n);
  const pos = new Map<string, number>();
  ranks.forEach((list, r) => {
    if (!list) return (ranks[r] = []);
    const bary = (n: string): number => {
      const ps = preds.get(n)!.filter((p) => pos.has(p));
      return ps.length ? ps.reduce((a, p) => a + pos.get(p)!, 0) / ps.length : index.get(n)!;
    };
    list.sort((a, b) => bary(a) - bary(b) || index.get(a)! - index.get(b)!);
    list.forEach((n, i) => pos.set(n, i));
    return list;
  });
  const perRow = Math.max(1, Math.floor((maxWidth - 2 * PAD_X + GAP_X) / (NODE_W + GAP_X)));
  const rows = Math.ceil(ranks.length / perRow);
  const rankH = (list: readonly string[]): number => list.length * NODE_H + (list.length - 1) * GAP_Y;
  const bandH = Array.from({ length: rows }, (_, r) => Math.max(NODE_H, ...ranks.slice(r * perRow, (r + 1) * perRow).map(rankH)));
  const rowTop: number[] = [];
  let y = PAD_TOP;
  for (let r = 0; r < rows; r++) {
    rowTop.push(y);
    y += bandH[r]! + ROW_GAP;
  }
  const nodes = new Map<string, PlacedNode>();
  ranks.forEach((list, rk) => {
    const row = Math.floor(rk / perRow);
    const col = rk % perRow;
    const top = rowTop[row]! + (bandH[row]! - rankH(list)) / 2;
    list.forEach((n, i) => {
      const port = n === OUT;
      const x = PAD_X + col * (NODE_W + GAP_X);
      const h = port ? 30 : NODE_H;
      nodes.set(port ? 'logits' : n, { name: port ? 'logits' : n, port, rank: rk, row, x, y: top + i * (NODE_H + GAP_Y) + (NODE_H - h) / 2, w: port ? PORT_W : NODE_W, h });
    });
  });
  const usedCols = Math.min(perRow, ranks.length);
  return { width: 2 * PAD_X + usedCols * NODE_W + (usedCols - 1) * GAP_X, height: y - ROW_GAP + 24, nodes, rowTop, perRow };
}

/** An orthogonal path through `pts` with rounded corners of radius `r`. */
function roundedPath(pts: readonly (readonly [number, number])[], r = 7): string {
  let d = `M${px(pts[0]![0])},${px(pts[0]![1])}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const [x0, y0] = pts[i - 1]!;
    const [x1, y1] = pts[i]!;
    const [x2, y2] = pts[i + 1]!;
    const l1 = Math.hypot(x1 - x0, y1 - y0);
    const l2 = Math.hypot(x2 - x1, y2 - y1);
    const rr = Math.min(r, l1 / 2, l2 / 2);
    if (rr < 0.5) {
      d += ` L${px(x1)},${px(y1)}`;
      continue;
    }
    const a: [number, number] = [x1 - ((x1 - x0) / l1) * rr, y1 - ((y1 - y0) / l1) * rr];
    const b: [number, number] = [x1 + ((x2 - x1) / l2) * rr, y1 + ((y2 - y1) / l2) * rr];
    d += ` L${px(a[0])},${px(a[1])} Q${px(x1)},${px(y1)} ${px(b[0])},${px(b[1])}`;
  }
  const last = pts[pts.length - 1]!;
  return `${d} L${px(last[0])},${px(last[1])}`;
}

/** Category of a layer for its accent colour. */
function category(l: LayerReport): string {
  const k = l.kind ?? '';
  if (k === 'image input') return 'c-io';
  if (k.includes('XNOR')) return 'c-xnor';
  if (k.includes('conv')) return 'c-int';
  if (l.features.includes('FC')) return 'c-head';
  return 'c-misc';
}

const SHORT: Readonly<Record<string, string>> = { residual: 'res', concat: 'cat' };

/** One layer's box. */
function layerBox(n: PlacedNode, l: LayerReport): string {
  const feats = l.features.filter((f) => !(l.kind ?? '').toLowerCase().includes(f.toLowerCase())).map((f) => SHORT[f] ?? f);
  const kind = [(l.kind ?? '').replace('XNOR conv', 'XNOR').replace('conv (int)', 'int conv'), ...feats].filter(Boolean).join(' · ');
  const par = l.pe !== null ? `PE ${l.pe} × SIMD ${l.simd}` : `${l.par} lane${l.par > 1 ? 's' : ''}`;
  const fold = `${par} · ${compact(l.cycles)} cyc`;
  const tip = `${l.name}: ${kind || 'layer'}; ${par}; ${int(l.cycles)} cycles per frame, ${(l.load * 100).toFixed(1)} % of the initiation interval; ~${int(l.lutsEstimate)} LUTs (estimate)${l.bottleneck ? '; BOTTLENECK' : ''}`;
  const loadW = (n.w - 24) * Math.min(1, l.load);
  return [
    `<g class="layer-node ${category(l)}${l.bottleneck ? ' bottleneck' : ''}" data-layer="${esc(l.name)}" transform="translate(${px(n.x)},${px(n.y)})">`,
    `<title>${esc(tip)}</title>`,
    `<rect class="box" width="${n.w}" height="${n.h}" rx="6"/>`,
    `<rect class="accent" width="5" height="${n.h}" rx="2"/>`,
    `<text class="n-name" x="13" y="18">${esc(fitText(l.name, n.w - 20, 12.5, true))}</text>`,
    `<text class="n-kind" x="13" y="34">${esc(fitText(kind, n.w - 20, 11))}</text>`,
    `<text class="n-fold" x="13" y="49">${esc(fitText(fold, n.w - (l.bottleneck ? 36 : 20), 11))}</text>`,
    l.bottleneck ? `<text class="n-tag" x="${n.w - 9}" y="49" text-anchor="end">II</text>` : '',
    `<rect class="load-bg" x="13" y="55" width="${n.w - 24}" height="3" rx="1.5"/>`,
    `<rect class="load" x="13" y="55" width="${px(Math.max(1, loadW))}" height="3" rx="1.5"/>`,
    '</g>',
  ]
    .filter(Boolean)
    .join('');
}

/** An edge label: bits per beat, and lanes × format below. */
function edgeLabel(x: number, y: number, main: string, sub: string): string {
  const w = Math.max(main.length * 7 + 10, sub.length * 5.6 + 10);
  return `<g class="elabel" transform="translate(${px(x)},${px(y)})"><rect x="${px(-w / 2)}" y="-12" width="${px(w)}" height="24" rx="4"/><text class="e-main" y="-1" text-anchor="middle">${esc(main)}</text><text class="e-sub" y="9" text-anchor="middle">${esc(sub)}</text></g>`;
}

/** Renders the diagram as an `<svg>` element string. */
export function diagramSvg(g: LayerGraph, layers: readonly LayerReport[], output: { lanes: number; format: string; tdataBits: number }, classes: number): string {
  const lay = layoutDiagram(g);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const paths: string[] = [];
  const labels = new Map<string, string>();
  const edges = [...g.edges.map((e) => ({ from: e.from, to: e.to, main: e.streams.map((s) => `${s.bits} b`).join(' + '), sub: e.streams.map((s) => `${s.lanes}×${s.format}`).join(' + '), tip: e.streams.map((s) => `${s.node}: ${s.lanes} × ${s.format} = ${s.bits} bits per beat`).join('; ') }))];
  edges.push({ from: g.outputLayer, to: 'logits', main: `${output.tdataBits} b`, sub: `${output.lanes}×${output.format}`, tip: `logits: ${classes} values, ${output.lanes} × ${output.format} = ${output.tdataBits} bits per beat` });
  for (const e of edges) {
    const s = lay.nodes.get(e.from);
    const t = lay.nodes.get(e.to);
    if (!s || !t) continue;
    const sx = s.x + s.w;
    const sy = s.y + s.h / 2;
    const tx = t.x;
    const ty = t.y + t.h / 2;
    let d: string;
    let lx: number;
    let ly: number;
    if (s.row === t.row && t.rank === s.rank + 1) {
      const mx = sx + GAP_X / 2;
      d = `M${px(sx)},${px(sy)} C${px(mx)},${px(sy)} ${px(tx - GAP_X / 2)},${px(ty)} ${px(tx)},${px(ty)}`;
      lx = mx;
      ly = (sy + ty) / 2;
    } else if (s.row === t.row) {
      const yb = lay.rowTop[s.row]! - 14;
      d = roundedPath([[sx, sy], [sx + 14, sy], [sx + 14, yb], [tx - 14, yb], [tx - 14, ty], [tx, ty]]);
      lx = (sx + tx) / 2;
      ly = yb;
    } else {
      const xr = sx + GAP_X / 2;
      const yg = lay.rowTop[t.row]! - ROW_GAP / 2;
      const xl = tx - GAP_X / 2 + 8;
      d = roundedPath([[sx, sy], [xr, sy], [xr, yg], [xl, yg], [xl, ty], [tx, ty]]);
      lx = (xr + xl) / 2;
      ly = yg;
    }
    paths.push(`<path class="edge" d="${d}" marker-end="url(#arrow)"><title>${esc(`${e.from} → ${e.to === 'logits' ? 'logits' : e.to}: ${e.tip}`)}</title></path>`);
    labels.set(`${px(lx)},${px(ly)},${e.main},${e.sub}`, edgeLabel(lx, ly, e.main, e.sub));
  }
  const boxes: string[] = [];
  for (const n of lay.nodes.values()) {
    if (n.port) {
      boxes.push(`<g class="port" transform="translate(${px(n.x)},${px(n.y)})"><title>${esc(`logits stream: ${classes} values per image`)}</title><rect width="${n.w}" height="${n.h}" rx="${n.h / 2}"/><text x="${n.w / 2}" y="${n.h / 2 + 4}" text-anchor="middle">logits ×${classes}</text></g>`);
      continue;
    }
    const l = byName.get(n.name);
    if (l) boxes.push(layerBox(n, l));
  }
  return [
    `<svg class="diagram" role="img" aria-label="dataflow diagram of the design's layers" viewBox="0 0 ${px(lay.width)} ${px(lay.height)}" width="${px(lay.width)}" height="${px(lay.height)}" xmlns="http://www.w3.org/2000/svg">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ...paths,
    ...boxes,
    ...labels.values(),
    '</svg>',
  ].join('\n');
}
