/**
 * Top-level stitching: one stream (valid/ready/data/last wires) per IR node output, one core
 * instance per IR node, named connections only, memory files beside the RTL. The result is plain
 * data (file name -> text), deterministic for the same graph.
 */
import { formatName } from '../ir/fixed.js';
import type { Graph, Node } from '../ir/graph.js';
import { consumers } from '../ir/graph.js';
import { render } from './env.js';
import { verilogName } from './names.js';
import { BINDINGS } from './ops/index.js';
import { dataWidth } from './stream.js';
import type { EmitContext, Instance } from './types.js';

/** Emitted files of one design. */
export interface EmittedDesign {
  /** Top module name. */
  readonly top: string;
  /** Relative path -> contents (`<top>.v`, `mem/*.mem`). */
  readonly files: ReadonlyMap<string, string>;
  /** Core modules used (templates/cores/<name>.v), sorted. */
  readonly cores: readonly string[];
  /** Node id -> instance name, for reports and waveforms. */
  readonly instances: ReadonlyMap<string, string>;
}

/** Options of {@link emitTop}. */
export interface EmitOptions {
  /** Top module name (default `<network>_top`, sanitized). */
  readonly top?: string;
  /** Tool version for the header. */
  readonly version?: string;
}

function elemText(n: Node): string {
  return n.elem.kind === 'fix' ? formatName(n.elem.fmt) : n.elem.kind;
}

/** Emits the top module and its memory files for a quantized, folded graph. */
export function emitTop(g: Graph, opts: EmitOptions = {}): EmittedDesign {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const uses = consumers(g);
  const ctx: EmitContext = { graph: g, byId };
  const name = new Map(g.nodes.map((n) => [n.id, verilogName(n.id)]));
  const top = opts.top ?? verilogName(`${g.name}_top`);
  const input = g.nodes.find((n) => n.kind === 'input')!;
  const output = g.nodes.find((n) => n.kind === 'output')!;
  const outSrc = byId.get(output.inputs[0]!)!;

  const streams = g.nodes
    .filter((n) => n.kind !== 'output')
    .map((n) => {
      const fanout = n.kind === 'fork' ? uses.get(n.id)!.length : 1;
      return {
        id: n.id,
        name: name.get(n.id)!,
        shape: n.shape.join('x'),
        elem: elemText(n),
        par: n.par,
        validRange: fanout > 1 ? `[${fanout - 1}:0] ` : '      ',
        dataMsb: dataWidth(n) - 1,
      };
    });

  /** Signals a consumer uses to read producer `p` (fork outputs are indexed per consumer). */
  const refFor = (p: Node, consumer: string) => {
    const base = name.get(p.id)!;
    if (p.kind !== 'fork') return { valid: `${base}_tvalid`, ready: `${base}_tready`, data: `${base}_tdata`, last: `${base}_tlast` };
    const k = uses.get(p.id)!.indexOf(consumer);
    return { valid: `${base}_tvalid[${k}]`, ready: `${base}_tready[${k}]`, data: `${base}_tdata`, last: `${base}_tlast` };
  };

  const files = new Map<string, string>();
  const cores = new Set<string>();
  const unused: { name: string; range: string }[] = [];
  const instances = new Map<string, string>();
  const insts = g.nodes
    .filter((n) => n.kind !== 'input' && n.kind !== 'output')
    .map((n) => {
      const ins = n.inputs.map((i) => byId.get(i)!);
      const binding = BINDINGS[n.kind] as (n: Node, ins: readonly Node[], ctx: EmitContext) => Instance;
      const inst = binding(n, ins, ctx);
      cores.add(inst.module);
      for (const u of inst.uses ?? []) cores.add(u);
      const params = Object.entries(inst.params).map(([k, v]) => ({ name: k, value: String(v) }));
      for (const m of inst.mems ?? []) {
        files.set(`mem/${m.file}`, m.words.join('\n') + '\n');
        params.push({ name: m.param, value: `"mem/${m.file}"` });
      }
      const ports: { port: string; signal: string }[] = [];
      inst.inputs.forEach((prefix, i) => {
        const r = refFor(ins[i]!, n.id);
        const padded = inst.padFlag?.[i] === true && ins[i]!.kind !== 'window';
        ports.push(
          { port: `${prefix}_tvalid_i`, signal: r.valid },
          { port: `${prefix}_tready_o`, signal: r.ready },
          { port: `${prefix}_tdata_i`, signal: padded ? `{1'b0, ${r.data}}` : r.data },
          { port: `${prefix}_tlast_i`, signal: r.last },
        );
      });
      for (const [port, value] of Object.entries(inst.ties ?? {})) ports.push({ port, signal: value });
      for (const o of inst.open ?? []) {
        const wire = `${name.get(n.id)!}_${o.port}_unused`;
        unused.push({ name: wire, range: o.width > 1 ? `[${o.width - 1}:0] ` : '' });
        ports.push({ port: o.port, signal: wire });
      }
      const own = name.get(n.id)!;
      const o = inst.output;
      ports.push(
        { port: `${o}_tvalid_o`, signal: `${own}_tvalid` },
        { port: `${o}_tready_i`, signal: `${own}_tready` },
        { port: `${o}_tdata_o`, signal: `${own}_tdata` },
        { port: `${o}_tlast_o`, signal: `${own}_tlast` },
      );
      instances.set(n.id, `u_${own}`);
      return { id: n.id, layer: n.layer, kind: n.kind, shape: n.shape.join('x'), elem: elemText(n), module: inst.module, name: own, params, ports };
    });

  const text = render('top.v.hbs', {
    module: top,
    network: g.name,
    version: opts.version ?? '0.1.0',
    nodeCount: g.nodes.length,
    passes: g.passes.join(', '),
    inBeats: input.shape[0] / input.par,
    inPar: input.par,
    inFmt: elemText(input),
    inMsb: dataWidth(input) - 1,
    outBeats: output.shape[0] / output.par,
    outPar: outSrc.par,
    outFmt: elemText(outSrc),
    outMsb: dataWidth(outSrc) - 1,
    inName: name.get(input.id)!,
    outName: name.get(outSrc.id)!,
    streams,
    unused,
    instances: insts,
    clk: 'clk_i',
    rst: 'rst_ni',
  });
  files.set(`${top}.v`, text);
  return { top, files, cores: [...cores].sort(), instances };
}
