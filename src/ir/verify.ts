/**
 * IR invariants, checked where they live: unique ids, inputs defined before use (so no cycles and
 * no dangling ports), arity, shapes recomputed from each op's rule, per-op constraints (element
 * types, parameter lengths, folding divides dimensions), one input and one output, every node used.
 * Tests run it after every pass.
 */
import { BnextError } from '../diag.js';
import type { Graph, Node } from './graph.js';
import { opOf } from './ops/index.js';

/** All violations of a graph (empty when valid). */
export function verifyErrors(g: Graph): string[] {
  const errs: string[] = [];
  const seen = new Map<string, Node>();
  const used = new Set<string>();
  for (const n of g.nodes) {
    const at = `${n.id} (${n.kind})`;
    if (seen.has(n.id)) errs.push(`${at}: duplicate id`);
    const ins: Node[] = [];
    for (const i of n.inputs) {
      const p = seen.get(i);
      if (!p) errs.push(`${at}: input '${i}' is not defined before it (dangling port or cycle)`);
      else ins.push(p);
      used.add(i);
    }
    seen.set(n.id, n);
    if (ins.length !== n.inputs.length) continue;
    const op = opOf(n);
    const arityOk = op.arity === 'many' ? ins.length >= 2 : ins.length === op.arity;
    if (!arityOk) {
      errs.push(`${at}: ${ins.length} inputs, expected ${op.arity}`);
      continue;
    }
    const expect = op.shape(n as never, ins);
    if (expect.join('x') !== n.shape.join('x')) errs.push(`${at}: shape ${n.shape.join('x')}, op rule gives ${expect.join('x')}`);
    for (const e of op.check(n as never, ins)) errs.push(`${at}: ${e}`);
    if (n.elem.kind === 'fix' && !(n.elem.fmt.width >= 1 && n.elem.fmt.width <= 48)) errs.push(`${at}: width ${n.elem.fmt.width} out of range`);
  }
  const inputs = g.nodes.filter((n) => n.kind === 'input');
  const outputs = g.nodes.filter((n) => n.kind === 'output');
  if (inputs.length !== 1) errs.push(`graph has ${inputs.length} input nodes, expected 1`);
  if (outputs.length !== 1) errs.push(`graph has ${outputs.length} output nodes, expected 1`);
  for (const n of g.nodes) if (n.kind !== 'output' && !used.has(n.id)) errs.push(`${n.id} (${n.kind}): output never used`);
  return errs;
}

/** Throws E_IR listing every violation. */
export function verify(g: Graph): Graph {
  const errs = verifyErrors(g);
  if (errs.length)
    throw new BnextError('E_IR', `IR of ${g.name} after [${g.passes.join(', ')}] has ${errs.length} problem(s)`, {}, errs.slice(0, 50));
  return g;
}
