/**
 * Gate-level power of a netlist mapped to a Liberty library (Yosys `write_json` of a flattened
 * module), from per-net toggle counts. The model is the one standard power tools use:
 *
 * - switching: 0.5 * C_load * V^2 per toggle of a net driven by a cell output, C_load the sum of
 *   the Liberty input capacitances of its sinks (no wire capacitance: no layout exists);
 * - internal: per transition of a cell output, the mean of the rise and fall energies of its
 *   `internal_power` arcs, looked up at the output load and the input slew, the arcs weighted by
 *   the toggles of their related inputs; per transition of an input pin with its own table (the
 *   flip-flop clock and data pins), the mean of its rise and fall energies;
 * - leakage: the Liberty `cell_leakage_power` of every cell.
 *
 * Slews come from the Liberty transition tables, propagated from the inputs in topological order
 * (primary inputs and the clock get a given transition). The clock net's own switching (the clock
 * tree driving every flip-flop's clock pin) is reported apart (`clockNet`): tools that treat the
 * clock as an ideal port, as OpenSTA does, leave it out.
 */
import { fail } from '../diag.js';
import { lookup, type LibCell, type Liberty } from './liberty.js';

/** A net: a Yosys bit number, or a constant. */
export type NetRef = number | '0' | '1' | 'x' | 'z';

/** One cell instance of the netlist. */
export interface GateCell {
  readonly name: string;
  readonly type: string;
  /** Pin name -> net. */
  readonly pins: Readonly<Record<string, NetRef>>;
}

/** A flattened gate-level netlist. */
export interface GateNetlist {
  readonly top: string;
  readonly cells: readonly GateCell[];
  /** Input ports: name -> nets, LSB first. */
  readonly inputs: ReadonlyMap<string, readonly NetRef[]>;
  /** Output ports. */
  readonly outputs: ReadonlyMap<string, readonly NetRef[]>;
  /** Named wires: name -> nets, LSB first (for mapping simulator signals to nets). */
  readonly wires: ReadonlyMap<string, readonly NetRef[]>;
}

interface YosysJson {
  modules?: Record<
    string,
    {
      ports?: Record<string, { direction: string; bits: NetRef[] }>;
      cells?: Record<string, { type: string; connections: Record<string, NetRef[]> }>;
      netnames?: Record<string, { bits: NetRef[]; hide_name?: number }>;
    }
  >;
}

/** Reads a Yosys JSON netlist (one flattened module `top`). Throws E_TOOL when it is not one. */
export function parseYosysNetlist(text: string, top: string): GateNetlist {
  let j: YosysJson;
  try {
    j = JSON.parse(text) as YosysJson;
  } catch (e) {
    return fail('E_TOOL', `Yosys wrote a netlist that is not JSON: ${(e as Error).message}`, { field: 'netlist' });
  }
  const m = j.modules?.[top];
  if (!m) fail('E_TOOL', `the Yosys netlist has no module '${top}'`, { field: 'netlist' });
  const inputs = new Map<string, NetRef[]>();
  const outputs = new Map<string, NetRef[]>();
  for (const [name, p] of Object.entries(m.ports ?? {})) (p.direction === 'input' ? inputs : outputs).set(name, p.bits);
  const cells: GateCell[] = Object.entries(m.cells ?? {}).map(([name, c]) => {
    const pins: Record<string, NetRef> = {};
    for (const [pin, bits] of Object.entries(c.connections)) {
      if (bits.length !== 1) fail('E_TOOL', `cell ${name} (${c.type}) pin ${pin} has ${bits.length} bits; expected a mapped single-bit cell`, { field: 'netlist' });
      pins[pin] = bits[0]!;
    }
    return { name, type: c.type, pins };
  });
  const wires = new Map<string, NetRef[]>();
  for (const [name, n] of Object.entries(m.netnames ?? {})) if (!n.hide_name) wires.set(name, n.bits);
  return { top, cells, inputs, outputs, wires };
}

/** Options of {@link gatePower}. */
export interface GatePowerOptions {
  /** Toggles per clock cycle of a net (both directions counted). */
  readonly toggles: (net: number) => number;
  /** Transition time of primary inputs and of the clock (s). Default 0.1 ns. */
  readonly inputSlew?: number;
  /**
   * Weights of a pin's internal-power tables, multiplying each table's mean rise/fall energy per
   * transition of the pin. Default: an output's arcs weighted by their related inputs' toggles
   * (summing to 1), an input pin's own table 1. Another tool's convention can be reproduced here
   * for a like-for-like comparison (test/power/opensta.test.ts does).
   */
  readonly arcWeights?: (a: ArcContext) => readonly number[];
}

/** What {@link GatePowerOptions.arcWeights} is told about one pin. */
export interface ArcContext {
  readonly cell: LibCell;
  readonly pin: string;
  /** Related input of each table (undefined: the pin's own table). */
  readonly related: readonly (string | undefined)[];
  /** Toggles per cycle of each related input (of the pin itself for its own table). */
  readonly toggles: readonly number[];
}

/** Energies per clock cycle (J). */
export interface GateEnergy {
  /** Internal energy of the cells (the clock pins' share included). */
  readonly internal: number;
  /** Of `internal`: the flip-flops' clock pins (paid every cycle, whatever the data). */
  readonly clockPins: number;
  /** Switching energy of nets driven by cell outputs. */
  readonly switching: number;
  /** Switching energy of the clock net (its sinks' pin capacitance), not in `switching`. */
  readonly clockNet: number;
  /** Leakage power (W). */
  readonly leakage: number;
  /** Cells, flip-flops (sequential cells) and total area (library units). */
  readonly cells: number;
  readonly flops: number;
  readonly area: number;
}

/** Per-cell breakdown, for comparisons with other tools. */
export interface GateCellEnergy {
  readonly name: string;
  readonly type: string;
  /** Internal energy per cycle (J) by pin: output arcs and input pins. */
  readonly internal: number;
  /** Switching energy per cycle (J) of the nets it drives. */
  readonly switching: number;
  readonly leakage: number;
}

/** The result of {@link gatePower}. */
export interface GatePower extends GateEnergy {
  readonly byCell: readonly GateCellEnergy[];
}

function cellOf(lib: Liberty, c: GateCell): LibCell {
  const lc = lib.cells.get(c.type);
  if (!lc) fail('E_TOOL', `netlist cell ${c.name} has type '${c.type}', which the Liberty library '${lib.name}' does not define`, { field: 'netlist' });
  return lc;
}

/** Evaluates the power model above. Throws E_TOOL for cells the library lacks. */
export function gatePower(lib: Liberty, nl: GateNetlist, opts: GatePowerOptions): GatePower {
  const inputSlew = opts.inputSlew ?? 0.1e-9;
  const v2 = lib.voltage * lib.voltage;
  const cells = nl.cells.map((c) => ({ c, lc: cellOf(lib, c) }));
  // Loads and drivers.
  const load = new Map<number, number>();
  const driver = new Map<number, number>();
  const clockNets = new Set<number>();
  cells.forEach(({ c, lc }, k) => {
    for (const [pin, net] of Object.entries(c.pins)) {
      if (typeof net !== 'number') continue;
      const p = lc.pins.get(pin);
      if (!p) fail('E_TOOL', `cell ${c.name} (${c.type}) has a pin '${pin}' the library does not define`, { field: 'netlist' });
      if (p.direction === 'output') driver.set(net, k);
      else {
        load.set(net, (load.get(net) ?? 0) + p.capacitance);
        if (p.clock) clockNets.add(net);
      }
    }
  });
  // Slews (rise, fall) in topological order: a cell is ready when all its input nets are known.
  const rise = new Map<number, number>();
  const fall = new Map<number, number>();
  const known = (n: NetRef) => typeof n !== 'number' || !driver.has(n) || rise.has(n) || cells[driver.get(n)!]!.lc.sequential;
  const slewOf = (n: NetRef, r: boolean): number => (typeof n === 'number' ? ((r ? rise : fall).get(n) ?? inputSlew) : 0);
  const order: number[] = [];
  const pending = new Set(cells.map((_, k) => k));
  const settle = (k: number) => {
    const { c, lc } = cells[k]!;
    for (const [pin, net] of Object.entries(c.pins)) {
      const p = lc.pins.get(pin)!;
      if (p.direction !== 'output' || typeof net !== 'number') continue;
      let sr = 0;
      let sf = 0;
      for (const t of p.timing) {
        const inNet = c.pins[t.relatedPin];
        const sIn = inNet === undefined ? inputSlew : Math.max(slewOf(inNet, true), slewOf(inNet, false));
        if (t.riseTransition) sr = Math.max(sr, lookup(t.riseTransition, load.get(net) ?? 0, sIn));
        if (t.fallTransition) sf = Math.max(sf, lookup(t.fallTransition, load.get(net) ?? 0, sIn));
      }
      rise.set(net, sr || inputSlew);
      fall.set(net, sf || inputSlew);
    }
    order.push(k);
    pending.delete(k);
  };
  // Sequential cells first (their outputs depend on the clock only), then combinational waves.
  for (const k of [...pending]) if (cells[k]!.lc.sequential) settle(k);
  let progress = true;
  while (pending.size && progress) {
    progress = false;
    for (const k of [...pending]) {
      const { c, lc } = cells[k]!;
      if (Object.entries(c.pins).every(([pin, n]) => lc.pins.get(pin)!.direction === 'output' || known(n))) {
        settle(k);
        progress = true;
      }
    }
  }
  for (const k of [...pending]) settle(k); // combinational loop: input slews default

  const byCell: GateCellEnergy[] = [];
  let internal = 0;
  let clockPins = 0;
  let switching = 0;
  let leakage = 0;
  let flops = 0;
  let area = 0;
  cells.forEach(({ c, lc }) => {
    let e = 0;
    let sw = 0;
    for (const [pin, net] of Object.entries(c.pins)) {
      const p = lc.pins.get(pin)!;
      const t = typeof net === 'number' ? opts.toggles(net) : 0;
      if (t === 0) continue;
      if (p.direction === 'output') {
        const cap = load.get(net as number) ?? 0;
        sw += 0.5 * cap * v2 * t;
        // Arcs weighted by the toggles of their related inputs.
        const arcs = p.internalPower.filter((ip) => ip.relatedPin !== undefined && c.pins[ip.relatedPin] !== undefined);
        const w = arcs.map((ip) => {
          const n = c.pins[ip.relatedPin!]!;
          return typeof n === 'number' ? opts.toggles(n) : 0;
        });
        const wSum = w.reduce((a, b) => a + b, 0);
        const weights = opts.arcWeights
          ? opts.arcWeights({ cell: lc, pin, related: arcs.map((ip) => ip.relatedPin), toggles: w })
          : w.map((x) => (wSum > 0 ? x / wSum : 1 / arcs.length));
        let perToggle = 0;
        arcs.forEach((ip, i) => {
          const n = c.pins[ip.relatedPin!]!;
          const er = ip.rise ? lookup(ip.rise, cap, slewOf(n, true)) : 0;
          const ef = ip.fall ? lookup(ip.fall, cap, slewOf(n, false)) : 0;
          perToggle += ((er + ef) / 2) * weights[i]!;
        });
        e += perToggle * t;
      } else {
        const own = p.internalPower.filter((x) => x.relatedPin === undefined);
        const weights = opts.arcWeights ? opts.arcWeights({ cell: lc, pin, related: own.map(() => undefined), toggles: own.map(() => t) }) : own.map(() => 1);
        for (const [i, ip] of own.entries()) {
          const er = ip.rise ? lookup(ip.rise, 0, slewOf(net, true)) : 0;
          const ef = ip.fall ? lookup(ip.fall, 0, slewOf(net, false)) : 0;
          const pinE = ((er + ef) / 2) * t * weights[i]!;
          e += pinE;
          if (p.clock) clockPins += pinE;
        }
      }
    }
    internal += e;
    switching += sw;
    leakage += lc.leakage;
    area += lc.area;
    if (lc.sequential) flops++;
    byCell.push({ name: c.name, type: c.type, internal: e, switching: sw, leakage: lc.leakage });
  });
  let clockNet = 0;
  for (const n of clockNets) if (!driver.has(n)) clockNet += 0.5 * (load.get(n) ?? 0) * v2 * opts.toggles(n);
  return { internal, clockPins, switching, clockNet, leakage, cells: cells.length, flops, area, byCell };
}
