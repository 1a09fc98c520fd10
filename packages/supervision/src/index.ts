export type { JsonValue, StepContext, TrainerPlugin } from '@cgar/common';
export type { WeightingMode, WeightingOptions } from './options.js';
export type { Weighting, WeightingState } from './weighting.js';
export { createWeighting } from './weighting.js';
export { batchScalarWeight, checkStepIndices, stepWeights, supervisionWeights } from './weights.js';
