/**
 * Packaging of a design folder for the tools hardware engineers already use: a FuseSoC core
 * (`<top>.core`) and a standalone C++ Verilator testbench in `sim/` (tb.cpp, a Makefile and the
 * image vectors with the integer model's expected logits), so `make -C <design>/sim` checks the
 * RTL without Node. The files are returned as data; `writeDesign` writes them with the design.
 */
import type { Design, Manifest } from '../emit/design.js';
import { render } from '../emit/env.js';
import { elemWidth } from '../emit/stream.js';
import type { Graph } from '../ir/graph.js';
import { OPS } from '../ir/ops/index.js';
import { CORE_VENDOR_LIBRARY, coreName, fusesocCore, type CoreSpec } from './core.js';
import { DEFAULT_VECTOR_COUNT, DEFAULT_VECTOR_SEED, streamEnds, testVectors, type TestVectors } from './vectors.js';

export { DEFAULT_VECTOR_COUNT, DEFAULT_VECTOR_SEED, MAX_VECTOR_COUNT, testVectors, type TestVectors } from './vectors.js';
export { coreName, coreObject, fusesocCore, CORE_VENDOR_LIBRARY, type CoreSpec } from './core.js';

/** Options of {@link packageDesign}. */
export interface PackageOptions {
  /** Images in sim/vectors (default {@link DEFAULT_VECTOR_COUNT}); 0 writes the testbench without vectors. */
  readonly vectors?: number;
  /** Seed of the vector images (default {@link DEFAULT_VECTOR_SEED}). */
  readonly vectorSeed?: number;
  /** Core version in the VLNV (default the design's tool version). */
  readonly version?: string;
}

/** Where the package files go, relative to the design folder. */
export const PACKAGE_PATHS = {
  testbench: 'sim/tb.cpp',
  makefile: 'sim/Makefile',
  input: 'sim/vectors/input.hex',
  expected: 'sim/vectors/expected.hex',
} as const;

/** The sum of every op's cycles: a bound on one frame's latency (as `simulateDesign` uses it). */
function latencyBoundOf(g: Graph): number {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  return g.nodes.reduce((a, n) => a + OPS[n.kind].cycles(n as never, n.inputs.map((i) => byId.get(i)!)), 0);
}

/** The Verilog sources of a design: synthesizable (filelist order) and simulation-only. */
export function designSources(d: Design): { rtl: string[]; simRtl: string[]; simTop: string } {
  const rtl = [...d.emitted.cores.map((c) => `cores/${c}.v`), `${d.manifest.top}.v`];
  const sim = d.emitted.sim;
  return { rtl, simRtl: sim ? [...sim.cores.map((c) => `sim/${c}.v`), sim.file] : [], simTop: sim ? sim.top : d.manifest.top };
}

/**
 * The package files of a design (path relative to the design folder -> text): `<top>.core`,
 * `sim/tb.cpp`, `sim/Makefile` and, unless `vectors` is 0, `sim/vectors/{input,expected}.hex`.
 * Deterministic for the same design and options.
 */
export function packageDesign(d: Design, opts: PackageOptions = {}): Map<string, string> {
  const m = d.manifest;
  const count = opts.vectors ?? DEFAULT_VECTOR_COUNT;
  const vec: TestVectors | undefined = count > 0 ? testVectors(d.graph, count, opts.vectorSeed ?? DEFAULT_VECTOR_SEED) : undefined;
  const { rtl, simRtl, simTop } = designSources(d);
  const version = opts.version ?? m.tool.replace(/^.*\s/, '');
  const files = new Map<string, string>();

  const { outSrc } = streamEnds(d.graph);
  const latencyBound = latencyBoundOf(d.graph);
  const data = {
    version,
    network: m.network.name,
    top: m.top,
    dut: simTop,
    inBits: m.streams.input.tdataBits,
    outBits: m.streams.output.tdataBits,
    inBeats: m.streams.input.beatsPerFrame,
    outBeats: m.streams.output.beatsPerFrame,
    outLanes: m.streams.output.lanes,
    outLaneBits: elemWidth(outSrc),
    outSigned: outSrc.elem.kind === 'fix' && outSrc.elem.fmt.signed ? 'true' : 'false',
    modelCycles: m.performance.cyclesPerFrame,
    latencyBound,
    simWrapper: d.emitted.sim !== undefined,
    memLatency: d.emitted.extMems.length > 0,
    sources: [...rtl, ...simRtl].map((path, i, all) => ({ path, sep: i === all.length - 1 ? '' : ' \\' })),
  };
  files.set(PACKAGE_PATHS.testbench, render('package/tb.cpp.hbs', data));
  files.set(PACKAGE_PATHS.makefile, render('package/Makefile.hbs', data));
  if (vec) {
    files.set(PACKAGE_PATHS.input, vec.inputHex);
    files.set(PACKAGE_PATHS.expected, vec.expectedHex);
  }

  const mems = [...d.emitted.files.keys()].filter((k) => k.startsWith('mem/')).sort();
  const spec: CoreSpec = {
    name: coreName(m.network.name),
    version,
    description: `Streaming BNext accelerator for ${m.network.name} (input ${m.network.input.join('x')}, ${m.network.classes} classes), ${m.performance.cyclesPerFrame} cycles per frame`,
    tool: m.tool,
    top: m.top,
    rtl,
    mems,
    filelist: `${m.top}.f`,
    simRtl,
    simTop,
    testbench: PACKAGE_PATHS.testbench,
    vectors: vec
      ? [
          { path: PACKAGE_PATHS.input, copyto: 'vectors/input.hex' },
          { path: PACKAGE_PATHS.expected, copyto: 'vectors/expected.hex' },
        ]
      : [],
  };
  files.set(`${m.top}.core`, fusesocCore(spec));
  return files;
}

/** The design README's section on the package files (the manifest's `files` tell what was written). */
export function packageReadme(m: Pick<Manifest, 'top' | 'files' | 'network'>): string {
  const vectors = m.files.includes(PACKAGE_PATHS.input);
  // A top with external ports is simulated inside its wrapper <top>_sim (instance u_dut).
  const wrapped = m.files.includes(`${m.top}_sim.f`);
  const vlnv = `${CORE_VENDOR_LIBRARY}:${coreName(m.network.name)}`;
  return `
Standalone testbench (Verilator and a C++ compiler, no Node): ${vectors ? 'replays the images in `sim/vectors/` and compares the logits with the integer model' : 'written without vectors (`generate --vectors 0`); pass `INPUT=... EXPECTED=...` files'}:

    make -C <this folder>/sim [STALL=300 SEED=7]

FuseSoC: \`${m.top}.core\` (targets default, lint, sim, synth):

    fusesoc --cores-root <this folder> run --target sim ${vlnv}

Waveforms: \`bnext-rtl sim --design <this folder> --input images.npy --wave out.fst\`; each layer's cores are
\`TOP.${wrapped ? `${m.top}_sim.u_dut` : m.top}.<instance>\`, the instance names listed per layer in manifest.json (\`layers[].instances\`).
`;
}
