// NOTE: the root entry imports nothing from Node (browser-safe); checkpoint files and official-weight
// import are in `./node`.
// NOTE: the seeded generator and `Depth` are @cgar/common's, re-exported (the same declarations as
// @cgar/tasks' generator and @cgar/curriculum's `Depth`).
export { createRng, type Depth, deriveSeed, type Rng, type RngState } from '@cgar/common';
export type { Checkpoint } from './checkpoint-type.js';
export type { TrmConfig } from './config.js';
export { channelInter, headDim, LOSSES, MIXERS, seqLen, swigluWidth, tokenMixerInter } from './config.js';
export { nonFiniteTensors } from './finite.js';
export { headFlops, netCallsPerStep, netFlops, stepFlops } from './flops.js';
export {
  buildHaltingGraph,
  buildStepGraph,
  buildTrainGraph,
  sudokuValid,
  TRM_ADAMW,
  type TrainGraphOptions,
} from './graphs/build.js';
export {
  createNet,
  declareParams,
  embedInput,
  heads,
  initialCarry,
  type ParamValues,
  type StepOutputs,
  supervisionStep,
  trmLoss,
} from './graphs/trm.js';
export type { InitRule, ParamGroup, ParamSpec, TrmParams } from './params.js';
export {
  countParams,
  H_INIT,
  initialCarryData,
  initParams,
  L_INIT,
  paramSpecs,
  truncNormalFill,
} from './params.js';
export type { PresetName } from './presets.js';
export { getPreset, isPresetName, PRESET_NAMES, presets } from './presets.js';
export type { TensorsInput } from './safetensors.js';
export { decodeSafetensors, encodeSafetensors, SafetensorsError } from './safetensors.js';
export { CONFIG_FIELDS, defineConfig, diffConfigs, validateConfig } from './validate.js';
