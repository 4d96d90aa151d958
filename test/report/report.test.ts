import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeNpy } from '../../src/io/npy.js';
import { buildDesignReport } from '../../src/report/build.js';
import { renderReportHtml } from '../../src/report/html.js';
import type { DesignReport } from '../../src/report/types.js';
import { synthDesign } from '../../src/synth/run.js';

const dir = mkdtempSync(join(tmpdir(), 'bnext-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The small BNext-like network of test/cli/generate.test.ts: a stem, two modules (ffn3x3 with a
// channel fork/concat, elm with a stride-2 ELM attention), input 32.
const netFile = join(dir, 'net.json');
writeFileSync(
  netFile,
  JSON.stringify({
    name: 'small',
    input: 32,
    classes: 10,
    stem: { channels: 8, kernel: 3, stride: 2 },
    blocks: [
      { type: 'bnext', out: 16, stride: 1, mixer: 'ffn3x3' },
      { type: 'bnext', out: 32, stride: 2, mixer: 'elm' },
    ],
  }),
);
const design = join(dir, 'design');
const page = join(design, 'report.html');
type ManifestJson = { top: string; layers: { name: string; cycles: number }[]; performance: { cyclesPerFrame: number; framesPerSecond: number }; streams: { input: { format: string } } };
let manifest: ManifestJson;

beforeAll(async () => {
  const r = await cli(['generate', '--network', netFile, '--seed', '3', '--target-fps', '50000', '--out', design, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  manifest = JSON.parse(readFileSync(join(design, 'manifest.json'), 'utf8')) as ManifestJson;
});

describe('bnext-rtl report', () => {
  it('writes one self-contained page, prints a summary, and is deterministic', async () => {
    const r = await cli(['report', '--design', design, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${page}`);
    expect(r.stdout).toContain(`throughput    ${manifest.performance.framesPerSecond.toFixed(1)} frames/s at 200 MHz`);
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toContain('{{');
    // Nothing to fetch: no scripts, stylesheets, images, fonts or external links.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|@font-face/i);
    expect(html.match(/\b(?:src|href)="(?!#)[^"]*"/g) ?? []).toEqual([]);
    expect(html.match(/url\((?!#)/g) ?? []).toEqual([]);
    const again = await cli(['report', '--design', design, '--quiet']);
    expect(again.code).toBe(0);
    expect(readFileSync(page, 'utf8')).toBe(html);
  });

  it('--json prints the report object, consistent with the manifest and the graph, and writes no page', async () => {
    rmSync(page, { force: true });
    const r = await cli(['report', '--design', design, '--json', '--no-sqnr']);
    expect(r.code).toBe(0);
    expect(existsSync(page)).toBe(false);
    const j = JSON.parse(r.stdout) as DesignReport;
    expect(j.layers.map((l) => [l.name, l.cycles])).toEqual(manifest.layers.map((l) => [l.name, l.cycles]));
    expect(j.summary.cyclesPerFrame).toBe(manifest.performance.cyclesPerFrame);
    const slowest = Math.max(...manifest.layers.map((l) => l.cycles));
    expect(j.layers.filter((l) => l.bottleneck).map((l) => l.name)).toEqual(manifest.layers.filter((l) => l.cycles === slowest).map((l) => l.name));
    expect(j.synth).toMatchObject({ status: 'absent', command: `bnext-rtl synth --design ${design} --target ice40 --per-layer` });
    expect(j.power.status).toBe('absent');
    expect(j.sqnr).toEqual({ status: 'skipped', reason: 'left out (--no-sqnr)' });
    // The diagram's graph: every layer but the input is fed by another, every edge joins known layers,
    // and a stream carries at least lanes x element bits.
    const g = j.graph!;
    const names = new Set(j.layers.map((l) => l.name));
    for (const e of g.edges) expect(names.has(e.from) && names.has(e.to), `${e.from} -> ${e.to}`).toBe(true);
    expect(new Set(g.edges.map((e) => e.to))).toEqual(new Set([...names].filter((n) => n !== 'input')));
    for (const s of g.edges.flatMap((e) => e.streams)) {
      const w = s.format === 'bin' ? 1 : Number(/^[su](\d+)\./.exec(s.format)![1]);
      expect(s.bits === s.lanes * w || s.bits === s.lanes * w + 1, `${s.node}: ${s.bits} bits for ${s.lanes} x ${s.format}`).toBe(true);
    }
    expect(g.edges.filter((e) => e.from === 'feature.1.Attention').map((e) => e.to)).toEqual(['feature.1.FFN_1', 'feature.1.FFN_2']);
    const slow = JSON.parse((await cli(['report', '--design', design, '--json', '--no-sqnr', '--clock-mhz', '100'])).stdout) as DesignReport;
    expect(slow.summary.framesPerSecond).toBeCloseTo(100e6 / manifest.performance.cyclesPerFrame, 6);
    expect(slow.summary.latencyUs).toBeCloseTo(2 * j.summary.latencyUs, 6);
  });

  it('computes the SQNR on seeded images: the 8-bit input is at the uniform-noise bound', async () => {
    const r = await buildDesignReport(design, { sqnrImages: 2 });
    expect(r.sqnr).toMatchObject({ status: 'present', source: 'computed', images: 2 });
    for (const l of r.layers) expect(l.sqnr, l.name).not.toBeNull();
    // Rounding to a step of 2^-frac adds noise of power step^2 / 12 to N(0, 1) pixels (clipping aside).
    const frac = Number(/^s\d+\.(\d+)$/.exec(manifest.streams.input.format)![1]);
    const bound = 10 * Math.log10(12 * 2 ** (2 * frac));
    expect(Math.abs(r.layers[0]!.sqnr!.sqnrDb! - bound)).toBeLessThan(1);
  });

  it('shows per-layer synthesis read from synth/report.json beside the estimate', async () => {
    const s = await synthDesign(design, { target: 'ice40', perLayer: true, layers: ['feature.1.FFN_1'], jobs: 1 });
    const r = await buildDesignReport(design, { sqnr: false });
    expect(r.synth.status).toBe('present');
    const layer = r.layers.find((l) => l.name === 'feature.1.FFN_1')!;
    expect(layer.synth?.figures.luts).toBe(s.rows[0]!.figures.luts);
    expect(layer.synth?.figures.luts).toBeGreaterThan(0);
    expect(r.layers.filter((l) => l.synth !== null)).toHaveLength(1);
    const html = renderReportHtml(r);
    expect(html).toContain('Yosys');
    expect(html).not.toContain('Not synthesized');
  });

  it('reads a power report tolerantly: valid fields shown, the rest listed as not shown', async () => {
    mkdirSync(join(design, 'power'), { recursive: true });
    writeFileSync(
      join(design, 'power', 'report.json'),
      JSON.stringify({
        tech: 'osu018',
        total: { dynamicMw: 12.5, staticMw: 0.25 },
        energyPerInferencePj: 195800,
        split: { binary: 7.5, memory: 3, real: 2 },
        layers: [{ name: 'feature.0', dynamicMw: 1.5 }, { name: 'nope', dynamicMw: 1 }],
        vectorless: { dynamicMw: 'lots' },
        futureField: 1,
      }),
    );
    const r = await buildDesignReport(design, { sqnr: false });
    expect(r.power).toMatchObject({ status: 'present', tech: 'osu018', total: { dynamicMw: 12.5, staticMw: 0.25 }, vectorless: null });
    expect(r.summary.energyPerInferencePj).toBe(195800);
    expect(r.summary.powerMw).toBe(12.75);
    expect(r.layers.find((l) => l.name === 'feature.0')!.power).toEqual({ dynamicMw: 1.5, staticMw: null, energyPj: null });
    expect(r.power.status === 'present' && r.power.ignored.map((x) => x.split(' ')[0])).toEqual(['futureField', 'layers:', 'vectorless']);
    expect(r.warnings.join('\n')).toMatch(/fields not shown: .*futureField/);
    writeFileSync(join(design, 'power', 'report.json'), '{"total": ');
    const bad = await buildDesignReport(design, { sqnr: false });
    expect(bad.power.status).toBe('unreadable');
    expect(bad.warnings.join('\n')).toMatch(/power[/\\]report\.json was not read: not valid JSON/);
  });

  it('reads the SQNR from quant-report.json when the design folder has one', async () => {
    const x = join(dir, 'x.npy');
    writeNpy(x, { shape: [1, 3, 32, 32], data: new Float32Array(3 * 32 * 32).map((_, i) => Math.sin(i * 0.37)) });
    const q = await cli(['quant-report', '--network', netFile, '--seed', '3', '--input', x, '--json']);
    expect(q.code).toBe(0);
    writeFileSync(join(design, 'quant-report.json'), q.stdout);
    const r = await buildDesignReport(design);
    rmSync(join(design, 'quant-report.json'));
    const file = JSON.parse(q.stdout) as { layers: { layer: string; sqnrDb: number | null }[] };
    expect(r.sqnr).toMatchObject({ status: 'present', source: join(design, 'quant-report.json'), images: 1, seed: null });
    expect(r.layers.map((l) => [l.name, l.sqnr?.sqnrDb])).toEqual(file.layers.map((l) => [l.layer, l.sqnrDb]));
  });

  it('still makes a page without the graph (RTL edited by hand): a note, no diagram, no SQNR', async () => {
    const edited = join(dir, 'edited');
    cpSync(design, edited, { recursive: true });
    writeFileSync(join(edited, `${manifest.top}.v`), `${readFileSync(join(edited, `${manifest.top}.v`), 'utf8')}// edited\n`);
    const r = await cli(['report', '--design', edited, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^note: the design's graph could not be rebuilt \(.*does not match/m);
    const html = readFileSync(join(edited, 'report.html'), 'utf8');
    expect(html).not.toContain('class="diagram"');
    expect(html).toContain('SQNR not shown: the graph could not be rebuilt');
  });

  it('escapes names from the design in the page', async () => {
    const r = await buildDesignReport(design, { sqnr: false });
    const evil = '<img src=x onerror=alert(1)>';
    const html = renderReportHtml({ ...r, layers: r.layers.map((l, i) => (i === 1 ? { ...l, name: evil } : l)), design: { ...r.design, top: evil } });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('bad input gives one clear error and writes nothing', async () => {
    const missing = await cli(['report', '--design', join(dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error[E_DESIGN] ${join(dir, 'nowhere')}: design folder ${join(dir, 'nowhere')} does not exist (make one with bnext-rtl generate)\n`);

    const corrupt = join(dir, 'corrupt');
    mkdirSync(corrupt);
    copyFileSync(join(design, `${manifest.top}.v`), join(corrupt, `${manifest.top}.v`));
    writeFileSync(join(corrupt, 'manifest.json'), readFileSync(join(design, 'manifest.json'), 'utf8').slice(0, 200));
    const c = await cli(['report', '--design', corrupt]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/^error\[E_DESIGN\] .*manifest\.json: manifest\.json is not valid JSON \(.*\); generate the design again\n$/);
    expect(existsSync(join(corrupt, 'report.html'))).toBe(false);

    const m = JSON.parse(readFileSync(join(design, 'manifest.json'), 'utf8')) as { layers: { cycles: unknown }[] };
    m.layers[2]!.cycles = 'many';
    writeFileSync(join(corrupt, 'manifest.json'), JSON.stringify(m));
    const f = await cli(['report', '--design', corrupt]);
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/^error\[E_DESIGN\] .*manifest\.json, field 'layers\[2\]\.cycles': manifest\.json is not a bnext-rtl design manifest: .*expected number/);
    expect(f.stderr.trim().split('\n')).toHaveLength(1);

    const n = await cli(['report', '--design', design, '--sqnr-images', '0']);
    expect(n.stderr).toMatch(/^error\[E_ARG\] field '--sqnr-images': --sqnr-images must be a whole number from 1 to 1000, got '0'\n$/);
    const k = await cli(['report', '--design', design, '--clock-mhz', 'fast']);
    expect(k.stderr).toMatch(/^error\[E_ARG\] field '--clock-mhz': --clock-mhz must be a positive number of MHz up to 100000, got 'fast'\n$/);
    const o = await cli(['report', '--design', design, '--out', join(dir, 'no', 'such', 'r.html')]);
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/^error\[E_FILE\] .*folder .* does not exist/);
  });
});

const chromiumPath = process.env['BNEXT_CHROMIUM'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
const skipReason = `SKIPPED: no Chromium at ${chromiumPath} (apt-get install chromium, or set BNEXT_CHROMIUM)`;
if (!haveChromium) console.warn(`test/report: browser check ${skipReason}`);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(!haveChromium)(`the page in headless Chromium${haveChromium ? '' : ` (${skipReason})`}`, () => {
  it('renders: headings, one diagram box per layer without overlaps, charts, no console errors, no requests; screenshot', async () => {
    // A page with synthesis and power sections filled in (the tests above left both in the folder).
    writeFileSync(join(design, 'power', 'report.json'), JSON.stringify({ tech: 'osu018', total: { dynamicMw: 12.5, staticMw: 0.25 }, energyPerInferencePj: 195800, split: { binary: 7.5, memory: 3, real: 2 } }));
    const r = await cli(['report', '--design', design, '--quiet']);
    expect(r.code).toBe(0);
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      tab.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
      });
      tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      tab.on('request', (q) => requests.push(q.url()));
      const url = `file://${page}`;
      await tab.goto(url, { waitUntil: 'load' });
      expect(await tab.locator('h1').textContent()).toBe(manifest.top);
      expect(await tab.locator('h2').allTextContents()).toEqual(['Dataflow', 'Throughput', 'Resources', 'Power and energy', 'Quantization: integer vs float', 'Streams and settings']);
      const boxes = tab.locator('svg.diagram g.layer-node');
      expect(await boxes.count()).toBe(manifest.layers.length);
      const names = await boxes.evaluateAll((els) => els.map((e) => e.getAttribute('data-layer')));
      expect(names).toEqual(manifest.layers.map((l) => l.name));
      const rects = await boxes.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }));
      for (const [i, a] of rects.entries()) {
        expect(a.width).toBeGreaterThan(50);
        for (const b of rects.slice(i + 1)) expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y, `${names[i]} overlaps another box`).toBe(true);
      }
      expect(await tab.locator('svg.diagram g.layer-node.bottleneck').count()).toBeGreaterThan(0);
      expect(await tab.locator('svg.diagram path.edge').count()).toBeGreaterThanOrEqual(manifest.layers.length);
      expect(await tab.locator('svg.chart').count()).toBeGreaterThanOrEqual(5);
      expect(await tab.locator('#power dl.facts dd').count()).toBeGreaterThan(0);
      expect(await tab.locator('.kpi-value').allTextContents()).toContain('196 nJ');
      const shot = join(dir, 'report.png');
      await tab.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      const size = pngSize(png);
      expect(size.width).toBe(1280);
      expect(size.height).toBeGreaterThan(2000);
      expect(statSync(shot).size).toBeGreaterThan(100_000);
      const pdf = await tab.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await browser.close();
    }
  });
});
