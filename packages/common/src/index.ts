export { closest } from './closest.js';
export type { JsonValue, StepContext, TrainerPlugin } from './plugin.js';
export { errorFor, isRecord, type ProblemKind, Problems, show } from './problems.js';
