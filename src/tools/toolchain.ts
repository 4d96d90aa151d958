/**
 * External tools behind one wrapper: where a tool is found (an environment override first, then
 * PATH), its version against a floor, and an error that says how to install it. Every stage that
 * runs Verilator, Yosys, Icarus, nextpnr or OpenSTA asks here; nothing is silently skipped.
 */
import { execa } from 'execa';
import { fail } from '../diag.js';

/** A tool we know how to find. */
export interface ToolSpec {
  /** Binary name on PATH. */
  readonly bin: string;
  /** Environment variable that overrides the path, e.g. BNEXT_VERILATOR. */
  readonly env: string;
  /** Arguments that print the version. */
  readonly versionArgs: readonly string[];
  /** Extracts [major, minor] from the version output. */
  readonly parse: (out: string) => readonly [number, number] | undefined;
  /** Minimum [major, minor]. */
  readonly floor: readonly [number, number];
  /** How to install it on Debian/Ubuntu. */
  readonly install: string;
}

const twoNumbers = (re: RegExp) => (out: string) => {
  const m = re.exec(out);
  return m ? ([Number(m[1]), Number(m[2])] as const) : undefined;
};

/** Known tools. */
export const TOOLS = {
  verilator: {
    bin: 'verilator',
    env: 'BNEXT_VERILATOR',
    versionArgs: ['--version'],
    parse: twoNumbers(/Verilator (\d+)\.(\d+)/),
    floor: [5, 6],
    install: 'apt-get install -y verilator',
  },
  iverilog: {
    bin: 'iverilog',
    env: 'BNEXT_IVERILOG',
    versionArgs: ['-V'],
    parse: twoNumbers(/version (\d+)\.(\d+)/),
    floor: [11, 0],
    install: 'apt-get install -y iverilog',
  },
  yosys: {
    bin: 'yosys',
    env: 'BNEXT_YOSYS',
    versionArgs: ['-V'],
    parse: twoNumbers(/Yosys (\d+)\.(\d+)/),
    floor: [0, 23],
    install: 'apt-get install -y yosys (or rely on the bundled @yowasp/yosys)',
  },
  'nextpnr-ice40': {
    bin: 'nextpnr-ice40',
    env: 'BNEXT_NEXTPNR_ICE40',
    versionArgs: ['--version'],
    parse: (out: string) => {
      const m = /nextpnr-ice40 -- Next Generation Place and Route \(Version (?:nextpnr-)?(\d+)\.(\d+)/.exec(out) ?? /(\d+)\.(\d+)/.exec(out);
      return m ? ([Number(m[1]), Number(m[2])] as const) : undefined;
    },
    floor: [0, 0],
    install: 'apt-get install -y nextpnr-ice40',
  },
  opensta: {
    // Debian's package `opensta` installs the binary as `sta` (it prints `2.0.17`).
    bin: 'sta',
    env: 'BNEXT_OPENSTA',
    versionArgs: ['-version'],
    parse: twoNumbers(/(\d+)\.(\d+)/),
    floor: [2, 0],
    install: 'apt-get install -y opensta',
  },
} as const satisfies Record<string, ToolSpec>;

/** A known tool's name. */
export type ToolName = keyof typeof TOOLS;

/** A located tool. */
export interface FoundTool {
  readonly name: ToolName;
  readonly path: string;
  readonly version: readonly [number, number];
  /** First line of the version output, for reports. */
  readonly versionText: string;
}

const cache = new Map<ToolName, Promise<FoundTool | undefined>>();

async function probe(name: ToolName): Promise<FoundTool | undefined> {
  const spec: ToolSpec = TOOLS[name];
  const path = process.env[spec.env] || spec.bin;
  try {
    const r = await execa(path, [...spec.versionArgs], { reject: false, timeout: 20_000, all: true });
    const out = r.all ?? '';
    const version = spec.parse(out);
    if (r.failed && !version) return undefined;
    if (!version) return undefined;
    return { name, path, version, versionText: out.split('\n').find((l) => l.trim()) ?? '' };
  } catch {
    return undefined;
  }
}

/** Finds a tool, or undefined when it is absent. Never throws. */
export function findTool(name: ToolName): Promise<FoundTool | undefined> {
  let p = cache.get(name);
  if (!p) {
    p = probe(name);
    cache.set(name, p);
  }
  return p;
}

/** Finds a tool and checks its version floor; throws E_TOOL with install instructions otherwise. */
export async function requireTool(name: ToolName): Promise<FoundTool> {
  const spec: ToolSpec = TOOLS[name];
  const t = await findTool(name);
  if (!t) fail('E_TOOL', `${spec.bin} not found (set ${spec.env} to its path, or install it: ${spec.install})`, { field: name });
  const [fa, fb] = spec.floor;
  const [a, b] = t.version;
  if (a < fa || (a === fa && b < fb))
    fail('E_TOOL', `${spec.bin} ${a}.${b} at ${t.path} is older than the required ${fa}.${fb} (${spec.install})`, { field: name });
  return t;
}
