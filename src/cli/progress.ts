/**
 * Progress of a long command on stderr: one line per stage with its elapsed time. Silent with
 * `--quiet` or `--json` (stdout then carries only the result, stderr only errors).
 */
import type { Output } from './output.js';

/** Reports the stages of a command. */
export class Progress {
  /** @param out the command's output (its modes decide whether anything is printed) */
  constructor(private readonly out: Output) {}

  /**
   * Runs `work` as one stage. On a terminal: `label ...` before and ` done (1.23 s)` after, on one
   * line (ended early when `work` throws, so the error message starts on a fresh line). Elsewhere
   * (logs, pipes): one line `label: done (1.23 s)` after the stage, nothing if it fails.
   */
  run<T>(label: string, work: () => T): T {
    const silent = this.out.quiet || this.out.json;
    const tty = this.out.io.stderrIsTty;
    const write = (t: string): void => {
      if (!silent) this.out.io.stderr(t);
    };
    if (tty) write(`${label} ...`);
    const started = performance.now();
    let ok = false;
    try {
      const result = work();
      ok = true;
      return result;
    } finally {
      const secs = ((performance.now() - started) / 1000).toFixed(2);
      if (ok) write(tty ? ` done (${secs} s)\n` : `${label}: done (${secs} s)\n`);
      else if (tty) write('\n');
    }
  }
}
