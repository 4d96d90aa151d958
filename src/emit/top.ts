/**
 * Top-level stitching: one stream (valid/ready/data/last wires) per IR node output, one core
 * instance per IR node, named connections only, memory files beside the RTL. The result is plain
 * data (file name -> text), deterministic for the same graph.
 *
 * Placement options bring ports out of the top: a FIFO too large for the chip becomes a
 * `fifo_ext` with an external memory port `ext_<fifo>_*` and an address region; in weights mode
 * `stream` every MVAU reads a weight stream `w_<mvau>_*`. A design with such ports also gets a
 * simulation-only wrapper `<top>_sim` (sim/<top>_sim.v) that closes them with behavioural models
 * (templates/cores/sim), so it streams images like a design without them.
 */
import { formatName } from '../ir/fixed.js';
import type { Graph, Node } from '../ir/graph.js';
import { consumers } from '../ir/graph.js';
import { CORES_DIR, render } from './env.js';
import { verilogName } from './names.js';
import { BINDINGS } from './ops/index.js';
import { DEFAULT_EXT_MEM_LATENCY } from './ops/plumbing.js';
import { carriesPadFlag, dataWidth } from './stream.js';
import type { EmitContext, Instance, Placement, WeightsMode } from './types.js';

/** Folder of the simulation-only cores (behavioural memory and weight stream models). */
export const SIM_CORES_DIR = `${CORES_DIR}sim/`;
/** Alignment of external memory regions, in bytes (an AXI burst never crosses 4 KiB). */
export const EXT_REGION_ALIGN = 4096;

/** One external memory port of a design: a fifo_ext and its address region. */
export interface ExtMemPort {
  /** IR node id of the FIFO. */
  readonly node: string;
  /** Layer of the FIFO. */
  readonly layer: string;
  /** Top-level port prefix (`ext_<fifo>`). */
  readonly prefix: string;
  /** Beats the region holds (the FIFO depth). */
  readonly beats: number;
  /** tdata bits per beat. */
  readonly beatBits: number;
  /** Bytes per memory word (one beat per word). */
  readonly wordBytes: number;
  /** Region offset from the top's `ExtMemBase`, bytes (aligned to {@link EXT_REGION_ALIGN}). */
  readonly base: number;
  /** Region size in bytes (beats * wordBytes). */
  readonly sizeBytes: number;
}

/** One weight stream input of a design (weights mode `stream`). */
export interface WeightStreamPort {
  /** IR node id of the MVAU. */
  readonly node: string;
  /** Layer of the MVAU. */
  readonly layer: string;
  /** Top-level port prefix (`w_<mvau>`). */
  readonly prefix: string;
  /** tdata bits per word. */
  readonly wordBits: number;
  /** Words per output pixel (the file's words, streamed in file order). */
  readonly wordsPerPixel: number;
  /** Output pixels per frame (the words are streamed once per pixel). */
  readonly pixels: number;
  /** The words, one hex word per line, in `mem/<file>`. */
  readonly file: string;
}

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
  /** External memory ports, in dataflow order (empty when every FIFO is on chip). */
  readonly extMems: readonly ExtMemPort[];
  /** Byte address width of the external memory ports (0 without any). */
  readonly addrBits: number;
  /** Weight stream inputs, in dataflow order (empty in weights mode `rom`). */
  readonly weightStreams: readonly WeightStreamPort[];
  /**
   * The simulation-only wrapper, when the top has external memory ports or weight streams:
   * its module name, its file (a key of `files`) and the simulation-only cores it uses
   * (templates/cores/sim/<name>.v). Never part of a synthesis file list.
   */
  readonly sim?: { readonly top: string; readonly file: string; readonly cores: readonly string[] };
}

/** Options of {@link emitTop}. */
export interface EmitOptions {
  /** Top module name (default `<network>_top`, sanitized). */
  readonly top?: string;
  /** Tool version for the header. */
  readonly version?: string;
  /** Where MVAU weights come from (default `rom`). */
  readonly weightsMode?: WeightsMode;
  /** FIFOs whose RAM exceeds this many bits go to external memory ports (default 0: none). */
  readonly extMemThresholdBits?: number;
  /** Memory read latency (cycles) external FIFOs are built for (default {@link DEFAULT_EXT_MEM_LATENCY}). */
  readonly extMemLatency?: number;
}

/** A top-level port declaration of an external interface. */
interface TopPort {
  readonly dir: 'input' | 'output';
  readonly width: number;
  readonly name: string;
  readonly comment: string;
}

/** Ports of a fifo_ext memory interface: core port suffix (after `mem_`), direction, width, comment. */
function extMemPorts(prefix: string, addrBits: number, wordBits: number): (TopPort & { core: string })[] {
  const p = (core: string, dir: 'input' | 'output', width: number, comment: string) => ({ core: `mem_${core}_${dir === 'input' ? 'i' : 'o'}`, dir, width, name: `${prefix}_${core}_${dir === 'input' ? 'i' : 'o'}`, comment });
  return [
    p('wr_valid', 'output', 1, 'write request valid'),
    p('wr_ready', 'input', 1, 'memory takes the write request'),
    p('wr_addr', 'output', addrBits, 'byte address'),
    p('wr_data', 'output', wordBits, 'word (beat in the low bits)'),
    p('wr_done', 'input', 1, 'a write completed (in order)'),
    p('rd_valid', 'output', 1, 'read request valid'),
    p('rd_ready', 'input', 1, 'memory takes the read request'),
    p('rd_addr', 'output', addrBits, 'byte address'),
    p('rsp_valid', 'input', 1, 'read data valid (in order)'),
    p('rsp_ready', 'output', 1, 'read data taken (always high)'),
    p('rsp_data', 'input', wordBits, 'read data'),
  ];
}

/** Ports of a weight stream: core port, direction, width, comment. */
function weightPorts(prefix: string, wordBits: number): (TopPort & { core: string })[] {
  return [
    { core: 'w_tvalid_i', dir: 'input', width: 1, name: `${prefix}_tvalid_i`, comment: 'weight word valid' },
    { core: 'w_tready_o', dir: 'output', width: 1, name: `${prefix}_tready_o`, comment: 'weight word taken' },
    { core: 'w_tdata_i', dir: 'input', width: wordBits, name: `${prefix}_tdata_i`, comment: 'weight word' },
  ];
}

const rangeOf = (w: number): string => (w > 1 ? `[${w - 1}:0] ` : '');
const declOf = (p: TopPort): string => `${p.dir === 'input' ? 'input ' : 'output'} wire ${rangeOf(p.width)}`.padEnd(28) + p.name;

function elemText(n: Node): string {
  return n.elem.kind === 'fix' ? formatName(n.elem.fmt) : n.elem.kind;
}

/** Emits the top module and its memory files for a quantized, folded graph. */
export function emitTop(g: Graph, opts: EmitOptions = {}): EmittedDesign {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const uses = consumers(g);
  const placement: Placement = { weightsMode: opts.weightsMode ?? 'rom', extMemThresholdBits: opts.extMemThresholdBits ?? 0, extMemLatency: opts.extMemLatency ?? DEFAULT_EXT_MEM_LATENCY };
  const ctx: EmitContext = { graph: g, byId, placement };
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

  const hwNodes = g.nodes.filter((n) => n.kind !== 'input' && n.kind !== 'output');
  const bound = hwNodes.map((n) => {
    const ins = n.inputs.map((i) => byId.get(i)!);
    const binding = BINDINGS[n.kind] as (n: Node, ins: readonly Node[], ctx: EmitContext) => Instance;
    return { n, ins, inst: binding(n, ins, ctx) };
  });

  // External memory regions, packed in dataflow order from offset 0.
  const extMems: ExtMemPort[] = [];
  let offset = 0;
  for (const { n, inst } of bound) {
    if (!inst.extMem) continue;
    const sizeBytes = inst.extMem.words * inst.extMem.wordBytes;
    extMems.push({ node: n.id, layer: n.layer, prefix: `ext_${name.get(n.id)!}`, beats: inst.extMem.words, beatBits: dataWidth(n), wordBytes: inst.extMem.wordBytes, base: offset, sizeBytes });
    offset += Math.ceil(sizeBytes / EXT_REGION_ALIGN) * EXT_REGION_ALIGN;
  }
  const addrBits = extMems.length ? Math.max(32, Math.ceil(Math.log2(offset))) : 0;
  const hex = (v: number) => `${addrBits}'h${v.toString(16)}`;
  const extByNode = new Map(extMems.map((e) => [e.node, e]));

  const files = new Map<string, string>();
  const cores = new Set<string>();
  const unused: { name: string; range: string }[] = [];
  const instances = new Map<string, string>();
  const portGroups: { title: string; ports: TopPort[] }[] = [];
  const weightStreams: WeightStreamPort[] = [];
  const insts = bound.map(({ n, ins, inst }) => {
    cores.add(inst.module);
    for (const u of inst.uses ?? []) cores.add(u);
    const params = Object.entries(inst.params).map(([k, v]) => ({ name: k, value: String(v) }));
    for (const m of inst.mems ?? []) {
      const header = `// ${n.id} (${n.layer}): ${inst.module}.${m.param}, ${m.words.length} word(s); generated by bnext-rtl\n`;
      files.set(`mem/${m.file}`, header + m.words.join('\n') + '\n');
      params.push({ name: m.param, value: `{MemDir, "${m.file}"}` });
    }
    const ports: { port: string; signal: string }[] = [];
    inst.inputs.forEach((prefix, i) => {
      const r = refFor(ins[i]!, n.id);
      const padded = inst.padFlag?.[i] === true && !carriesPadFlag(ins[i]!);
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
    const ext = extByNode.get(n.id);
    if (ext) {
      params.push({ name: 'AddrW', value: String(addrBits) }, { name: 'Base', value: `ExtMemBase + ${hex(ext.base)}` });
      const ps = extMemPorts(ext.prefix, addrBits, 8 * ext.wordBytes);
      for (const p of ps) ports.push({ port: p.core, signal: p.name });
      portGroups.push({ title: `external memory port of ${n.id}: region ExtMemBase + 0x${ext.base.toString(16)}, ${ext.sizeBytes} bytes`, ports: ps });
    }
    if (inst.weightStream) {
      const w = inst.weightStream;
      const prefix = `w_${own}`;
      const pixels = n.shape[1] * n.shape[2];
      weightStreams.push({ node: n.id, layer: n.layer, prefix, wordBits: w.wordBits, wordsPerPixel: w.words.length, pixels, file: w.file });
      const header = `// ${n.id} (${n.layer}): weight stream ${prefix}_tdata_i, ${w.words.length} word(s) of ${w.wordBits} bits, streamed in this order once per output pixel (${pixels} per frame); generated by bnext-rtl\n`;
      files.set(`mem/${w.file}`, header + w.words.join('\n') + '\n');
      const ps = weightPorts(prefix, w.wordBits);
      for (const p of ps) ports.push({ port: p.core, signal: p.name });
      ports.push({ port: 'w_tlast_i', signal: "1'b0" });
      portGroups.push({ title: `weight stream of ${n.id}: ${w.words.length} word(s) per output pixel, file mem/${w.file}`, ports: ps });
    }
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

  const allExtra = portGroups.flatMap((grp) => grp.ports);
  const extraGroups = portGroups.map((grp) => ({
    title: grp.title,
    ports: grp.ports.map((p) => ({ decl: declOf(p), sep: p === allExtra[allExtra.length - 1] ? ' ' : ',', comment: p.comment })),
  }));
  const io = {
    inBeats: input.shape[0] / input.par,
    inPar: input.par,
    inFmt: elemText(input),
    inMsb: dataWidth(input) - 1,
    outBeats: output.shape[0] / output.par,
    outPar: outSrc.par,
    outFmt: elemText(outSrc),
    outMsb: dataWidth(outSrc) - 1,
  };
  const text = render('top.v.hbs', {
    module: top,
    network: g.name,
    version: opts.version ?? '0.1.0',
    nodeCount: g.nodes.length,
    passes: g.passes.join(', '),
    ...io,
    inName: name.get(input.id)!,
    outName: name.get(outSrc.id)!,
    hasExtra: allExtra.length > 0,
    extMemCount: extMems.length,
    weightStreamCount: weightStreams.length,
    addrBits,
    extraGroups,
    streams,
    unused,
    instances: insts,
    clk: 'clk_i',
    rst: 'rst_ni',
  });
  files.set(`${top}.v`, text);
  let sim: EmittedDesign['sim'];
  if (allExtra.length) {
    sim = { top: `${top}_sim`, file: `sim/${top}_sim.v`, cores: [...(extMems.length ? ['ext_mem_model'] : []), ...(weightStreams.length ? ['weight_stream_model'] : [])] };
    files.set(sim.file, simWrapper(sim.top, top, io, extMems, addrBits, weightStreams, portGroups, opts.version ?? '0.1.0'));
  }
  return { top, files, cores: [...cores].sort(), instances, extMems, addrBits, weightStreams, ...(sim ? { sim } : {}) };
}

/** The simulation-only wrapper: the top with behavioural models on its memory ports and weight streams. */
function simWrapper(
  module: string,
  top: string,
  io: Readonly<Record<string, number | string>>,
  extMems: readonly ExtMemPort[],
  addrBits: number,
  weightStreams: readonly WeightStreamPort[],
  groups: readonly { ports: readonly TopPort[] }[],
  version: string,
): string {
  const wires = groups.flatMap((grp) => grp.ports).map((p) => ({ range: rangeOf(p.width), name: p.name }));
  const dut = [
    ...['clk_i', 'rst_ni', 'in_tvalid_i', 'in_tready_o', 'in_tdata_i', 'in_tlast_i', 'out_tvalid_o', 'out_tready_i', 'out_tdata_o', 'out_tlast_o'],
    ...wires.map((w) => w.name),
  ].map((p, i, all) => ({ port: p, signal: p, sep: i === all.length - 1 ? '' : ',' }));
  const hex = (v: number) => `${addrBits}'h${v.toString(16)}`;
  const mems = extMems.map((e, k) => {
    const c = (s: string) => `${e.prefix}_${s}`;
    return {
      node: e.node,
      name: `u_mem_${k}`,
      params: [
        ['MemW', 8 * e.wordBytes],
        ['WordBytes', e.wordBytes],
        ['AddrW', addrBits],
        ['Base', hex(e.base)],
        ['Words', e.beats],
        ['Seed', k + 1],
      ].map(([n, v], i, all) => ({ name: n, value: String(v), sep: i === all.length - 1 ? '' : ',' })),
      ports: [
        ['latency_i', 'sim_mem_latency_i'],
        ['stall_permille_i', 'sim_stall_permille_i'],
        ['wr_valid_i', c('wr_valid_o')],
        ['wr_ready_o', c('wr_ready_i')],
        ['wr_addr_i', c('wr_addr_o')],
        ['wr_data_i', c('wr_data_o')],
        ['wr_done_o', c('wr_done_i')],
        ['rd_valid_i', c('rd_valid_o')],
        ['rd_ready_o', c('rd_ready_i')],
        ['rd_addr_i', c('rd_addr_o')],
        ['rsp_valid_o', c('rsp_valid_i')],
        ['rsp_ready_i', c('rsp_ready_o')],
        ['rsp_data_o', c('rsp_data_i')],
      ].map(([port, signal], i, all) => ({ port, signal, sep: i === all.length - 1 ? '' : ',' })),
    };
  });
  const ws = weightStreams.map((w, k) => ({
    node: w.node,
    name: `u_w_${k}`,
    params: [
      ['WordW', w.wordBits],
      ['Words', w.wordsPerPixel],
      ['File', `{MemDir, "${w.file}"}`],
      ['Seed', 1000 + k],
    ].map(([n, v], i, all) => ({ name: n, value: String(v), sep: i === all.length - 1 ? '' : ',' })),
    ports: [
      ['stall_permille_i', 'sim_stall_permille_i'],
      ['tvalid_o', `${w.prefix}_tvalid_i`],
      ['tready_i', `${w.prefix}_tready_o`],
      ['tdata_o', `${w.prefix}_tdata_i`],
    ].map(([port, signal], i, all) => ({ port, signal, sep: i === all.length - 1 ? '' : ',' })),
  }));
  return render('top_sim.v.hbs', { module, top, version, ...io, hasMems: mems.length > 0, wires, dut, mems, streams: ws });
}
