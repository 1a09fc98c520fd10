import { createCurriculum, deriveStages, paperSchedule, stagedSchedule } from '@cgar/curriculum';
import type { TrmConfig } from '@cgar/export';
import { createWeighting, type WeightingMode } from '@cgar/supervision';
import type { TrainerPlugin } from '@cgar/trainer';

export const CURRICULA = ['paper', 'none'] as const;
export const WEIGHTINGS = ['per-sample', 'batch-scalar', 'uniform'] as const;
export type CurriculumName = (typeof CURRICULA)[number];
export type WeightingName = (typeof WEIGHTINGS)[number];

/**
 * The CGAR plugins for a run: the progressive depth curriculum (the paper's stages for the
 * official depth, derived from the config's full depth otherwise) and the loss weighting.
 */
export function cgarPlugins(
  cfg: TrmConfig,
  steps: number,
  curriculum: CurriculumName,
  weighting: WeightingName,
): TrainerPlugin[] {
  const plugins: TrainerPlugin[] = [];
  if (curriculum === 'paper') {
    const schedule =
      cfg.n === 6 && cfg.T === 3 ? paperSchedule() : stagedSchedule(deriveStages({ n: cfg.n, T: cfg.T }));
    plugins.push(createCurriculum(schedule, { totalSteps: steps }) as TrainerPlugin);
  }
  if (weighting !== 'uniform') {
    plugins.push(createWeighting({ nSup: cfg.nSup, mode: weighting as WeightingMode }) as TrainerPlugin);
  }
  return plugins;
}
