/**
 * Worker-thread entry for the bundled WebAssembly Yosys (@yowasp/yosys). Running the WASM build
 * blocks its thread for the whole run, so src/synth/yosys.ts runs it here, one job at a time per
 * worker, and keeps idle workers for reuse (the ~30 MB module is compiled once per worker).
 *
 * This file imports nothing but node builtins: the URL of the @yowasp/yosys bundle arrives in
 * `workerData`, so the same code runs compiled (dist/) or transpiled from source (tests).
 */
import { parentPort, workerData } from 'node:worker_threads';

/** A virtual directory tree, as @yowasp/yosys takes and returns it. */
export interface VfsTree {
  [name: string]: VfsTree | string | Uint8Array;
}

/** Data the parent gives every worker at start. */
export interface YosysWorkerData {
  /** file: URL of the @yowasp/yosys ESM bundle. */
  readonly yowaspUrl: string;
}

/** One Yosys run. */
export interface YosysWorkerRequest {
  /** Job id, echoed in the reply. */
  readonly id: number;
  /** Command-line arguments after argv[0]. */
  readonly args: readonly string[];
  /** The virtual filesystem the run starts with; its root is Yosys' working directory. */
  readonly tree: VfsTree;
  /** Paths (relative to the root) whose contents are sent back, if the run wrote them. */
  readonly outputs: readonly string[];
  /** Path of the log file the run writes (given to Yosys with `-l`). */
  readonly logPath: string;
}

/** The answer to one request. */
export interface YosysWorkerReply {
  /** Job id from the request. */
  readonly id: number;
  /** Yosys exit status (0 = success). */
  readonly exitCode: number;
  /** Text Yosys wrote to stdout and stderr, interleaved. */
  readonly console: string;
  /** Contents of the log file ('' when it was not written). */
  readonly log: string;
  /** Requested outputs that exist, as UTF-8 text. */
  readonly outputs: Record<string, string>;
  /** Set when the runtime itself failed (not a Yosys error exit). */
  readonly crash?: string;
}

type RunYosys = (args: string[], files: VfsTree, options: Record<string, unknown>) => Promise<VfsTree | undefined>;

interface YowaspModule {
  readonly runYosys: RunYosys;
  readonly Exit: new (...a: never[]) => Error & { code: number; files: VfsTree };
}

const decoder = new TextDecoder();

function lookup(tree: VfsTree | undefined, path: string): string | undefined {
  let node: VfsTree | string | Uint8Array | undefined = tree;
  for (const part of path.split('/')) {
    if (node === undefined || typeof node === 'string' || node instanceof Uint8Array) return undefined;
    node = node[part];
  }
  if (typeof node === 'string') return node;
  if (node instanceof Uint8Array) return decoder.decode(node);
  return undefined;
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as YosysWorkerData;
  const yowasp = (await import(data.yowaspUrl)) as YowaspModule;
  port.on('message', (req: YosysWorkerRequest) => {
    void runOne(yowasp, req).then((reply) => port.postMessage(reply));
  });
  port.postMessage({ ready: true });
}

async function runOne(yowasp: YowaspModule, req: YosysWorkerRequest): Promise<YosysWorkerReply> {
  let consoleText = '';
  const sink = (bytes: Uint8Array | null): void => {
    if (bytes) consoleText += decoder.decode(bytes);
  };
  let files: VfsTree | undefined;
  let exitCode = 0;
  try {
    files = await yowasp.runYosys([...req.args], req.tree, { stdout: sink, stderr: sink, decodeASCII: true });
  } catch (e) {
    if (e instanceof yowasp.Exit) {
      exitCode = e.code === 0 ? 1 : e.code;
      files = e.files;
    } else {
      const crash = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return { id: req.id, exitCode: 1, console: consoleText, log: '', outputs: {}, crash };
    }
  }
  const outputs: Record<string, string> = {};
  for (const p of req.outputs) {
    const text = lookup(files, p);
    if (text !== undefined) outputs[p] = text;
  }
  return { id: req.id, exitCode, console: consoleText, log: lookup(files, req.logPath) ?? '', outputs };
}

void serve();
