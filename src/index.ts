/** Public API of bnext-rtl. Everything not re-exported here is internal. */
export * from './diag.js';
export * from './dsl/network.js';
export * from './dsl/params.js';
export * from './dsl/builder.js';
export * from './dsl/zoo.js';
export * from './tensor.js';
export * from './weights/types.js';
export * from './io/npy.js';
export * from './io/safetensors.js';
export * from './weights/load.js';
export * from './weights/save.js';
export { readFileChecked, writeFileAtomic, writeFileAtomicWith } from './io/atomic.js';
export * from './dsl/count.js';
export * from './dsl/json.js';
export { runCli } from './cli/app.js';
