/**
 * Progress of a long command on stderr, in one of three modes:
 * - live (stderr is a terminal and CI is not set): one status line redrawn in place with `\r`,
 *   a bar for counted work (`simulating [#####-----] 3/6 image(s)`), the elapsed time ticking;
 * - plain (logs, pipes, CI=true): whole lines only, a bounded number of them (about every tenth of
 *   counted work), so a CI log stays readable;
 * - silent (`--quiet` or `--json`): nothing (stdout carries only the result, stderr only errors).
 */
import type { Output } from './output.js';

/** How progress is shown. */
export type ProgressMode = 'live' | 'plain' | 'silent';

/** Characters of a bar. */
const BAR_WIDTH = 24;
/** Live redraws of a counted task are at most this often (ms), apart from its first and last. */
const REDRAW_MS = 100;

/** Whether the environment says we run in CI (`CI=true`, `CI=1`, any value but empty/false/0). */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const v = env['CI'];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** The mode for an output: silent with --quiet/--json, live on a terminal outside CI, else plain. */
export function progressMode(out: Output): ProgressMode {
  if (out.quiet || out.json) return 'silent';
  return out.io.stderrIsTty && !isCi(out.io.env) ? 'live' : 'plain';
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A bar of `done` out of `total`. */
export function bar(done: number, total: number, width = BAR_WIDTH): string {
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

/** Reports the stages and counted work of a command. */
export class Progress {
  /** How this command's progress is shown. */
  readonly mode: ProgressMode;
  /** The live status line now on screen ('' when none). */
  private status = '';
  private statusStart = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** The counter prefix of the last status message (see {@link lines}). */
  private counterKey: string | undefined;
  /** Whether the status line is a message with a ticking elapsed time (kept with the time it took). */
  private timed = false;

  /** @param out the command's output (its modes and I/O decide what is printed) */
  constructor(private readonly out: Output) {
    this.mode = progressMode(out);
  }

  private write(t: string): void {
    if (this.mode !== 'silent') this.out.io.stderr(t);
  }

  /** Removes the live status line (before permanent output). */
  private clear(): void {
    this.stopTicker();
    if (this.status) this.write('\r\x1b[K');
    this.status = '';
    this.counterKey = undefined;
    this.timed = false;
  }

  /** Live: keeps the status line as a finished line (a ticking message with the time it took). */
  private commit(): void {
    this.stopTicker();
    if (this.status) {
      const text = this.timed ? `${this.status.replace(/ \.\.\. [\d.]+ s$/, '')} (${secs(performance.now() - this.statusStart)})` : this.status;
      this.write(`\r\x1b[K${text}\n`);
    }
    this.status = '';
    this.counterKey = undefined;
    this.timed = false;
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** Draws `text` as the live status line (replacing the previous one). */
  private draw(text: string): void {
    this.write(`\r\x1b[K${text}`);
    this.status = text;
  }

  /** A permanent line (a live status line is kept above it as a finished line). */
  line(text: string): void {
    this.commit();
    this.write(`${text}\n`);
  }

  /**
   * Runs `work` as one stage. Live: `label ...` before and ` done (1.23 s)` after, on one line
   * (ended early when `work` throws, so the error message starts on a fresh line). Plain: one line
   * `label: done (1.23 s)` after the stage, nothing if it fails.
   */
  run<T>(label: string, work: () => T): T {
    this.commit();
    const live = this.mode === 'live';
    if (live) this.write(`${label} ...`);
    const started = performance.now();
    let ok = false;
    try {
      const result = work();
      ok = true;
      return result;
    } finally {
      const s = ((performance.now() - started) / 1000).toFixed(2);
      if (ok) this.write(live ? ` done (${s} s)\n` : `${label}: done (${s} s)\n`);
      else if (live) this.write('\n');
    }
  }

  /** Like {@link run} for asynchronous work; live, the elapsed time ticks while it runs. */
  async runAsync<T>(label: string, work: () => Promise<T>): Promise<T> {
    this.commit();
    const started = performance.now();
    if (this.mode === 'live') this.tick(() => `${label} ... ${secs(performance.now() - started)}`, false);
    try {
      const result = await work();
      this.clear();
      this.write(`${label}: done (${((performance.now() - started) / 1000).toFixed(2)} s)\n`);
      return result;
    } catch (e) {
      this.clear();
      throw e;
    }
  }

  /** Live: draws `text()` now and every second until cleared. */
  private tick(text: () => string, timed: boolean): void {
    this.stopTicker();
    this.draw(text());
    this.timed = timed;
    this.ticker = setInterval(() => this.draw(text()), 1000);
    this.ticker.unref?.();
  }

  /**
   * A receiver for a library's `onProgress` messages (Verilator build steps, synthesis jobs).
   * Live: each message becomes the status line with its elapsed time ticking, and the previous
   * one is kept as a line with the time it took; a message that only advances a counter of the
   * previous one (`synth: 3/12 done` after `synth: 2/12 done`) redraws in place with a bar.
   * Plain: one line per message.
   */
  lines(): (msg: string) => void {
    return (msg: string) => {
      if (this.mode === 'silent') return;
      if (this.mode === 'plain') return this.line(msg);
      const counter = /^(.*?)(\d+)\/(\d+)(.*)$/.exec(msg);
      const key = counter ? `${counter[1]}/${counter[3]}` : undefined;
      if (counter && key === this.counterKey) {
        this.stopTicker();
        this.draw(`${bar(Number(counter[2]), Number(counter[3]))} ${msg}`);
        return;
      }
      this.commit();
      this.counterKey = key;
      this.statusStart = performance.now();
      if (counter) this.draw(`${bar(Number(counter[2]), Number(counter[3]))} ${msg}`);
      else this.tick(() => `${msg} ... ${secs(performance.now() - this.statusStart)}`, true);
    };
  }

  /** Counted work: `label` with `done` out of `total` units (e.g. images). */
  task(label: string, total: number, unit: string): ProgressTask {
    this.commit();
    return new ProgressTask(this, label, total, unit);
  }

  /** Ends any live status line, keeping it on screen as a finished line. */
  end(): void {
    if (this.mode === 'live') this.commit();
  }

  /** @internal draws a task's state. */
  drawTask(text: string, final: boolean): void {
    if (this.mode === 'silent') return;
    if (this.mode === 'plain') return void this.write(`${text}\n`);
    if (this.timed || this.counterKey !== undefined) this.commit();
    this.stopTicker();
    this.draw(text);
    if (final) {
      this.write('\n');
      this.status = '';
    }
  }
}

/** Counted work of a {@link Progress}: a bar live, about ten lines plain. */
export class ProgressTask {
  private lastDraw = -Infinity;
  private lastDecile = -1;
  private readonly started = performance.now();
  private finished = false;

  /** @internal use {@link Progress.task} */
  constructor(
    private readonly p: Progress,
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  private text(done: number, detail: string | undefined): string {
    const head = `${this.label} ${this.p.mode === 'live' ? `${bar(done, this.total)} ` : ''}${done}/${this.total} ${this.unit}`;
    return `${head}${detail ? `, ${detail}` : ''} (${secs(performance.now() - this.started)})`;
  }

  /** `done` units are complete; `detail` is shown after the count (e.g. `12,345 cycles`). */
  update(done: number, detail?: string): void {
    if (this.finished) return;
    const now = performance.now();
    const final = done >= this.total;
    if (this.p.mode === 'plain') {
      const decile = this.total > 0 ? Math.floor((10 * done) / this.total) : 10;
      if (decile === this.lastDecile && !final) return;
      this.lastDecile = decile;
    } else if (!final && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.p.drawTask(this.text(done, detail), final);
    if (final) this.finished = true;
  }

  /** Ends the task (if the count never reached the total, the last state stays on screen). */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.p.end();
  }
}
