import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { buildModel, parsePorts, type BuildOptions } from '../../src/sim/build.js';
import { loadModel } from '../../src/sim/harness.js';

const rtl = fileURLToPath(new URL('../fixtures/rtl/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'bnext-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const adder = (cacheDir: string): BuildOptions => ({ top: 'wide_adder', files: [join(rtl, 'wide_adder.v')], cacheDir });

async function buildError(opts: BuildOptions): Promise<BnextError> {
  try {
    await buildModel(opts);
  } catch (e) {
    expect(e).toBeInstanceOf(BnextError);
    return e as BnextError;
  }
  throw new Error('expected a BnextError');
}

function throwsCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BnextError);
    return `${(e as BnextError).code}: ${(e as BnextError).message}`;
  }
  return 'no error';
}

describe('buildModel cache', () => {
  it('concurrent builds of one design agree, leave one entry, and the next build is a fast cache hit', async () => {
    const cacheDir = join(tmp, 'cache');
    const [a, b] = await Promise.all([buildModel(adder(cacheDir)), buildModel(adder(cacheDir))]);
    expect(a.library).toBe(b.library);
    expect(readdirSync(cacheDir)).toEqual([`wide_adder-${a.key.slice(0, 16)}`]);

    const log: string[] = [];
    const t0 = performance.now();
    const c = await buildModel({ ...adder(cacheDir), onProgress: (msg) => log.push(msg) });
    const ms = performance.now() - t0;
    expect(c.cached).toBe(true);
    expect(c.library).toBe(a.library);
    expect(log.join('\n')).toMatch(/cache hit/);
    expect(ms).toBeLessThan(1000);

    const m = loadModel(c);
    m.reset();
    m.set('a_i', 40);
    m.set('b_i', 2);
    m.set('en_i', 1);
    m.step();
    expect(m.getNum('count_o')).toBe(1);
    expect(m.get('sum_o')).toBe(42n);
    m.close();
  });
});

describe('buildModel errors', () => {
  const cacheDir = join(tmp, 'errors');

  it('rejects bad options before running Verilator', async () => {
    expect((await buildError({ ...adder(cacheDir), files: [join(rtl, 'missing.v')] })).code).toBe('E_FILE');
    expect((await buildError({ ...adder(cacheDir), top: 'bad name' })).message).toMatch(/not a Verilog identifier/);
    expect((await buildError({ ...adder(cacheDir), files: [] })).code).toBe('E_ARG');
    expect((await buildError({ ...adder(cacheDir), params: { 'x-y': 1 } })).code).toBe('E_ARG');
    expect((await buildError({ ...adder(cacheDir), params: { Width: 1.5 } })).message).toMatch(/not a safe integer/);
    expect((await buildError({ ...adder(cacheDir), includeDirs: [join(rtl, 'nope')] })).code).toBe('E_FILE');
  });

  it('reports Verilator errors as E_TOOL with its message, and leaves nothing in the cache', async () => {
    const bad = join(tmp, 'bad.v');
    writeFileSync(bad, 'module bad (input wire clk_i, output wire x_o);\n  assign x_o = ;\nendmodule\n');
    const err = await buildError({ top: 'bad', files: [bad], cacheDir });
    expect(err.code).toBe('E_TOOL');
    expect(err.message).toMatch(/verilator on top 'bad' failed: %Error: .*bad\.v:2/);
    const noTop = await buildError({ ...adder(cacheDir), top: 'not_there' });
    expect(noTop.code).toBe('E_TOOL');
    expect(noTop.message).toMatch(/not_there/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('requires the clock port', async () => {
    const err = await buildError({ ...adder(cacheDir), clock: 'clock' });
    expect(err.code).toBe('E_SIM');
    expect(err.message).toMatch(/top 'wide_adder' has no 1-bit input 'clock'/);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});

describe('parsePorts', () => {
  const header = (lines: string) => `class Vsim {\n  public:\n${lines}\n};\n`;

  it('assigns word offsets per direction and skips the clock', () => {
    const r = parsePorts(header('    VL_IN8(&clk_i,0,0);\n    VL_IN16(&x_i,11,0);\n    VL_OUT(&y_o,31,0);\n    VL_IN64(&z_i,32,0);\n    VL_OUTW(&w_o,64,0,3);'), 't', 'clk_i');
    expect(r.ports.map((p) => [p.name, p.dir, p.width, p.words, p.offset])).toEqual([
      ['x_i', 'in', 12, 1, 0],
      ['y_o', 'out', 32, 1, 0],
      ['z_i', 'in', 33, 2, 1],
      ['w_o', 'out', 65, 3, 1],
    ]);
    expect([r.inWords, r.outWords]).toEqual([3, 4]);
  });

  it('rejects inout, array and inconsistent port declarations', () => {
    const clk = '    VL_IN8(&clk_i,0,0);\n';
    expect(throwsCode(() => parsePorts(header(clk + '    VL_INOUT8(&io,3,0);'), 't', 'clk_i'))).toMatch(/E_SIM: .*'io' is inout/);
    expect(throwsCode(() => parsePorts(header(clk + '    VL_IN8((&arr)[4],3,0);'), 't', 'clk_i'))).toMatch(/E_SIM: .*cannot drive/);
    expect(throwsCode(() => parsePorts(header(clk + '    VL_IN8(&x,15,0);'), 't', 'clk_i'))).toMatch(/E_TOOL: unexpected Verilator port declaration/);
    expect(throwsCode(() => parsePorts(header('    VL_IN8(&clk_i,1,0);'), 't', 'clk_i'))).toMatch(/E_SIM: clock 'clk_i' of top 't' must be a 1-bit input/);
  });
});
