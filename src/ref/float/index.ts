/** The float reference model: PyTorch eval-mode semantics of BNext / BNext-18, and its primitives. */
export * from './ops.js';
export * from './binconv.js';
export { forwardLayer, forwardLayerImages, lambdaClampedInEval } from './layers.js';
export type { ForwardLayerOptions, IntermediateHook, LayerContext, ModuleStage } from './layers.js';
export { bnParams, checkLayerWeights, defaultTemperatureThreshold, param } from './access.js';
export { checkImage, prepareFloat, runFloat, runFloatBatch, runLayers, runPrepared } from './model.js';
export type { FloatModel, RunFloatOptions, RunLayersHooks } from './model.js';
