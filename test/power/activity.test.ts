/**
 * Activity from Verilator toggle coverage: the .dat format, and the attribution of top-level
 * wires to instances and signal classes (a wire counts for its producer and every consumer; a
 * fork's per-consumer valid/ready bits for that consumer only; a FIFO's output data is its
 * memory read port).
 */
import { describe, expect, it } from 'vitest';
import { designActivity, parseCoverage, type CoveragePoint } from '../../src/power/activity.js';
import type { Graph, Node } from '../../src/ir/graph.js';

const fix = { kind: 'fix', fmt: { width: 8, frac: 4, signed: true } } as const;
const node = (id: string, kind: Node['kind'], inputs: string[], extra: Record<string, unknown> = {}): Node =>
  ({ id, kind, inputs, shape: [4, 2, 2], elem: fix, par: 1, layer: id.split('/')[0]!, ...extra }) as unknown as Node;

/** input -> fifo -> fork -> {add.a, add.b} -> output. */
const g: Graph = {
  name: 'toy',
  passes: [],
  nodes: [
    node('in/x', 'input', []),
    node('l1/buf', 'fifo', ['in/x'], { depth: 4 }),
    node('l1/fork', 'fork', ['l1/buf']),
    node('l2/add', 'add', ['l1/fork', 'l1/fork']),
    node('out/y', 'output', ['l2/add']),
  ],
};

const dat = (pts: [string, string, number][]) =>
  '# SystemC::Coverage-3\n' + pts.map(([h, o, n]) => `C '\x01f\x02top.v\x01l\x021\x01page\x02v_toggle/toy_top\x01o\x02${o}\x01h\x02${h}' ${n}`).join('\n') + '\n';

describe('toggle coverage', () => {
  it('reads Verilator coverage points', () => {
    const p = parseCoverage(dat([['TOP.toy_top', 'in_x_tdata[3]', 7]]));
    expect(p).toEqual([{ hier: 'TOP.toy_top', signal: 'in_x_tdata[3]', count: 7 }]);
    expect(() => parseCoverage('hello')).toThrow(/not a Verilator coverage file/);
  });

  it('attributes wires to producers and consumers by class', () => {
    const points: CoveragePoint[] = parseCoverage(
      dat([
        ['TOP.toy_top', 'in_x_tdata[0]', 10], // input stream: the fifo's input data
        ['TOP.toy_top', 'in_x_tvalid', 2],
        ['TOP.toy_top', 'l1_buf_tdata[0]', 6], // fifo output: its read port; the fork's input data
        ['TOP.toy_top', 'l1_buf_count_o_unused[1]', 3], // a fifo side output: control
        ['TOP.toy_top', 'l1_fork_tvalid[1]', 4], // fork valid bit for consumer 1
        ['TOP.toy_top', 'l1_fork_tdata[0]', 5],
        ['TOP.toy_top', 'clk_i', 100], // a port of the top: nobody's
        ['TOP.toy_top.u_l2_add', 'sum_q[0]', 99], // inside a core: not counted
      ]),
    );
    const a = designActivity(g, points, 10);
    const by = new Map(a.instances.map((i) => [i.node, i]));
    expect(by.get('l1/buf')!.datapath).toEqual({ bits: 1, toggles: 10 });
    expect(by.get('l1/buf')!.memory).toEqual({ bits: 1, toggles: 6 });
    expect(by.get('l1/buf')!.control).toEqual({ bits: 2, toggles: 5 });
    expect(by.get('l1/fork')!.datapath).toEqual({ bits: 2, toggles: 11 });
    // the fork's valid bit 1 goes to its second consumer only: both consumers are l2/add here
    expect(by.get('l2/add')!.control).toEqual({ bits: 1, toggles: 4 });
    expect(by.get('l2/add')!.datapath).toEqual({ bits: 1, toggles: 5 });
    expect(a.unassigned).toEqual({ bits: 1, toggles: 100 });
    expect(a.instances.map((i) => i.instance)).toEqual(['u_l1_buf', 'u_l1_fork', 'u_l2_add']);
  });

  it('refuses coverage of another design', () => {
    expect(() => designActivity(g, parseCoverage(dat([['TOP.other', 'foo_tdata[0]', 1]])), 10)).toThrow(/no wires of toy's streams/);
  });
});
