/**
 * Packaging of a design folder (no simulator needed): the FuseSoC core parses with PyYAML (as
 * FuseSoC reads it) into a valid CAPI2 structure whose every file exists; the test vectors hold
 * images whose integer-model logits are the expected beats; the files are deterministic; a design
 * with a simulation wrapper gets a testbench and a core that drive the wrapper.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/app.js';
import { NetworkBuilder } from '../../src/dsl/builder.js';
import type { Network } from '../../src/dsl/network.js';
import { generateDesign, writeDesign, type Design } from '../../src/emit/design.js';
import { dequantize } from '../../src/ir/fixed.js';
import { packageDesign, PACKAGE_PATHS } from '../../src/package/index.js';
import { streamEnds } from '../../src/package/vectors.js';
import { DEFAULT_QUANT } from '../../src/passes/quant-settings.js';
import { interpret } from '../../src/ref/interp.js';
import { unpackStream } from '../../src/sim/pack.js';
import { randomWeights } from '../../src/weights/random.js';
import { Capi2Core, filePaths, havePyYaml, pyYaml, type Capi2 } from './capi2.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-pkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mini(): Network {
  const b = new NetworkBuilder({ name: 'mini', input: [3, 32, 32], classes: 10 });
  let t = b.stem(b.input(), { channels: 8, kernel: 3, stride: 2 });
  t = b.bnextBlock(t, { name: 'feature.1', out: 16, stride: 1, mixer: 'ffn3x3' });
  return b.head(t).build();
}

function design(extMemThresholdBits = 0): Design {
  const net = mini();
  return generateDesign({
    net,
    ws: randomWeights(net, 1),
    weights: { seed: 1 },
    quant: DEFAULT_QUANT,
    fold: { kind: 'fps', targetFps: 50_000, clockMhz: 200 },
    recipe: { test: net.name },
    extMemThresholdBits,
  });
}

/** Beats of a vector file: hex lines, comments and blank lines skipped. */
function beats(text: string): bigint[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('//'))
    .map((l) => BigInt(`0x${l}`));
}

let yamlOk = false;
beforeAll(async () => {
  yamlOk = await havePyYaml();
  if (!yamlOk) console.warn('SKIPPED core-file YAML checks: python3 with PyYAML (the parser FuseSoC uses) is not installed');
});

/** Reads and validates `<folder>/<top>.core`: the CAPI2 structure, references and files. */
async function checkCore(folder: string, top: string): Promise<Capi2> {
  const text = readFileSync(join(folder, `${top}.core`), 'utf8');
  expect(text.split('\n')[0]).toBe('CAPI=2:');
  const raw = (await pyYaml(text)) as Record<string, unknown>;
  expect(raw['CAPI=2']).toBeNull();
  delete raw['CAPI=2'];
  const parsed = Capi2Core.safeParse(raw);
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  const core = parsed.data!;
  for (const [name, fs] of Object.entries(core.filesets))
    for (const p of filePaths(fs.files)) expect(existsSync(join(folder, p)), `${name}: ${p}`).toBe(true);
  for (const [name, t] of Object.entries(core.targets)) {
    for (const f of t.filesets ?? []) expect(Object.keys(core.filesets), `target ${name}`).toContain(f);
    for (const p of t.parameters ?? []) expect(Object.keys(core.parameters ?? {}), `target ${name}`).toContain(p);
    // The top-level module is defined in one of the target's Verilog files.
    const sources = (t.filesets ?? []).flatMap((f) => (core.filesets[f]!.file_type === 'verilogSource' ? filePaths(core.filesets[f]!.files) : []));
    const defined = sources.some((p) => new RegExp(`^module ${String(t.toplevel)}\\b`, 'm').test(readFileSync(join(folder, p), 'utf8')));
    expect(defined, `target ${name}: module ${String(t.toplevel)}`).toBe(true);
  }
  return core;
}

describe('design packaging', () => {
  const d = design();
  const out = join(dir, 'mini');
  const written = writeDesign(out, d, false, { vectors: 3 });

  it('a FuseSoC core listing the RTL, memories, filelist, testbench and vectors, every file present', async ({ skip }) => {
    if (!yamlOk) skip();
    const core = await checkCore(out, d.manifest.top);
    expect(core.name).toBe('bnext-rtl:designs:mini:0.1.0');
    const f = readFileSync(join(out, `${d.manifest.top}.f`), 'utf8').trim().split('\n');
    expect(filePaths(core.filesets['rtl']!.files)).toEqual(f);
    expect(filePaths(core.filesets['mem']!.files).sort()).toEqual(written.files.filter((p) => p.startsWith('mem/')).sort());
    expect(core.targets['sim']).toMatchObject({ default_tool: 'verilator', toplevel: d.manifest.top, filesets: ['rtl', 'mem', 'tb', 'vectors'] });
    expect(core.targets['synth']?.tools?.yosys?.arch).toBe('ice40');
    // Memory files land where the default MemDir ("mem/") looks, vectors where the testbench looks.
    for (const e of [...core.filesets['mem']!.files, ...core.filesets['vectors']!.files]) {
      const [path, attrs] = Object.entries(e as Record<string, { copyto: string }>)[0]!;
      expect(attrs.copyto).toBe(path.replace(/^sim\//, ''));
    }
  });

  it('vectors: the expected beats are the integer model of the images in the input beats', () => {
    const { input, outSrc } = streamEnds(d.graph);
    const inBeats = beats(readFileSync(join(out, PACKAGE_PATHS.input), 'utf8'));
    const outBeats = beats(readFileSync(join(out, PACKAGE_PATHS.expected), 'utf8'));
    const m = written.streams;
    expect(inBeats.length).toBe(3 * m.input.beatsPerFrame);
    expect(outBeats.length).toBe(3 * m.output.beatsPerFrame);
    if (input.elem.kind !== 'fix') throw new Error('input not quantized');
    const fmt = input.elem.fmt;
    const logits = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const codes = unpackStream(input, inBeats.slice(i * m.input.beatsPerFrame, (i + 1) * m.input.beatsPerFrame));
      const img = { shape: [...input.shape], data: Float32Array.from(codes, (c) => dequantize(c, fmt)) };
      const want = interpret(d.graph, img, 'int').codes!;
      const got = unpackStream(outSrc, outBeats.slice(i * m.output.beatsPerFrame, (i + 1) * m.output.beatsPerFrame));
      expect(Array.from(got)).toEqual(Array.from(want));
      logits.add(Array.from(got).join(','));
    }
    expect(logits.size).toBe(3); // three different images
  });

  it('is deterministic, lists its files in the manifest, and --vectors 0 leaves the vectors out', async ({ skip }) => {
    const again = packageDesign(d, { vectors: 3 });
    for (const [p, t] of again) expect(readFileSync(join(out, p), 'utf8'), p).toBe(t);
    expect(written.files).toEqual(expect.arrayContaining([...again.keys()]));
    const none = packageDesign(d, { vectors: 0 });
    expect([...none.keys()].sort()).toEqual([`${d.manifest.top}.core`, PACKAGE_PATHS.makefile, PACKAGE_PATHS.testbench].sort());
    if (!yamlOk) skip();
    const bare = join(dir, 'bare');
    writeDesign(bare, d, false, { vectors: 0 });
    const core = await checkCore(bare, d.manifest.top);
    expect(core.filesets['vectors']).toBeUndefined();
    expect(readFileSync(join(bare, 'README.md'), 'utf8')).toMatch(/written without vectors/);
  });

  it('a design with external memory ports: the testbench and the sim target drive its simulation wrapper', async ({ skip }) => {
    const w = design(1); // every FIFO over 1 bit goes to external memory
    const sim = w.emitted.sim;
    expect(sim).toBeDefined();
    const folder = join(dir, 'ext');
    writeDesign(folder, w, false, { vectors: 1 });
    const tb = readFileSync(join(folder, PACKAGE_PATHS.testbench), 'utf8');
    expect(tb).toContain(`#include "V${sim!.top}.h"`);
    expect(tb).toMatch(/top->sim_mem_latency_i = /);
    const make = readFileSync(join(folder, PACKAGE_PATHS.makefile), 'utf8');
    for (const p of [sim!.file, ...sim!.cores.map((c) => `sim/${c}.v`)]) expect(make).toContain(`../${p}`);
    if (!yamlOk) skip();
    const core = await checkCore(folder, w.manifest.top);
    expect(core.targets['sim']).toMatchObject({ toplevel: sim!.top, filesets: ['rtl', 'mem', 'sim_rtl', 'tb', 'vectors'] });
    expect(core.targets['default']!.toplevel).toBe(w.manifest.top);
  });

  it('generate --vectors rejects a bad count before writing anything', async () => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), env: {}, stderrIsTty: false };
    const target = join(dir, 'never');
    expect(await runCli(['generate', '--size', 'tiny', '--input', '32', '--classes', '10', '--seed', '1', '--vectors', '-1', '--out', target], io)).toBe(1);
    expect(stderr).toMatch(/error\[E_ARG\] field '--vectors': --vectors must be a whole number from 0 to 1000, got '-1'/);
    expect(existsSync(target)).toBe(false);
  });
});
