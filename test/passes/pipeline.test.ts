import { describe, expect, it } from 'vitest';
import { zooNetwork } from '../../src/dsl/zoo.js';
import { printGraph } from '../../src/ir/print.js';
import { verifyErrors } from '../../src/ir/verify.js';
import { compile } from '../../src/passes/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { interpret } from '../../src/ref/interp.js';
import { runFloat } from '../../src/ref/float/index.js';
import { randomWeights } from '../../src/weights/random.js';
import { Rng } from '../../src/util/rng.js';
import type { Tensor } from '../../src/tensor.js';

function image(seed: number, h: number): Tensor {
  const r = new Rng(seed);
  const data = new Float32Array(3 * h * h);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  return { shape: [3, h, h], data };
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / Math.max(s, 1e-12);
}

describe.each(['tiny', 'bnext18'])('%s@32: every pass preserves the float semantics', (size) => {
  const net = zooNetwork(size, { input: 32, classes: 10 });
  const ws = randomWeights(net, 7);
  const img = image(3, 32);
  const ref = runFloat(net, ws, img).data;
  const stages: [string, Graph][] = [];
  compile(net, ws, 'float-hw', { onPass: (name, g) => stages.push([name, g]) });

  it('runs lower and every pass, each verified', () => {
    expect(stages.map(([n]) => n)).toEqual(['lower', 'fold-sign-threshold', 'fold-bn-prelu', 'split-conv', 'insert-forks']);
    for (const [, g] of stages) expect(verifyErrors(g)).toEqual([]);
  });

  it('float interpretation after each pass matches the float model', () => {
    for (const [name, g] of stages) {
      const got = interpret(g, img, 'float').logits;
      expect(maxRelErr(got, ref), name).toBeLessThan(1e-4);
    }
  });

  it('the folded graph has only hardware ops', () => {
    const g = stages.at(-1)![1];
    const kinds = new Set(g.nodes.map((n) => n.kind));
    for (const k of ['conv', 'bias', 'sign', 'batchnorm', 'prelu']) expect(kinds.has(k as never), k).toBe(false);
    expect(printGraph(g)).toMatch(/threshold/);
  });
});
