export { Ema, emaDecay } from './ema.js';
export { type EvalMetrics, type EvalOptions, type EvalResult, evaluate } from './evaluate.js';
export {
  applyHaltingRule,
  calibrateHalting,
  type HaltingCalibration,
  type HaltingPoint,
  type HaltingRuleSpec,
  type HaltingTrace,
  haltingAt,
  haltingStep,
  STANDARD_RULES,
} from './halting.js';
export {
  collectOptionProblems,
  type ExecutionProvider,
  optionProblems,
  type TrainerOptions,
} from './options.js';
export type { JsonValue, StepContext, TrainerPlugin } from './plugin.js';
export { checkProvider, sessionOptions } from './providers.js';
export { type EvalRecord, readMetrics, renderReport, type StepRecord, stageBands } from './report.js';
export {
  CHECKPOINT_FILE,
  METRICS_FILE,
  type RunOptions,
  type RunResult,
  runTraining,
  type TrainProgress,
} from './run.js';
export {
  checkResumable,
  checkRunFolder,
  LOCK_FILE,
  lockRunFolder,
  RunFolderError,
  readJsonLines,
  removeStaleTemps,
  runFolderState,
} from './run-folder.js';
export { type LrSchedule, learningRate } from './schedule.js';
export { explorationMinimum, Slots } from './slots.js';
export { rocAuc, type StepIndexFigures, StepIndexStats } from './stats.js';
export { type Band, barChart, htmlPage, lineChart, type Series } from './svg.js';
export { NonFiniteLossError, type StepMetrics, Trainer } from './trainer.js';
