/** Verilog names for IR nodes: lower_snake_case, unique, legal identifiers. */

/** `feature.1.Attention/conv_mvau` -> `feature_1_attention_conv_mvau`. */
export function verilogName(id: string): string {
  const s = id
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  return /^[a-z]/.test(s) ? s : `n_${s}`;
}
