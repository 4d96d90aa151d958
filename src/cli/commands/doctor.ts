/** `bnext-rtl doctor`: the toolchain this machine has, with versions, and how to install what is missing. */
import type { Argv, CommandModule } from 'yargs';
import { TOOLS, findTool, type ToolName } from '../../tools/toolchain.js';
import { type CliContext, outputFor, withExamples } from '../options.js';
import { table } from '../output.js';

/** What each tool is used for. */
const USES: Record<ToolName, string> = {
  verilator: 'lint gate, simulation (bnext-rtl sim, npm test)',
  iverilog: 'second-simulator compile check',
  yosys: 'synthesis (optional: the bundled @yowasp/yosys is used without it)',
  'nextpnr-ice40': 'place and route for fmax on iCE40 (not used yet)',
  opensta: 'ASIC power cross-check of the gate-level energy model (test/power)',
};

function builder(y: Argv) {
  return withExamples(y, [
    ['$0 doctor', 'list the tools, their versions and install commands'],
    ['$0 doctor --json', 'the same as JSON'],
  ]);
}

/** The `doctor` command. */
export function doctorCommand(ctx: CliContext): CommandModule<object, ReturnType<typeof builder> extends Argv<infer U> ? U : never> {
  return {
    command: 'doctor',
    describe: 'list the toolchain (Node, Verilator, Yosys, Icarus, nextpnr, OpenSTA) and how to install what is missing',
    builder,
    handler: async (argv) => {
      const out = outputFor(ctx, argv);
      const names = Object.keys(TOOLS) as ToolName[];
      const found = await Promise.all(names.map((n) => findTool(n)));
      const rows = names.map((n, i) => {
        const f = found[i];
        const spec = TOOLS[n];
        const ok = f !== undefined && (f.version[0] > spec.floor[0] || (f.version[0] === spec.floor[0] && f.version[1] >= spec.floor[1]));
        return { tool: n, found: f !== undefined, ok, version: f ? `${f.version[0]}.${f.version[1]}` : undefined, path: f?.path, floor: spec.floor.join('.'), use: USES[n], install: spec.install };
      });
      out.result({ node: process.version, tools: rows });
      out.text(
        [
          `node ${process.version}`,
          table(
            ['tool', 'status', 'version', 'needed', 'used for'],
            rows.map((r) => [r.tool, r.ok ? 'ok' : r.found ? 'too old' : 'missing', r.version ?? '-', `>= ${r.floor}`, r.use]),
            ['left', 'left', 'left', 'left', 'left'],
          ),
          ...rows.filter((r) => !r.ok).map((r) => `install ${r.tool}: ${r.install}`),
        ].join('\n'),
      );
    },
  };
}
