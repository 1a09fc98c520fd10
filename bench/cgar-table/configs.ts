// NOTE: the configurations live in @cgar/sweep (packages/sweep/src/configs.ts), so `cgar sweep`
// and its workers train the very same rows; add or change a configuration there.
export {
  analyticalBound,
  type BenchConfig,
  CONFIG_NAMES,
  CONFIGS,
  type ConfigName,
  curriculumSchedule,
  isConfigName,
  pluginsFor,
} from '@cgar/sweep';
