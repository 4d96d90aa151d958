/**
 * Diagnostics are data: every user-facing error carries a stable code, a message a user can act
 * on, and where known the file, the field and the rule that was broken. The CLI prints these
 * without a stack trace; anything else that escapes is a bug and is reported as one.
 */

/** Stable error codes. Add new ones here; never reuse a code for another meaning. */
export type DiagCode =
  | 'E_ARG' // a command-line argument is missing or out of range
  | 'E_SIZE' // unknown network size
  | 'E_INPUT_SIZE' // input height/width not a positive multiple of 32
  | 'E_NETWORK' // a network description (DSL call or JSON file) is invalid
  | 'E_FILE' // a file cannot be read or written
  | 'E_NPY' // a .npy file is malformed or unsupported
  | 'E_SAFETENSORS' // a .safetensors file is malformed or unsupported
  | 'E_WEIGHTS' // weights do not match the network (missing/extra/mismatched names or shapes)
  | 'E_NAN' // NaN or infinity in weights or input
  | 'E_SHAPE' // a tensor has the wrong shape for its use
  | 'E_QUANT' // a fixed-point format or quantization setting is invalid
  | 'E_IR' // an IR invariant is violated (this is a bug unless the IR came from the user)
  | 'E_FOLD' // illegal folding (PE/SIMD) requested
  | 'E_TOOL' // an external tool is missing, too old, or failed
  | 'E_SIM' // a simulation failed or mismatched
  | 'E_DESIGN'; // a generated design folder is missing or inconsistent

/** Where a problem is: a file and/or a field path inside it (e.g. `layers[3].stride`). */
export interface DiagLocation {
  /** File path as the user gave it. */
  readonly file?: string;
  /** Dotted/bracketed path of the offending field, or a tensor name. */
  readonly field?: string;
  /** Source position, for DSL call sites. */
  readonly line?: number;
  readonly column?: number;
}

/** A user error: printed as one line (plus optional detail lines), non-zero exit, no stack trace. */
export class BnextError extends Error {
  /** Stable machine-readable code. */
  readonly code: DiagCode;
  /** Where the problem is, if known. */
  readonly location: DiagLocation;
  /** Extra lines (e.g. the full list of missing tensors). */
  readonly details: readonly string[];

  constructor(code: DiagCode, message: string, location: DiagLocation = {}, details: readonly string[] = []) {
    super(message);
    this.name = 'BnextError';
    this.code = code;
    this.location = location;
    this.details = details;
  }

  /** One-line-plus-details rendering used by the CLI. */
  format(): string {
    const where: string[] = [];
    if (this.location.file) where.push(this.location.file);
    if (this.location.line !== undefined) where.push(`line ${this.location.line}`);
    if (this.location.field) where.push(`field '${this.location.field}'`);
    const head = `error[${this.code}]${where.length ? ` ${where.join(', ')}` : ''}: ${this.message}`;
    return [head, ...this.details.map((d) => `  ${d}`)].join('\n');
  }

  /** JSON rendering for `--json` output. */
  toJSON(): { code: DiagCode; message: string; location: DiagLocation; details: readonly string[] } {
    return { code: this.code, message: this.message, location: this.location, details: this.details };
  }
}

/** Shorthand: throw a BnextError. */
export function fail(code: DiagCode, message: string, location: DiagLocation = {}, details: readonly string[] = []): never {
  throw new BnextError(code, message, location, details);
}
