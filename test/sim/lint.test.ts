import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BnextError } from '../../src/diag.js';
import { compileIcarus, formatLintIssues, lintAll, lintVerilator, lintYosys } from '../../src/sim/lint.js';
import { closeYosysWorkers, resolveYosysEngine, type YosysEngine } from '../../src/synth/yosys.js';

const hasNative = (await resolveYosysEngine('auto')) === 'native';
const F = 'test/fixtures/lint/';
const CLEAN = [`${F}lint_clean_top.v`, `${F}lint_clean_add.v`];
const LOOP = [`${F}lint_loop.v`, `${F}lint_loop_inv.v`];

/** 1-based line of the first line of a fixture containing `needle`. */
function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

async function rejection(p: Promise<unknown>): Promise<BnextError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BnextError);
  return e as BnextError;
}

afterAll(() => closeYosysWorkers());

describe('the clean fixture', () => {
  it('passes all three tools with no findings, at default and overridden parameters', async () => {
    for (const params of [undefined, { Width: 5 }]) {
      const r = await lintAll(CLEAN, 'lint_clean_top', params);
      expect(formatLintIssues(r.issues)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.results.map((x) => [x.tool, x.ok])).toEqual([
        ['verilator', true],
        ['yosys', true],
        ['iverilog', true],
      ]);
    }
  });

  it('compiles in Icarus', async () => {
    const r = await compileIcarus(CLEAN, 'lint_clean_top', { Width: 3 });
    expect(r.ok).toBe(true);
    expect(r.version).toMatch(/Icarus Verilog/);
  });

  it('passes parameters to every tool (an unknown one is reported)', async () => {
    const v = await lintVerilator(CLEAN, 'lint_clean_top', { NoSuchParam: 1 });
    expect(v.ok).toBe(false);
    expect(v.issues.map((i) => i.message).join('\n')).toContain('NoSuchParam');
    const y = await lintYosys(CLEAN, 'lint_clean_top', { NoSuchParam: 1 });
    expect(y.ok).toBe(false);
    expect(y.issues.map((i) => i.message).join('\n')).toContain('NoSuchParam');
    const i = await compileIcarus(CLEAN, 'lint_clean_top', { NoSuchParam: 1 });
    expect(i.issues.map((x) => x.message).join('\n')).toContain('NoSuchParam');
  });
});

describe('Verilator -Wall', () => {
  it('fails a width mismatch with a parsed warning at the right file and line', async () => {
    const file = `${F}lint_width.v`;
    const r = await lintVerilator([file], 'lint_width');
    expect(r.ok).toBe(false);
    const width = r.issues.find((i) => i.code?.startsWith('WIDTH'));
    expect(width).toBeDefined();
    expect(width).toMatchObject({ tool: 'verilator', severity: 'warning', file, line: lineOf(file, 'assign sum_o = sum;') });
    expect(width!.column).toBeGreaterThan(0);
    expect(width!.message).toMatch(/4 bits/);
  });
});

describe.each<YosysEngine>(['native', 'wasm'])('Yosys hierarchy -check (%s)', (engine) => {
  it.skipIf(engine === 'native' && !hasNative)('fails an undefined submodule and points at the instance', async () => {
    const file = `${F}lint_missing.v`;
    const r = await lintYosys([file], 'lint_missing', undefined, { yosysEngine: engine });
    expect(r.ok).toBe(false);
    expect(r.version).toContain(`[${engine}]`);
    const e = r.issues.find((i) => i.severity === 'error' && i.message.includes('lint_no_such_core'));
    expect(e).toMatchObject({ tool: 'yosys', file, line: lineOf(file, 'lint_no_such_core u_core') });
  });
});

describe('Yosys flatten + check -assert', () => {
  it('finds a combinational loop that spans two modules; Icarus still compiles it', async () => {
    const y = await lintYosys(LOOP, 'lint_loop');
    expect(y.ok).toBe(false);
    const loop = y.issues.find((i) => /logic loop/.test(i.message));
    expect(loop).toMatchObject({ tool: 'yosys', file: LOOP[0] });
    expect(loop!.message).not.toMatch(/in\d+\//); // virtual file names are mapped back
    expect((await compileIcarus(LOOP, 'lint_loop')).ok).toBe(true);
  });
});

describe('Icarus', () => {
  it('fails an undefined submodule with file and line', async () => {
    const file = `${F}lint_missing.v`;
    const r = await compileIcarus([file], 'lint_missing');
    expect(r.ok).toBe(false);
    expect(r.issues.find((i) => i.severity === 'error')).toMatchObject({ tool: 'iverilog', file, line: lineOf(file, 'lint_no_such_core u_core') });
  });
});

describe('bad input', () => {
  it('gives one clear BnextError', async () => {
    expect((await rejection(lintAll([`${F}no_such_file.v`], 'x'))).code).toBe('E_FILE');
    expect((await rejection(lintAll(CLEAN, 'not a name'))).code).toBe('E_ARG');
    expect((await rejection(lintAll([], 'x'))).code).toBe('E_ARG');
    expect((await rejection(lintAll(CLEAN, 'lint_clean_top', { Width: 1.5 }))).code).toBe('E_ARG');
    expect((await rejection(lintAll(CLEAN, 'lint_clean_top', { Name: 'a"b' }))).code).toBe('E_ARG');
  });
});
