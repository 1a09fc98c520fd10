export { closest } from './closest.js';
export type { Depth } from './depth.js';
export type { OrtModule, OrtSession, OrtTensor } from './ort.js';
export type { JsonValue, StepContext, TrainerPlugin } from './plugin.js';
export { errorFor, isRecord, type ProblemKind, Problems, show } from './problems.js';
export { createRng, deriveSeed, type Rng, type RngState } from './rng.js';
