#!/usr/bin/env node
// Makes sure the external tools the test suite needs are present before `npm test` runs.
// When one is missing and we are root on a Debian/Ubuntu machine with apt, it installs it;
// otherwise it stops with a message saying how. Nothing is silently skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Tool binary -> Debian package. */
const TOOLS = [
  { bin: 'verilator', pkg: 'verilator', why: 'RTL lint and cycle-accurate simulation' },
  { bin: 'iverilog', pkg: 'iverilog', why: 'second-simulator compatibility check' },
  { bin: 'chromium', pkg: 'chromium', why: 'headless-browser check of the HTML design report' },
  { bin: 'nextpnr-ice40', pkg: 'nextpnr-ice40', why: 'iCE40 place and route for the fmax of bnext-rtl synth' },
  { bin: 'sta', pkg: 'opensta', why: 'OpenSTA report_power, the independent check of the power model' },
  { bin: 'osu018 cells', file: '/usr/share/qflow/tech/osu018/osu018_stdcells.lib', pkg: 'qflow-tech-osu018', why: 'OSU 0.18 um standard cells of the power model' },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const present = (t) => (t.file ? existsSync(t.file) : has(t.bin));
const missing = TOOLS.filter((t) => !present(t));
if (missing.length === 0) process.exit(0);

const pkgs = missing.map((t) => t.pkg);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && has('apt-get')) {
  console.log(`ensure-tools: installing ${pkgs.join(', ')} with apt-get (missing: ${missing.map((t) => `${t.bin} for ${t.why}`).join('; ')})`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    console.error(`ensure-tools: apt-get install ${pkgs.join(' ')} failed; install them by hand and rerun npm test`);
    process.exit(1);
  }
  const still = missing.filter((t) => !present(t));
  if (still.length === 0) process.exit(0);
  console.error(`ensure-tools: still missing after install: ${still.map((t) => t.bin).join(', ')}`);
  process.exit(1);
}
console.error(
  `ensure-tools: missing ${missing.map((t) => `${t.bin} (${t.why})`).join(', ')}.\n` +
    `Install with: sudo apt-get install -y ${pkgs.join(' ')}  (Debian/Ubuntu), then rerun npm test.`,
);
process.exit(1);
