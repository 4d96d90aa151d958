/**
 * The README's API example runs as written (against the built package, dist/index.js): it builds a
 * network, writes a design, simulates it bit-exact and reads the report object.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'bnext-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README API example', () => {
  it('runs as written and simulates bit-exact', async () => {
    const readme = readFileSync(resolve('README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Programmatic API'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, 'README has a js block under "## Programmatic API"').toBeDefined();
    const dist = pathToFileURL(resolve('dist/index.js')).href;
    const logged: unknown[][] = [];
    const script = `const OUT_DIR = ${JSON.stringify(join(dir, 'mini'))};\nconst console = { log: (...a) => globalThis.__readmeLog.push(a) };\n${code!.replace("from 'bnext-rtl'", `from ${JSON.stringify(dist)}`)}`;
    const file = join(dir, 'example.mjs');
    writeFileSync(file, script);
    (globalThis as { __readmeLog?: unknown[][] }).__readmeLog = logged;
    await import(pathToFileURL(file).href);
    const [[pass, measured, modelled], [fps, layers]] = logged as [[boolean, number, number], [number, number]];
    expect(pass).toBe(true);
    // with 20 % input gaps and back-pressure the design cannot beat its cycle model
    expect(measured).toBeGreaterThan(0.95 * modelled);
    expect(fps).toBeGreaterThan(0);
    expect(layers).toBeGreaterThan(3);
  }, 600_000);
});
