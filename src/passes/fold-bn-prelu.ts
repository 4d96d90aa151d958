/**
 * Pass `fold-bn-prelu`: BatchNorm followed by PReLU (BN1 + PReLU2) becomes one per-channel
 * two-slope affine; a lone BatchNorm becomes an affine without slope, a lone PReLU an affine with
 * scale 1 and shift 0. Negative BN scales and negative PReLU slopes need no special case: the
 * slope is chosen by the sign of z = x*scale + shift, exactly as PyTorch does.
 */
import type { AffineNode, Graph, Node } from '../ir/graph.js';
import { rewire, useCounts, withNodes } from './util.js';

/** Folds BN/PReLU into affines. */
export function foldBnPrelu(g: Graph): Graph {
  const uses = useCounts(g.nodes);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const map = new Map<string, string>();
  const drop = new Set<string>();
  const out: Node[] = [];
  for (const n of g.nodes) {
    if (n.kind === 'prelu') {
      const src = byId.get(n.inputs[0]!)!;
      if (src.kind === 'batchnorm' && uses.get(src.id) === 1) {
        const a: AffineNode = { ...n, kind: 'affine', id: `${src.id}_${n.id.split('/').pop()}`, inputs: src.inputs, scale: src.scale, shift: src.shift, slope: n.slope };
        drop.add(src.id);
        map.set(n.id, a.id);
        out.push(a);
      } else {
        const c = n.shape[0];
        out.push({ ...n, kind: 'affine', scale: new Float64Array(c).fill(1), shift: new Float64Array(c), slope: n.slope } as AffineNode);
      }
      continue;
    }
    if (n.kind === 'batchnorm') {
      out.push({ ...n, kind: 'affine', scale: n.scale, shift: n.shift } as AffineNode);
      continue;
    }
    out.push(n);
  }
  // A folded BN's slot is taken by the affine at the PReLU's position; drop the BN itself.
  return withNodes(g, rewire(out.filter((n) => !drop.has(n.id)), map), 'fold-bn-prelu');
}
