/** Public API of bnext-rtl. Everything not re-exported here is internal. */
export * from './diag.js';
export * from './dsl/network.js';
export * from './dsl/params.js';
export * from './dsl/builder.js';
export * from './dsl/zoo.js';
