export type { JsonValue, StepContext, TrainerPlugin } from '@cgar/common';
export type { CostModel, StageCost } from './cost.js';
export {
  expectedSpeedup,
  flopsModel,
  forwardApplications,
  netApplications,
  scheduleCost,
  stageCosts,
  stepCost,
} from './cost.js';
export type { Curriculum, CurriculumState, StageChangeEvent } from './curriculum.js';
export { createCurriculum } from './curriculum.js';
export { functionSchedule } from './function.js';
export { linearSchedule } from './linear.js';
export { progressOf } from './progress.js';
export {
  checkStages,
  deriveStages,
  PAPER_STAGES,
  paperSchedule,
  stagedSchedule,
  validateStages,
} from './stages.js';
export type { Depth, Progress, Schedule, Stage, StageDepth } from './types.js';
