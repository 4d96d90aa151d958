/**
 * The FuseSoC core description (CAPI2 `.core`) of a design folder: filesets for the RTL, the
 * memory initialisation files, the filelist, the simulation wrapper and the standalone C++
 * testbench with its vectors; targets `default`, `lint` (Verilator -Wall), `sim` (Verilator with
 * the testbench) and `synth` (FuseSoC's Yosys flow). Field names and types follow the CAPI2 schema
 * of FuseSoC (fusesoc/capi2/json_schema.py) and the Edalize Verilator and Yosys tool options.
 */
import { toYaml, type YamlValue } from './yaml.js';

/** VLNV vendor and library of generated designs: `bnext-rtl:designs:<name>:<version>`. */
export const CORE_VENDOR_LIBRARY = 'bnext-rtl:designs';

/** What {@link fusesocCore} describes; every path is relative to the design folder. */
export interface CoreSpec {
  /** Core name (the N of the VLNV): letters, digits, `_` and `-`. */
  readonly name: string;
  /** Core version (the V of the VLNV), e.g. `0.1.0`. */
  readonly version: string;
  /** One-line description. */
  readonly description: string;
  /** Generator line for the header comment (tool and version). */
  readonly tool: string;
  /** The synthesizable top module. */
  readonly top: string;
  /** Verilog sources of the top, in filelist order (cores first, the top last). */
  readonly rtl: readonly string[];
  /** Memory initialisation files read by `$readmemh` through the top's `MemDir` (default `mem/`). */
  readonly mems: readonly string[];
  /** The filelist (`<top>.f`). */
  readonly filelist: string;
  /** Simulation-only Verilog (wrapper and behavioural models), empty when the top needs none. */
  readonly simRtl: readonly string[];
  /** The module the testbench drives: the top, or its simulation wrapper. */
  readonly simTop: string;
  /** The C++ testbench source. */
  readonly testbench: string;
  /** Vector files and the name the testbench opens them by (in the work folder); empty without vectors. */
  readonly vectors: readonly { readonly path: string; readonly copyto: string }[];
}

/** Verilator options shared by the lint and simulation targets (as in src/sim/build.ts). */
const VERILATOR_SIM_OPTIONS = ['-O3', '--x-assign', 'fast', '--x-initial', 'fast', '--no-timing', '-Wno-fatal'];

/** A legal VLNV name part made from any text: other characters become `_`. */
export function coreName(text: string): string {
  const s = text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[^A-Za-z]+/, '');
  return s || 'design';
}

/** The core as a plain object (what a YAML reader returns for the file). */
export function coreObject(s: CoreSpec): Record<string, YamlValue> {
  const copied = (p: string, to: string): YamlValue => ({ [p]: { copyto: to } });
  const filesets: Record<string, YamlValue> = {
    rtl: { files: [...s.rtl], file_type: 'verilogSource' },
    // Copied into the work folder under the same name, where the default MemDir ("mem/") finds them.
    ...(s.mems.length ? { mem: { files: s.mems.map((m) => copied(m, m)), file_type: 'user' } } : {}),
    filelist: { files: [s.filelist], file_type: 'user' },
    ...(s.simRtl.length ? { sim_rtl: { files: [...s.simRtl], file_type: 'verilogSource' } } : {}),
    tb: { files: [s.testbench], file_type: 'cppSource' },
    ...(s.vectors.length ? { vectors: { files: s.vectors.map((v) => copied(v.path, v.copyto)), file_type: 'user' } } : {}),
  };
  const base = ['rtl', ...(s.mems.length ? ['mem'] : [])];
  return {
    name: `${CORE_VENDOR_LIBRARY}:${s.name}:${s.version}`,
    description: s.description,
    filesets,
    targets: {
      default: { description: 'the synthesizable RTL (for use as a dependency)', filesets: [...base, 'filelist'], toplevel: s.top },
      lint: {
        description: 'Verilator lint of the RTL with -Wall',
        default_tool: 'verilator',
        filesets: base,
        toplevel: s.top,
        tools: { verilator: { mode: 'lint-only', verilator_options: ['-Wall'] } },
      },
      sim: {
        description: 'standalone C++ testbench: replays the image vectors and compares the logits with the integer model',
        default_tool: 'verilator',
        filesets: [...base, ...(s.simRtl.length ? ['sim_rtl'] : []), 'tb', ...(s.vectors.length ? ['vectors'] : [])],
        parameters: ['stall', 'seed'],
        toplevel: s.simTop,
        tools: { verilator: { mode: 'cc', verilator_options: VERILATOR_SIM_OPTIONS } },
      },
      synth: {
        description: 'Yosys synthesis for iCE40 (bnext-rtl synth writes per-target scripts to synth/<target>.ys)',
        default_tool: 'yosys',
        filesets: base,
        toplevel: s.top,
        tools: { yosys: { arch: 'ice40', output_format: 'json' } },
      },
    },
    parameters: {
      stall: { datatype: 'int', default: 0, paramtype: 'plusarg', description: 'per-mille chance per cycle of an input gap and of output back-pressure' },
      seed: { datatype: 'int', default: 1, paramtype: 'plusarg', description: 'seed of the stall pattern' },
    },
  };
}

/** The `.core` file text: the `CAPI=2:` line, a comment on how to use it, then the YAML. */
export function fusesocCore(s: CoreSpec): string {
  const vlnv = `${CORE_VENDOR_LIBRARY}:${s.name}:${s.version}`;
  return [
    'CAPI=2:',
    `# FuseSoC core of ${s.top}, generated by ${s.tool}; paths are relative to this file.`,
    `#   fusesoc --cores-root <this folder> run --target sim ${vlnv}     (Verilator testbench, PASS/FAIL)`,
    `#   fusesoc --cores-root <this folder> run --target lint ${vlnv}`,
    `#   fusesoc --cores-root <this folder> run --target synth ${vlnv}`,
    '',
    toYaml(coreObject(s)),
  ].join('\n');
}
