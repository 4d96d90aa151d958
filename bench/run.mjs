#!/usr/bin/env node
// `npm run bench [-- name...]`: runs the benchmarks in bench/*.bench.mjs (all, or the named ones)
// against the built package in dist/. Each bench module exports `name`, `describe` and
// `run(): Promise<Record<string, string | number>>`; results are printed and written to
// bench/results.json. Benchmarks measure; they never fail a test run.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.mjs')).sort();
const results = {
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', node: process.version },
  date: new Date().toISOString(),
  benches: {},
};
for (const f of files) {
  const mod = await import(pathToFileURL(dir + f).href);
  if (wanted.length && !wanted.includes(mod.name)) continue;
  console.log(`# ${mod.name}: ${mod.describe}`);
  const r = await mod.run();
  for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${v}`);
  results.benches[mod.name] = r;
}
writeFileSync(dir + 'results.json', JSON.stringify(results, null, 2) + '\n');
console.log(`results written to bench/results.json`);
