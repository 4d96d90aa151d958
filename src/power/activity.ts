/**
 * Activity from simulation: Verilator toggle coverage of a design's top-level wires, read back
 * per module instance and per signal class.
 *
 * Every IR node has one core instance (`u_<verilogName(id)>`) and one output stream of wires
 * `<verilogName(id)>_tvalid/_tready/_tdata/_tlast` in the top. A wire's toggles count for each
 * instance it connects: the producer (its output stream) and every consumer (an input stream).
 * The same accounting is used when a core is characterized (src/power/characterize.ts: the core
 * sits in a wrapper whose wires are its ports), so energy per toggle transfers from one to the
 * other. The cores themselves are not instrumented (that multiplied the C++ Verilator generates
 * several-fold), so activity inside a core is known only through its ports.
 *
 * Signal classes: `datapath` (tdata), `control` (tvalid, tready, tlast and any other wire) and
 * `memory` (read ports: a FIFO's or line buffer's output data, counted for that memory; external
 * memory ports).
 */
import { fail } from '../diag.js';
import { verilogName } from '../emit/names.js';
import type { Graph, Node } from '../ir/graph.js';
import { consumers } from '../ir/graph.js';
import { readFileChecked } from '../io/atomic.js';

/** One toggle-coverage point: a signal bit in a module instance. */
export interface CoveragePoint {
  /** Hierarchy, e.g. `TOP.pw_top`. */
  readonly hier: string;
  /** Signal name with the bit, e.g. `input_tdata[3]`. */
  readonly signal: string;
  /** Changes counted (both directions). */
  readonly count: number;
}

/** Reads a Verilator coverage .dat file's toggle points. Throws E_FILE when it is not one. */
export function readCoverage(path: string): CoveragePoint[] {
  return parseCoverage(readFileChecked(path).toString('latin1'), path);
}

/** Parses the text of a Verilator coverage .dat file (toggle points only). */
export function parseCoverage(text: string, file = 'coverage.dat'): CoveragePoint[] {
  const lines = text.split('\n');
  if (!/^# SystemC::Coverage/.test(lines[0] ?? '')) fail('E_FILE', 'not a Verilator coverage file (no "# SystemC::Coverage" header)', { file });
  const out: CoveragePoint[] = [];
  for (const line of lines) {
    if (!line.startsWith('C ')) continue;
    const m = /^C '(.*)' (\d+)\s*$/.exec(line);
    if (!m) fail('E_FILE', `unreadable coverage line: ${line.slice(0, 80)}`, { file });
    const kv = new Map<string, string>();
    for (const part of m[1]!.split('\x01')) {
      const i = part.indexOf('\x02');
      if (i > 0) kv.set(part.slice(0, i), part.slice(i + 1));
    }
    if (!(kv.get('page') ?? '').startsWith('v_toggle')) continue;
    out.push({ hier: kv.get('h') ?? '', signal: kv.get('o') ?? '', count: Number(m[2]) });
  }
  return out;
}

/** Toggles and bit count of one signal class. */
export interface ClassActivity {
  /** Wire bits of this class. */
  readonly bits: number;
  /** Changes counted on them over the run. */
  readonly toggles: number;
}

/** Activity of one core instance (an IR node). */
export interface InstanceActivity {
  /** IR node id. */
  readonly node: string;
  /** Instance name in the top (`u_<verilogName(node)>`). */
  readonly instance: string;
  /** DSL layer of the node. */
  readonly layer: string;
  /** IR op kind. */
  readonly kind: Node['kind'];
  /** tdata bits of its input and output streams. */
  readonly datapath: ClassActivity;
  /** valid, ready, last and other wires. */
  readonly control: ClassActivity;
  /** Memory read ports: its output data when it is a FIFO or line buffer; external memory ports. */
  readonly memory: ClassActivity;
}

/** The activity of a whole run. */
export interface DesignActivity {
  /** Clock cycles counted (after the reset). */
  readonly cycles: number;
  /** Per instance, in graph order. */
  readonly instances: readonly InstanceActivity[];
  /** Top-level wire bits that belong to no instance (ports of the top). */
  readonly unassigned: ClassActivity;
}

/** Node kinds whose output stream is a memory's read port. */
const MEMORY_KINDS: ReadonlySet<Node['kind']> = new Set(['fifo', 'window']);
const STREAM = /^(.*)_(tvalid|tready|tdata|tlast)(\[\d+\])?$/;

/** Aggregates top-level toggle points of a design run per instance and class. */
export function designActivity(g: Graph, points: readonly CoveragePoint[], cycles: number): DesignActivity {
  if (!(Number.isFinite(cycles) && cycles > 0)) fail('E_ARG', `cycles must be positive, got ${cycles}`, { field: 'cycles' });
  const hw = g.nodes.filter((n) => n.kind !== 'output');
  const byPrefix = new Map(hw.map((n) => [verilogName(n.id), n]));
  const uses = consumers(g);
  const acc = new Map<string, { d: [number, number]; c: [number, number]; m: [number, number] }>();
  for (const n of hw) if (n.kind !== 'input') acc.set(n.id, { d: [0, 0], c: [0, 0], m: [0, 0] });
  const unassigned: [number, number] = [0, 0];
  const add = (id: string, cls: 'd' | 'c' | 'm', count: number) => {
    const a = acc.get(id);
    if (!a) return false;
    a[cls][0]++;
    a[cls][1] += count;
    return true;
  };
  // Only the design top's own wires: the hierarchy with the most of its stream wires (a
  // simulation wrapper around the top has its own, unrelated wires).
  const score = new Map<string, number>();
  for (const p of points) {
    const s = STREAM.exec(p.signal.replace(/\[\d+\]$/, ''));
    if (s && byPrefix.has(s[1]!)) score.set(p.hier, (score.get(p.hier) ?? 0) + 1);
  }
  const top = [...score].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  if (top === undefined) fail('E_SIM', `the coverage file has no wires of ${g.name}'s streams (was it made from this design?)`, { field: 'activity' });
  for (const p of points) {
    if (p.hier !== top) continue;
    const base = p.signal.replace(/\[\d+\]$/, '');
    const s = STREAM.exec(base);
    const producer = s ? byPrefix.get(s[1]!) : undefined;
    if (!s || !producer) {
      // Another wire (an unused output, a memory port): the instance whose name prefixes it.
      let owner: Node | undefined;
      for (const [prefix, n] of byPrefix) if (base.startsWith(`${prefix}_`) && (!owner || prefix.length > verilogName(owner.id).length)) owner = n;
      const cls = /mem|rdata|raddr|rd_/.test(base) ? 'm' : 'c';
      if (!owner || !add(owner.id, cls, p.count)) {
        unassigned[0]++;
        unassigned[1] += p.count;
      }
      continue;
    }
    const kind = s[2]!;
    // A memory's output data is its read port (for the memory; its consumers see a datapath).
    const cls = kind === 'tdata' ? 'd' : 'c';
    let taken = add(producer.id, cls === 'd' && MEMORY_KINDS.has(producer.kind) ? 'm' : cls, p.count);
    const users = (uses.get(producer.id) ?? []).filter((u) => acc.has(u));
    const idx = s[3] ? Number(s[3].slice(1, -1)) : undefined;
    // A fork's valid/ready are vectors, one bit per consumer.
    const targets = producer.kind === 'fork' && (kind === 'tvalid' || kind === 'tready') && idx !== undefined ? users.slice(idx, idx + 1) : [...new Set(users)];
    for (const u of targets) taken = add(u, cls, p.count) || taken;
    if (!taken) {
      unassigned[0]++;
      unassigned[1] += p.count;
    }
  }
  const instances = hw
    .filter((n) => n.kind !== 'input')
    .map((n) => {
      const a = acc.get(n.id)!;
      return {
        node: n.id,
        instance: `u_${verilogName(n.id)}`,
        layer: n.layer,
        kind: n.kind,
        datapath: { bits: a.d[0], toggles: a.d[1] },
        control: { bits: a.c[0], toggles: a.c[1] },
        memory: { bits: a.m[0], toggles: a.m[1] },
      };
    });
  return { cycles, instances, unassigned: { bits: unassigned[0], toggles: unassigned[1] } };
}

/** All toggles of an instance (every class). */
export function instanceToggles(a: InstanceActivity): number {
  return a.datapath.toggles + a.control.toggles + a.memory.toggles;
}

/** All wire bits of an instance. */
export function instanceBits(a: InstanceActivity): number {
  return a.datapath.bits + a.control.bits + a.memory.bits;
}
