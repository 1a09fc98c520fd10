export {
  analyticalBound,
  type BenchConfig,
  CONFIG_NAMES,
  CONFIGS,
  type ConfigName,
  CURRICULA,
  type CurriculumName,
  cgarPlugins,
  curriculumSchedule,
  isConfigName,
  pluginsFor,
  WEIGHTINGS,
  type WeightingName,
} from './configs.js';
export { type BenchData, benchData, type DataSpec } from './data.js';
export {
  DEFAULT_QUEUE,
  enqueue,
  formatStatus,
  JOB_OPTIONS,
  type JobStatus,
  jobStatus,
  queueIsEmpty,
  type SweepJobData,
  type SweepJobResult,
  waitForJobs,
} from './queue.js';
export { COMPRESSED_METRICS_FILE, compressRunLog, restoreRunLog } from './raw-log.js';
export {
  type ConnectOptions,
  connectRedis,
  findRedisServer,
  type LocalRedis,
  RedisUnreachableError,
  startLocalRedis,
} from './redis.js';
export { accuracySvg, htmlReport } from './report.js';
export {
  countsOf,
  EVAL_BATCH,
  type EvalCounts,
  type EvalShardJob,
  evalShard,
  type ShardedEvalMetrics,
  shardRanges,
  sumShards,
} from './shards.js';
export {
  CONTENTION_FACTOR,
  type ConfigSummary,
  type CurvePoint,
  type DepthSegment,
  exactAt,
  HELDOUT_FILE,
  type HeldoutFigures,
  type HeldoutSummary,
  OTHER_MACHINE_FACTOR,
  type RuleFigures,
  type RuleStat,
  type RunSummary,
  type Stat,
  stat,
  summarizeConfigs,
  summarizeRun,
} from './summary.js';
export {
  type DataSetting,
  type PlannedJob,
  parseSweep,
  planSweep,
  readSweepFile,
  type Sweep,
  settingDir,
} from './sweep-file.js';
export {
  fmtStat,
  markdownTable,
  TABLE_HEAD,
  TABLE_NOTES,
  type TableHeader,
  tableCells,
  USER_HEAD,
  userCells,
} from './table.js';
export { TABLE_FILES, writeTableFiles } from './table-files.js';
export {
  checkSpec,
  checkStored,
  type RunSpec,
  SweepConfigError,
  type TrainJob,
  type TrainOutcome,
  type TrainRunOptions,
  trainRun,
} from './train-run.js';
export { type SweepWorker, startWorker, type WorkerOptions } from './worker.js';
