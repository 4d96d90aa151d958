/**
 * Toggle counts from a VCD waveform (Icarus `$dumpvars`), per signal bit. Several changes of a
 * signal within one time step count once, as the step's final value against the previous one
 * (zero-delay glitches are not power), and changes from or to x/z are not toggles.
 */
import { fail } from '../diag.js';

/** Per signal (name without a leading backslash, as in the scope's `$var`): toggles per bit, LSB first. */
export type VcdToggles = Map<string, Float64Array>;

/** Counts the toggles of every variable of one scope (`tb.dut`, say; default: every scope). */
export function vcdToggles(text: string, scope?: string, file = 'waveform.vcd'): VcdToggles {
  const vars = new Map<string, { names: string[]; width: number }>();
  const stack: string[] = [];
  let i = 0;
  const n = text.length;
  // Header: $scope / $var / $upscope until $enddefinitions.
  const headerEnd = text.indexOf('$enddefinitions');
  if (headerEnd < 0) fail('E_TOOL', 'not a VCD file (no $enddefinitions)', { file });
  const header = text.slice(0, headerEnd);
  for (const m of header.matchAll(/\$(scope|upscope|var)\b([^$]*)\$end/g)) {
    const parts = m[2]!.trim().split(/\s+/);
    if (m[1] === 'scope') stack.push(parts[1] ?? '');
    else if (m[1] === 'upscope') stack.pop();
    else {
      const width = Number(parts[1]);
      const code = parts[2]!;
      const name = parts[3]!.replace(/^\\/, '');
      if (scope !== undefined && stack.join('.') !== scope) continue;
      const v = vars.get(code) ?? { names: [], width };
      v.names.push(name);
      vars.set(code, v);
    }
  }
  i = text.indexOf('\n', headerEnd) + 1;
  const committed = new Map<string, string>();
  const pending = new Map<string, string>();
  const counts = new Map<string, Float64Array>();
  for (const [code, v] of vars) counts.set(code, new Float64Array(v.width));
  const norm = (val: string, width: number): string => {
    if (val.length >= width) return val.slice(val.length - width);
    const pad = val[0] === 'x' || val[0] === 'z' ? val[0] : '0';
    return pad.repeat(width - val.length) + val;
  };
  const flush = () => {
    for (const [code, val] of pending) {
      const prev = committed.get(code);
      committed.set(code, val);
      if (prev === undefined) continue;
      const c = counts.get(code)!;
      const w = c.length;
      for (let b = 0; b < w; b++) {
        const a = prev[w - 1 - b]!;
        const z = val[w - 1 - b]!;
        if (a !== z && (a === '0' || a === '1') && (z === '0' || z === '1')) c[b]!++;
      }
    }
    pending.clear();
  };
  while (i < n) {
    let j = text.indexOf('\n', i);
    if (j < 0) j = n;
    const line = text.slice(i, j).trim();
    i = j + 1;
    if (!line) continue;
    const c0 = line[0];
    if (c0 === '#') flush();
    else if (c0 === 'b' || c0 === 'B' || c0 === 'r' || c0 === 'R') {
      const sp = line.indexOf(' ');
      const code = line.slice(sp + 1).trim();
      const v = vars.get(code);
      if (v && c0 !== 'r' && c0 !== 'R') pending.set(code, norm(line.slice(1, sp).toLowerCase(), v.width));
    } else if (c0 === '0' || c0 === '1' || c0 === 'x' || c0 === 'X' || c0 === 'z' || c0 === 'Z') {
      const code = line.slice(1);
      const v = vars.get(code);
      if (v) pending.set(code, norm(c0.toLowerCase(), v.width));
    }
    // $dumpvars / $end / $comment lines carry no changes of their own.
  }
  flush();
  const out: VcdToggles = new Map();
  for (const [code, v] of vars) for (const name of v.names) out.set(name, counts.get(code)!);
  return out;
}
