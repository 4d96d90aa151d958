import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { closeYosysWorkers, resolveYosysEngine, runYosys, runYosysMany, type YosysEngine, type YosysJob } from '../../src/synth/yosys.js';

// A native yosys is optional (the bundled WASM build is the fallback), so its tests are skipped,
// visibly, on machines without one.
const hasNative = (await resolveYosysEngine('auto')) === 'native';

const counter = (name: string, width: number): string =>
  `module ${name}(input clk, output reg [${width - 1}:0] q);\n  always @(posedge clk) q <= q + 1'b1;\nendmodule\n`;

async function rejection(p: Promise<unknown>): Promise<BnextError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BnextError);
  return e as BnextError;
}

afterAll(() => closeYosysWorkers());

describe.each<YosysEngine>(['native', 'wasm'])('runYosys (%s)', (engine) => {
  it.skipIf(engine === 'native' && !hasNative)('runs a script on virtual files and returns the outputs it asked for', async () => {
    const r = await runYosys({
      engine,
      script: 'read_verilog rtl/cnt.v\nhierarchy -top cnt\nproc\nwrite_verilog -noattr out/cnt_netlist.v\n',
      files: { 'rtl/cnt.v': counter('cnt', 5) },
      outputs: ['out/cnt_netlist.v'],
    });
    expect(r.engine).toBe(engine);
    expect(r.version).toMatch(/^Yosys \d+\.\d+/);
    expect(r.log).toContain('rtl/cnt.v');
    expect(Object.keys(r.outputs)).toEqual(['out/cnt_netlist.v']);
    expect(r.outputs['out/cnt_netlist.v']).toMatch(/module cnt\(/);
    expect(r.outputs['out/cnt_netlist.v']).toMatch(/output \[4:0\] q;/);
  });

  it.skipIf(engine === 'native' && !hasNative)('turns a Yosys error into E_TOOL naming the engine, with the log tail', async () => {
    const e = await rejection(runYosys({ engine, script: 'read_verilog bad.v', files: { 'bad.v': 'module m(; endmodule\n' }, label: 'layer7' }));
    expect(e.code).toBe('E_TOOL');
    expect(e.message).toContain(`yosys (${engine}) failed for layer7`);
    expect(e.message).toMatch(/ERROR/);
    expect(e.details.length).toBeGreaterThan(0);
    expect(e.details.length).toBeLessThanOrEqual(20);
    expect(e.details.join('\n')).toMatch(/bad\.v/);
  });

  it.skipIf(engine === 'native' && !hasNative)('fails with E_TOOL when a requested output was not written', async () => {
    const e = await rejection(runYosys({ engine, script: 'read_verilog c.v', files: { 'c.v': counter('c', 2) }, outputs: ['never.json'] }));
    expect(e.code).toBe('E_TOOL');
    expect(e.message).toContain('never.json');
  });

  it.skipIf(engine === 'native' && !hasNative)('runs in a host directory and leaves the outputs there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bnext-yosys-test-'));
    try {
      await writeFile(join(dir, 'c.v'), counter('c', 3));
      const r = await runYosys({ engine, cwd: dir, script: 'read_verilog c.v; hierarchy -top c; proc; tee -q -o res/stat.json stat -json', outputs: ['res/stat.json'] });
      const onDisk = await readFile(join(dir, 'res', 'stat.json'), 'utf8');
      expect(onDisk).toBe(r.outputs['res/stat.json']);
      expect(JSON.parse(onDisk).modules).toHaveProperty(['\\c']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runYosys arguments and limits', () => {
  it('rejects paths that escape the working directory, and files together with cwd', async () => {
    expect((await rejection(runYosys({ engine: 'wasm', script: 'help', files: { '../x.v': '' } }))).code).toBe('E_ARG');
    expect((await rejection(runYosys({ engine: 'wasm', script: 'help', outputs: ['/etc/passwd'] }))).code).toBe('E_ARG');
    expect((await rejection(runYosys({ engine: 'wasm', script: 'help', files: {}, cwd: tmpdir() }))).code).toBe('E_ARG');
    expect((await rejection(runYosys({ engine: 'wasm', script: '  ' }))).code).toBe('E_ARG');
    expect((await rejection(runYosys({ engine: 'native', script: 'help', files: { a: '', 'a/b.v': '' } }))).code).toBe('E_ARG');
  });

  it('stops a WASM run at the timeout and keeps working afterwards', async () => {
    const slow = `module big(input [63:0] a, b, output [127:0] p); assign p = a * b; endmodule\n`;
    const e = await rejection(runYosys({ engine: 'wasm', script: 'read_verilog big.v; synth_xilinx -top big', files: { 'big.v': slow }, timeoutMs: 50 }));
    expect(e.code).toBe('E_TOOL');
    expect(e.message).toMatch(/timed out after 50 ms/);
    const ok = await runYosys({ engine: 'wasm', script: 'read_verilog c.v', files: { 'c.v': counter('c', 2) } });
    expect(ok.engine).toBe('wasm');
  });
});

describe('runYosysMany', () => {
  it('returns results in job order', async () => {
    const widths = [3, 1, 4, 2];
    const jobs = widths.map((w, i) => ({
      script: `read_verilog m.v; hierarchy -top m${i}; proc; tee -q -o s.json stat -json`,
      files: { 'm.v': counter(`m${i}`, w) },
      outputs: ['s.json'],
    }));
    const rs = await runYosysMany(jobs, { concurrency: 2 });
    const names = rs.map((r) => Object.keys(JSON.parse(r.outputs['s.json']!).modules));
    expect(names).toEqual(widths.map((_, i) => [`\\m${i}`]));
  });

  it('throws the failure of the lowest-numbered failed job, naming it', async () => {
    const jobs: YosysJob[] = [
      { script: 'read_verilog a.v', files: { 'a.v': counter('a', 2) } },
      { script: 'read_verilog b.v', files: { 'b.v': 'module b(; endmodule\n' } },
      { script: 'read_verilog c.v', files: { 'c.v': counter('c', 2) } },
    ];
    const e = await rejection(runYosysMany(jobs, { concurrency: 3 }));
    expect(e.code).toBe('E_TOOL');
    expect(e.message).toContain('for job 1');
  });
});
