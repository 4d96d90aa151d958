/** The float reference model: PyTorch eval-mode semantics of BNext / BNext-18, and its primitives. */
export * from './ops.js';
export * from './binconv.js';
export { forwardLayer, forwardLayerImages } from './layers.js';
export type { ForwardLayerOptions, ModuleStage } from './layers.js';
export { lambdaClampedInEval } from './context.js';
export type { IntermediateHook, LayerContext } from './context.js';
export { forwardModule } from './module.js';
export { bnParams, checkLayerWeights, defaultTemperatureThreshold, param } from './access.js';
export { checkImage, prepareFloat, runFloat, runFloatBatch, runLayers, runPrepared } from './model.js';
export type { FloatModel, RunFloatOptions, RunLayersHooks } from './model.js';
