/** Runs the CLI in-process for tests, capturing what it writes. */
import { runCli } from '../../src/cli/app.js';
import type { CliIo } from '../../src/cli/output.js';

/** Exit code and captured stdout/stderr of one `bnext-rtl` invocation (no TTY, empty env unless given). */
export async function cli(args: string[], io: Partial<CliIo> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, stderrIsTty: false, ...io });
  return { code, stdout, stderr };
}
