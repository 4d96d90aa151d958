/**
 * Progress modes: a bar redrawn in place on a terminal, whole lines in logs and under CI=true,
 * nothing with --quiet or --json; library progress messages become status lines.
 */
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { bar, isCi, Progress, progressMode } from '../../src/cli/progress.js';

function progress(opts: { tty: boolean; env?: Record<string, string>; json?: boolean; quiet?: boolean }) {
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: (t: string) => void err.push(t), env: opts.env ?? {}, stderrIsTty: opts.tty };
  return { p: new Progress(new Output(io, opts.json === true, opts.quiet === true)), text: () => err.join('') };
}

/** Feeds 20 images through a task, the way `sim --design` reports them. */
function images(p: Progress): void {
  const t = p.task('simulating', 20, 'image(s)');
  for (let i = 0; i <= 20; i++) t.update(i, `${i * 1000} cycles`);
  t.end();
}

describe('progress', () => {
  it('chooses the mode from the terminal, CI and the global flags', () => {
    expect(progressMode(new Output({ stdout: () => undefined, stderr: () => undefined, env: {}, stderrIsTty: true }, false, false))).toBe('live');
    expect(progressMode(new Output({ stdout: () => undefined, stderr: () => undefined, env: { CI: 'true' }, stderrIsTty: true }, false, false))).toBe('plain');
    expect(progressMode(new Output({ stdout: () => undefined, stderr: () => undefined, env: {}, stderrIsTty: false }, false, false))).toBe('plain');
    expect(progressMode(new Output({ stdout: () => undefined, stderr: () => undefined, env: {}, stderrIsTty: true }, true, false))).toBe('silent');
    expect(progressMode(new Output({ stdout: () => undefined, stderr: () => undefined, env: {}, stderrIsTty: true }, false, true))).toBe('silent');
    expect([isCi({ CI: 'true' }), isCi({ CI: '1' }), isCi({ CI: 'false' }), isCi({ CI: '' }), isCi({})]).toEqual([true, true, false, false, false]);
    expect(bar(3, 12, 12)).toBe('[###---------]');
    expect(bar(12, 12, 4)).toBe('[####]');
  });

  it('on a terminal: one status line redrawn in place with a bar, ended by a newline', () => {
    const { p, text } = progress({ tty: true });
    images(p);
    const out = text();
    expect(out).toContain('\r\x1b[K');
    expect(out.split('\n').filter(Boolean)).toHaveLength(1); // one line, redrawn
    const last = out.split('\r\x1b[K').at(-1)!;
    expect(last).toMatch(/^simulating \[#{24}\] 20\/20 image\(s\), 20000 cycles \(\d+\.\d s\)\n$/);
  });

  it('in logs and under CI=true: whole lines, about one per tenth of the work, no carriage returns', () => {
    for (const env of [{}, { CI: 'true' }]) {
      const { p, text } = progress({ tty: env.CI !== undefined, env });
      images(p);
      const lines = text().split('\n').filter(Boolean);
      expect(text()).not.toContain('\r');
      expect(lines).toHaveLength(11); // 0/20, 2/20, ..., 20/20
      expect(lines[0]).toMatch(/^simulating 0\/20 image\(s\), 0 cycles/);
      expect(lines.at(-1)).toMatch(/^simulating 20\/20 image\(s\), 20000 cycles \(\d+\.\d s\)$/);
    }
  });

  it('prints nothing with --quiet or --json', () => {
    for (const mode of [{ quiet: true }, { json: true }]) {
      const { p, text } = progress({ tty: true, ...mode });
      images(p);
      p.lines()('verilator: compiling');
      expect(p.run('stage', () => 42)).toBe(42);
      p.end();
      expect(text()).toBe('');
    }
  });

  it('library messages: live, each one kept with its time when the next arrives; counters redraw with a bar', () => {
    const { p, text } = progress({ tty: true });
    const feed = p.lines();
    feed("verilator: verilating 'small_top'");
    feed("verilator: compiling 'small_top' (make -j 2)");
    feed('synth: 1/4 done (0.1 s)');
    feed('synth: 2/4 done (0.2 s)');
    feed('synth: 4/4 done (0.3 s)');
    p.end();
    const kept = text().split('\n').filter(Boolean).map((l) => l.split('\r\x1b[K').at(-1));
    expect(kept).toEqual([
      expect.stringMatching(/^verilator: verilating 'small_top' \(\d+\.\d s\)$/),
      expect.stringMatching(/^verilator: compiling 'small_top' \(make -j 2\) \(\d+\.\d s\)$/),
      `[${'#'.repeat(24)}] synth: 4/4 done (0.3 s)`,
    ]);
    const plain = progress({ tty: false });
    plain.p.lines()("verilator: verilating 'x'");
    expect(plain.text()).toBe("verilator: verilating 'x'\n");
  });

  it('a stage that throws ends the terminal line, so the error starts on a fresh line', () => {
    const { p, text } = progress({ tty: true });
    expect(() => p.run('loading', () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(text()).toBe('loading ...\n');
  });
});
