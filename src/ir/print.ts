/**
 * Canonical text dump of the IR: one line per node, stable enough to diff in tests.
 * `%id = kind(inputs) shape elem par=P key=value ...  # layer`
 * Large parameter vectors are summarized by length and a content hash so dumps stay short and
 * still change when a value changes.
 */
import { createHash } from 'node:crypto';
import { formatName } from './fixed.js';
import type { Elem, Graph, Node, Vec } from './graph.js';

function elemName(e: Elem): string {
  return e.kind === 'fix' ? formatName(e.fmt) : e.kind;
}

function vecSummary(v: Vec): string {
  const arr = Array.from(v as ArrayLike<number>);
  if (arr.length <= 4) return `[${arr.map((x) => +x.toPrecision(6)).join(',')}]`;
  const h = createHash('sha256').update(new Uint8Array(new Float64Array(arr).buffer)).digest('hex').slice(0, 8);
  return `<${arr.length}#${h}>`;
}

function attrs(obj: object, prefix = ''): string[] {
  const skip = new Set(['id', 'kind', 'inputs', 'shape', 'elem', 'par', 'layer', 'loc']);
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (!prefix && skip.has(k)) continue;
    if (v === undefined) continue;
    const key = prefix + k;
    if (ArrayBuffer.isView(v) || Array.isArray(v)) out.push(`${key}=${vecSummary(v as Vec)}`);
    else if (v && typeof v === 'object' && 'signed' in v && 'width' in v) out.push(`${key}=${formatName(v as never)}`);
    else if (v && typeof v === 'object') out.push(...attrs(v as object, `${key}.`));
    else out.push(`${key}=${typeof v === 'number' ? +v.toPrecision(8) : String(v)}`);
  }
  return out;
}

/** One node's line. */
export function printNode(n: Node): string {
  const head = `%${n.id} = ${n.kind}(${n.inputs.map((i) => `%${i}`).join(', ')})`;
  const body = [n.shape.join('x'), elemName(n.elem), `par=${n.par}`, ...attrs(n)];
  return `${head} ${body.join(' ')}  # ${n.layer}`;
}

/** The whole graph. */
export function printGraph(g: Graph): string {
  const lines = [`; ir ${g.name} (${g.nodes.length} nodes) passes: ${g.passes.join(', ') || '(none)'}`, ...g.nodes.map(printNode)];
  return lines.join('\n') + '\n';
}
