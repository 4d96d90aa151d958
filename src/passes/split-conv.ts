/**
 * Pass `split-conv`: a convolution becomes a sliding window feeding a matrix-vector unit.
 * Binary convs get an XNOR-popcount MVAU; the window marks taps outside the map as padding, and
 * the MVAU skips them, which is the exact zero-padding rule (BNEXT.md section 5). Real convs (stem,
 * BNext-18 downsample) get an integer MVAU. A 1x1 stride-1 conv needs no window. Weights are
 * reordered from [Cout][Cin][ky][kx] to rows [Cout] x columns in window order (ky, kx, c).
 */
import type { Graph, MvauNode, Node, WindowNode } from '../ir/graph.js';
import { rewire, withNodes } from './util.js';

/**
 * Splits every conv node. With `shapesOnly` (see LowerOptions in lower.ts) binary weights are
 * placeholders, all zero: they are not reordered.
 */
export function splitConv(g: Graph, shapesOnly = false): Graph {
  const out: Node[] = [];
  const map = new Map<string, string>();
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  for (const n of g.nodes) {
    if (n.kind !== 'conv') {
      out.push(n);
      continue;
    }
    const src = byId.get(n.inputs[0]!)!;
    const [cin, h, w] = src.shape;
    const k = n.kernel;
    let feed = src.id;
    let cols = cin;
    if (!(k === 1 && n.stride === 1 && n.pad === 0)) {
      const win: WindowNode = {
        kind: 'window',
        id: `${n.id}_window`,
        inputs: [src.id],
        shape: [cin * k * k, n.shape[1], n.shape[2]],
        elem: src.elem,
        par: src.par,
        layer: n.layer,
        ...(n.loc ? { loc: n.loc } : {}),
        kernel: k,
        stride: n.stride,
        pad: n.pad,
      };
      out.push(win);
      feed = win.id;
      cols = cin * k * k;
    }
    void h;
    void w;
    const rows = n.shape[0];
    // binary weights stay one byte each (BNext-Large has 308 M of them)
    const wt = n.binary ? new Int8Array(rows * cols) : new Float64Array(rows * cols);
    if (!(n.binary && shapesOnly))
      for (let co = 0; co < rows; co++)
        for (let ci = 0; ci < cin; ci++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) wt[co * cols + (ky * k + kx) * cin + ci] = n.weight[((co * cin + ci) * k + ky) * k + kx]!;
    const mv: MvauNode = {
      kind: 'mvau',
      id: `${n.id}_mvau`,
      inputs: [feed],
      shape: n.shape,
      elem: n.elem,
      par: 1,
      layer: n.layer,
      ...(n.loc ? { loc: n.loc } : {}),
      mode: n.binary ? 'xnor' : 'int',
      rows,
      cols,
      weight: wt,
      pe: 1,
      simd: src.par,
    };
    out.push(mv);
    map.set(n.id, mv.id);
  }
  return withNodes(g, rewire(out, map), 'split-conv');
}
