/**
 * Test oracle: the parts of FuseSoC's CAPI2 schema a generated core uses, as zod schemas, from
 * FuseSoC's own JSON schema (fusesoc/capi2/json_schema.py: unknown keys are errors) and the Edalize
 * tool options of Verilator (mode cc/sc/lint-only, verilator_options, libs, cli_parser) and Yosys
 * (arch xilinx/ice40/ecp5, output_format json/edif/blif, yosys_synth_options, ...). The YAML is read
 * with PyYAML, the parser FuseSoC itself uses.
 */
import { execa } from 'execa';
import { z } from 'zod';

const str = z.string();
const strList = z.array(z.string());

/** A file entry: a path, or a one-key map from the path to its attributes. */
const FileEntry = z.union([
  str,
  z.record(
    str,
    z.strictObject({
      is_include_file: z.boolean().optional(),
      include_path: str.optional(),
      file_type: str.optional(),
      logical_name: str.optional(),
      tags: strList.optional(),
      copyto: str.optional(),
      define: z.record(str, z.union([str, z.number(), z.boolean()])).optional(),
    }),
  ).refine((m) => Object.keys(m).length === 1, 'a file map has exactly one key (the path)'),
]);

/** File types FuseSoC/Edalize know (the subset a Verilog design can use). */
const FileType = z.enum(['verilogSource', 'systemVerilogSource', 'cppSource', 'cSource', 'user', 'vlt', 'tclSource', 'SDC', 'PCF', 'xdc']);

const Fileset = z.strictObject({
  files: z.array(FileEntry).min(1),
  file_type: FileType.optional(),
  logical_name: str.optional(),
  tags: strList.optional(),
  depend: strList.optional(),
});

const Verilator = z.strictObject({
  mode: z.enum(['cc', 'sc', 'lint-only']).optional(),
  cli_parser: z.enum(['managed', 'raw']).optional(),
  libs: strList.optional(),
  verilator_options: strList.optional(),
  make_options: strList.optional(),
  run_options: strList.optional(),
});

const Yosys = z.strictObject({
  arch: z.enum(['xilinx', 'ice40', 'ecp5']),
  output_format: z.enum(['json', 'edif', 'blif']).optional(),
  yosys_as_subtool: z.boolean().optional(),
  makefile_name: str.optional(),
  script_name: str.optional(),
  yosys_synth_options: strList.optional(),
});

const Target = z.strictObject({
  default_tool: str.optional(),
  description: str.optional(),
  filesets: strList.optional(),
  parameters: strList.optional(),
  toplevel: z.union([str, strList]).optional(),
  tools: z.strictObject({ verilator: Verilator.optional(), yosys: Yosys.optional() }).optional(),
  hooks: z.record(str, strList).optional(),
  flow: str.optional(),
  flow_options: z.record(str, z.unknown()).optional(),
});

const Parameter = z.strictObject({
  datatype: z.enum(['bool', 'file', 'int', 'real', 'str']),
  default: z.union([z.boolean(), str, z.number()]).optional(),
  description: str.optional(),
  paramtype: z.enum(['cmdlinearg', 'generic', 'plusarg', 'vlogdefine', 'vlogparam']),
  scope: str.optional(),
});

/** VLNV `vendor:library:name:version` (each part non-empty, no whitespace). */
const Vlnv = z.string().regex(/^[^\s:]+:[^\s:]+:[A-Za-z][A-Za-z0-9_-]*:\d+\.\d+\.\d+$/, 'VLNV vendor:library:name:x.y.z');

/** A CAPI2 core file (after removing the `CAPI=2` key the first line makes). */
export const Capi2Core = z.strictObject({
  name: Vlnv,
  description: str.optional(),
  license: str.optional(),
  filesets: z.record(str, Fileset),
  targets: z.record(str, Target),
  parameters: z.record(str, Parameter).optional(),
});

/** A parsed core. */
export type Capi2 = z.infer<typeof Capi2Core>;

/** Whether python3 with PyYAML can be run (else the YAML tests say why they are skipped). */
export async function havePyYaml(): Promise<boolean> {
  const r = await execa('python3', ['-c', 'import yaml'], { reject: false }).catch(() => undefined);
  return r?.exitCode === 0;
}

/** Parses YAML text with PyYAML's safe loader (the one FuseSoC uses), returning plain data. */
export async function pyYaml(text: string): Promise<unknown> {
  const r = await execa('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: text });
  return JSON.parse(r.stdout);
}

/** The paths a file list names (strings, or the key of a one-key map). */
export function filePaths(files: Capi2['filesets'][string]['files']): string[] {
  return files.map((f) => (typeof f === 'string' ? f : Object.keys(f)[0]!));
}
