import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const mainJs = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('bnext-rtl doctor', () => {
  it('lists every tool with its version; Verilator is present (the suite needs it)', async () => {
    const r = await execa('node', [mainJs, 'doctor', '--json'], { reject: false });
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.tools.map((t: { tool: string }) => t.tool)).toEqual(['verilator', 'iverilog', 'yosys', 'nextpnr-ice40', 'opensta']);
    const v = j.tools.find((t: { tool: string }) => t.tool === 'verilator');
    expect(v).toMatchObject({ found: true, ok: true });
    expect(v.version).toMatch(/^5\.\d+$/);
  });

  it('says how to install a tool it cannot find (environment override to a missing path)', async () => {
    const r = await execa('node', [mainJs, 'doctor'], { reject: false, env: { BNEXT_VERILATOR: '/nonexistent/verilator' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^verilator\s+missing\s+-\s+>= 5\.6/m);
    expect(r.stdout).toMatch(/^install verilator: apt-get install -y verilator$/m);
  });
});
