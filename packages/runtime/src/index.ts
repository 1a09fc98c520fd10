export {
  type HostLoop,
  type HostRule,
  type HostStepOutputs,
  hostSteps,
  type RuleState,
  type SampleStep,
  type StepRunner,
  shouldHalt,
} from './host.js';
export { type GraphKind, type ModelConfig, SIGNATURES } from './models.js';
export { CELLS, digitsToString, encodePuzzles, VOCAB } from './puzzles.js';
export { Solver } from './solver.js';
export type {
  HaltedBy,
  HaltingFunction,
  HaltingRule,
  HaltingRules,
  HaltingState,
  Mode,
  ModelInput,
  ModelSource,
  OrtModule,
  OrtSession,
  OrtTensor,
  Platform,
  Puzzle,
  SolveResult,
  SolverOptions,
  TraceStep,
} from './types.js';
