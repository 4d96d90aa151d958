/**
 * The integer semantics of single ops on hand-computed cases, and whole graphs under extreme inputs.
 * Expected values are worked out by hand in the comments, not taken from the implementation.
 */
import { describe, expect, it } from 'vitest';
import type { Graph, Node } from '../../src/ir/graph.js';
import { verifyErrors } from '../../src/ir/verify.js';
import { quantize as quantizePass } from '../../src/passes/quantize.js';
import { REF_OPS } from '../../src/ref/ops/index.js';
import { interpret } from '../../src/ref/interp.js';

const fix = (width: number, frac: number) => ({ kind: 'fix' as const, fmt: { signed: true, width, frac } });
const base = { par: 1, layer: 'l' };

describe('integer op semantics on hand-computed cases', () => {
  it('threshold: x >= t gives +1, ties included', () => {
    const src = { ...base, kind: 'input', id: 'x', inputs: [], shape: [2, 1, 2], elem: fix(8, 0) } as Node;
    const n = { ...base, kind: 'threshold', id: 't', inputs: ['x'], shape: [2, 1, 2], elem: { kind: 'bin' }, t: [0, 0], q: { t: [3, -2] } } as Node;
    // channel 0 threshold 3: x = 3 (tie) -> +1, x = 2 -> -1; channel 1 threshold -2: -2 -> +1, -3 -> -1
    const out = REF_OPS.threshold.int(n as never, { nodes: [src], values: [Float64Array.from([3, 2, -2, -3])] });
    expect(Array.from(out)).toEqual([1, -1, 1, -1]);
  });

  it('affine with a negative BN scale and a negative PReLU slope', () => {
    const src = { ...base, kind: 'input', id: 'x', inputs: [], shape: [1, 1, 3], elem: fix(8, 0) } as Node;
    // z = x * (-4) + 2 (zFrac 1: z real = z/2); slope -0.5 = -2 / 2^2; out s8.1 (shift 0).
    const n = {
      ...base,
      kind: 'affine',
      id: 'a',
      inputs: ['x'],
      shape: [1, 1, 3],
      elem: fix(8, 1),
      scale: [-2],
      shift: [1],
      slope: [-0.5],
      q: { mul: [-4], add: [2], zFrac: 1, slope: [-2], slopeFrac: 2, zWidth: 24 },
    } as Node;
    // x = 1: z = -2 < 0 -> shiftRound(-2 * -2, 2) = 1 -> out 1 (0.5 real: -1*... ok)
    // x = -3: z = 14 >= 0 -> 14; x = 0: z = 2 -> 2
    const out = REF_OPS.affine.int(n as never, { nodes: [src], values: [Float64Array.from([1, -3, 0])] });
    expect(Array.from(out)).toEqual([1, 14, 2]);
  });

  it('xnor mvau behind a window: zero padding contributes nothing (4 / 6 / 9 taps)', () => {
    const C = 5;
    const g: Graph = {
      name: 'pad',
      passes: [],
      nodes: [
        { ...base, kind: 'input', id: 'input', inputs: [], shape: [C, 3, 3], elem: fix(8, 0) },
        { ...base, kind: 'threshold', id: 't', inputs: ['input'], shape: [C, 3, 3], elem: { kind: 'bin' }, t: new Float64Array(C), q: { t: new Float64Array(C) } },
        { ...base, kind: 'window', id: 'w', inputs: ['t'], shape: [9 * C, 3, 3], elem: { kind: 'bin' }, kernel: 3, stride: 1, pad: 1 },
        {
          ...base,
          kind: 'mvau',
          id: 'm',
          inputs: ['w'],
          shape: [1, 3, 3],
          elem: fix(8, 0),
          mode: 'xnor',
          rows: 1,
          cols: 9 * C,
          weight: new Int8Array(9 * C).fill(1),
          pe: 1,
          simd: 1,
        },
        { ...base, kind: 'output', id: 'output', inputs: ['m'], shape: [1, 3, 3], elem: fix(8, 0) },
      ] as Node[],
    };
    expect(verifyErrors(g)).toEqual([]);
    const r = interpret(g, { shape: [C, 3, 3], data: new Float32Array(9 * C).fill(1) }, 'int');
    expect(Array.from(r.codes!)).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4].map((t) => t * C));
  });

  it('gap: exact sum times the rounded reciprocal', () => {
    const src = { ...base, kind: 'input', id: 'x', inputs: [], shape: [1, 1, 3], elem: fix(8, 0) } as Node;
    const n = { ...base, kind: 'gap', id: 'g', inputs: ['x'], shape: [1, 1, 1], elem: fix(8, 4), q: { recip: 21845, shift: 12, sumWidth: 10 } } as Node;
    // sum = 10; 10 * 21845 = 218450; / 2^12 = 53.33 -> 53 (= 10/3 * 16 = 53.3)
    expect(Array.from(REF_OPS.gap.int(n as never, { nodes: [src], values: [Float64Array.from([1, 4, 5])] }))).toEqual([53]);
  });
});

describe('range analysis: no intermediate overflows for any input', () => {
  // BNext-Large's widest binary conv: 2048 channels, 3x3 -> 18432 taps.
  const C = 2048;
  const graph = (): Graph => ({
    name: 'extreme',
    passes: [],
    nodes: [
      { ...base, kind: 'input', id: 'input', inputs: [], shape: [C, 3, 3], elem: { kind: 'float' } },
      { ...base, kind: 'threshold', id: 't', inputs: ['input'], shape: [C, 3, 3], elem: { kind: 'bin' }, t: new Float64Array(C) },
      { ...base, kind: 'window', id: 'w', inputs: ['t'], shape: [9 * C, 3, 3], elem: { kind: 'bin' }, kernel: 3, stride: 1, pad: 1 },
      {
        ...base,
        kind: 'mvau',
        id: 'm',
        inputs: ['w'],
        shape: [2, 3, 3],
        elem: { kind: 'float' },
        mode: 'xnor',
        rows: 2,
        cols: 9 * C,
        weight: Int8Array.from({ length: 2 * 9 * C }, (_, i) => (i < 9 * C ? 1 : -1)),
        pe: 1,
        simd: 1,
      },
      { ...base, kind: 'affine', id: 'a', inputs: ['m'], shape: [2, 3, 3], elem: { kind: 'float' }, scale: [0.01, -0.02], shift: [0.5, -0.3], slope: [0.25, -0.1] },
      { ...base, kind: 'gap', id: 'g', inputs: ['a'], shape: [2, 1, 1], elem: { kind: 'float' } },
      { ...base, kind: 'fc', id: 'f', inputs: ['g'], shape: [3, 1, 1], elem: { kind: 'float' }, inFeatures: 2, outFeatures: 3, weight: [1, -1, 0.5, 2, -3, 0.1], bias: [0, 1, -1], relu: false },
      { ...base, kind: 'output', id: 'output', inputs: ['f'], shape: [3, 1, 1], elem: { kind: 'float' } },
    ] as Node[],
  });
  const plus = { shape: [C, 3, 3], data: new Float32Array(9 * C).fill(1) };
  const minus = { shape: [C, 3, 3], data: new Float32Array(9 * C).fill(-1) };

  it('all +1 / all -1 activations against all +1 / all -1 weights reach +-18432 exactly', () => {
    const g = quantizePass(graph(), { calibration: [plus] });
    expect(verifyErrors(g)).toEqual([]);
    const seen = new Map<string, Float64Array>();
    for (const img of [plus, minus]) interpret(g, img, 'int', { onNode: (n, v) => seen.set(`${n.id}:${img === plus}`, v) });
    // centre pixel (index 4) sees all 18432 taps
    expect(seen.get('m:true')![4]).toBe(18432);
    expect(seen.get('m:true')![9 + 4]).toBe(-18432);
    expect(seen.get('m:false')![4]).toBe(-18432);
    const m = g.nodes.find((n) => n.id === 'm')!;
    expect(m.elem.kind === 'fix' && m.elem.fmt.width).toBe(16);
  });
});
