import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import { CORES_DIR } from '../../src/emit/env.js';
import { emitTop } from '../../src/emit/top.js';
import { defaultCalibration } from '../../src/ref/int.js';
import { compile } from '../../src/passes/index.js';
import { compileIcarus, lintVerilator, lintYosys } from '../../src/sim/lint.js';
import { randomWeights } from '../../src/weights/random.js';

/** A small BNext-style network touching every module kind: FFN_3x3, FFN_1x1 pair + concat, ELM stride 2. */
function mini() {
  const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  t = b.bnextBlock(t, { name: 'feature.2', out: 32, stride: 2, mixer: 'elm' });
  return b.head(t).build();
}

const dir = mkdtempSync(join(tmpdir(), 'bnext-emit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('emitter', () => {
  const net = mini();
  // the full RTL pipeline: folded (width converters) and buffered (FIFOs), as generate emits it
  const g = compile(net, randomWeights(net, 1), 'rtl', { calibration: defaultCalibration(net), fold: { targetCycles: 4096 } });
  const d = emitTop(g);
  mkdirSync(join(dir, 'mem'));
  for (const [p, t] of d.files) writeFileSync(join(dir, p), t);
  const files = [join(dir, `${d.top}.v`), ...d.cores.map((c) => `${CORES_DIR}${c}.v`)];
  const top = d.files.get(`${d.top}.v`)!;

  it('is deterministic: the same graph gives byte-identical files', () => {
    const again = emitTop(compile(net, randomWeights(net, 1), 'rtl', { calibration: defaultCalibration(net), fold: { targetCycles: 4096 } }));
    expect([...again.files.keys()]).toEqual([...d.files.keys()]);
    for (const [p, t] of d.files) expect(again.files.get(p), p).toBe(t);
  });

  it('leaves no template syntax, names every layer and node, one instance per hardware node', () => {
    expect(top).not.toContain('{{');
    expect(top).toMatch(/^\/\/ -+\n\/\/ mini_top: streaming BNext accelerator for mini\./);
    const hwNodes = g.nodes.filter((n) => n.kind !== 'input' && n.kind !== 'output');
    for (const n of hwNodes) expect(top, n.id).toContain(`// ${n.layer}: ${n.id} (${n.kind}`);
    expect(top.match(/^\s+\) u_\w+ \(/gm)).toHaveLength(hwNodes.length);
    for (const [p, t] of d.files) if (p.startsWith('mem/')) expect(t.split('\n')[0], p).toMatch(/^\/\/ .+ \(.+\): \w+\.\w+File, \d+ word/);
  });

  it('passes Verilator -Wall lint', async () => {
    const r = await lintVerilator(files, d.top);
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('passes Yosys hierarchy -check / check -assert with its memory files', async () => {
    const data = Object.fromEntries([...d.files].filter(([p]) => p.startsWith('mem/')));
    const r = await lintYosys(files, d.top, undefined, { dataFiles: data });
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('compiles in Icarus', async () => {
    const r = await compileIcarus(files, d.top);
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
