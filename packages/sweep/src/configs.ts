import {
  createCurriculum,
  deriveStages,
  expectedSpeedup,
  paperSchedule,
  type Schedule,
  stagedSchedule,
} from '@cgar/curriculum';
import type { TrmConfig } from '@cgar/export';
import { createWeighting } from '@cgar/supervision';
import type { TrainerPlugin } from '@cgar/trainer';

/** One row of the table: which CGAR parts are on. */
export interface BenchConfig {
  readonly label: string;
  /** Progressive depth curriculum (PDC) on. */
  readonly pdc: boolean;
  /** Hierarchical supervision weighting (HSW). */
  readonly weighting: WeightingName;
  /** Many seeds (`--seeds`) or few (`--other-seeds`). */
  readonly main: boolean;
  /** What halts a training slot early (the trainer's `trainHalt`; unset: the official `q_halt`). */
  readonly trainHalt?: 'q_halt' | 'correct';
  /** Whether the supervision weights also multiply the halting BCE (unset: true, the paper's form). */
  readonly weightHalting?: boolean;
}

/** The five configurations of issue 7, in table order. */
export const CONFIGS = {
  baseline: {
    label: 'TRM baseline (fixed depth, uniform weights)',
    pdc: false,
    weighting: 'uniform',
    main: true,
  },
  pdc: { label: 'PDC only', pdc: true, weighting: 'uniform', main: false },
  hsw: { label: 'HSW only (per-sample)', pdc: false, weighting: 'per-sample', main: false },
  cgar: { label: 'CGAR (PDC + per-sample HSW)', pdc: true, weighting: 'per-sample', main: true },
  'cgar-official': {
    label: 'CGAR, official batch-scalar HSW',
    pdc: true,
    weighting: 'batch-scalar',
    main: false,
  },
  'baseline-correct': {
    label: 'TRM baseline, training slots halt when right',
    pdc: false,
    weighting: 'uniform',
    main: true,
    trainHalt: 'correct',
  },
  'pdc-correct': {
    label: 'PDC only (uniform weights), training slots halt when right',
    pdc: true,
    weighting: 'uniform',
    main: true,
    trainHalt: 'correct',
  },
  'cgar-correct': {
    label: 'CGAR, training slots halt when right',
    pdc: true,
    weighting: 'per-sample',
    main: false,
    trainHalt: 'correct',
  },
  'cgar-correct-lm': {
    label: 'CGAR, slots halt when right, HSW on the cross-entropy only',
    pdc: true,
    weighting: 'per-sample',
    main: true,
    trainHalt: 'correct',
    weightHalting: false,
  },
  'cgar-official-correct-lm': {
    label: 'CGAR with the official batch-scalar HSW, slots halt when right, HSW on the cross-entropy only',
    pdc: true,
    weighting: 'batch-scalar',
    main: false,
    trainHalt: 'correct',
    weightHalting: false,
  },
  'cgar-adaptive-correct-lm': {
    label:
      'CGAR with adaptive HSW (weights follow the mean loss of each step), slots halt when right, HSW on the cross-entropy only',
    pdc: true,
    weighting: 'adaptive',
    main: false,
    trainHalt: 'correct',
    weightHalting: false,
  },
} as const satisfies Record<string, BenchConfig>;

export type ConfigName = keyof typeof CONFIGS;
export const CONFIG_NAMES = Object.keys(CONFIGS) as ConfigName[];

export function isConfigName(name: string): name is ConfigName {
  return Object.hasOwn(CONFIGS, name);
}

/**
 * The depth schedule PDC uses for a model: the paper's stages at the official depth (6, 3),
 * the official code's derived stages otherwise (what `cgar train --curriculum paper` does).
 *
 * @example
 * curriculumSchedule(getPreset('cpu-small')).stages.length; // 3
 */
export function curriculumSchedule(cfg: TrmConfig): Schedule {
  return cfg.n === 6 && cfg.T === 3 ? paperSchedule() : stagedSchedule(deriveStages({ n: cfg.n, T: cfg.T }));
}

/** `cgar train --curriculum`: the paper's progressive depth curriculum, or none. */
export const CURRICULA = ['paper', 'none'] as const;
/** `cgar train --weighting`: the supervision weighting modes a run can use. */
export const WEIGHTINGS = ['per-sample', 'batch-scalar', 'uniform', 'adaptive'] as const;
export type CurriculumName = (typeof CURRICULA)[number];
export type WeightingName = (typeof WEIGHTINGS)[number];

/**
 * The CGAR plugins for a run of `steps` optimizer steps, in the order the trainer calls them: the
 * progressive depth curriculum ({@link curriculumSchedule}), then the loss weighting. The one
 * recipe behind `cgar train`, `cgar demo` and every row of the CGAR table.
 *
 * @example
 * const plugins = cgarPlugins(getPreset('cpu-small'), 800, 'paper', 'per-sample'); // curriculum, weighting
 */
export function cgarPlugins(
  cfg: TrmConfig,
  steps: number,
  curriculum: CurriculumName,
  weighting: WeightingName,
): TrainerPlugin[] {
  const plugins: TrainerPlugin[] = [];
  if (curriculum === 'paper') plugins.push(createCurriculum(curriculumSchedule(cfg), { totalSteps: steps }));
  if (weighting !== 'uniform') plugins.push(createWeighting({ nSup: cfg.nSup, mode: weighting }));
  return plugins;
}

/**
 * The trainer plugins of a configuration for a run of `steps` optimizer steps.
 *
 * @example
 * const plugins = pluginsFor('cgar', getPreset('cpu-small'), 800); // curriculum, then weighting
 */
export function pluginsFor(name: ConfigName, cfg: TrmConfig, steps: number): TrainerPlugin[] {
  const c: BenchConfig = CONFIGS[name];
  return cgarPlugins(cfg, steps, c.pdc ? 'paper' : 'none', c.weighting);
}

/**
 * Compute bound on the speedup over the baseline from the cost model (SPEC section 3): 1.54x for
 * the paper schedule, 1 without PDC (HSW changes no compute).
 *
 * @example
 * analyticalBound('pdc', getPreset('cpu-small')); // 1.5418...
 */
export function analyticalBound(name: ConfigName, cfg: TrmConfig): number {
  return CONFIGS[name].pdc ? expectedSpeedup(curriculumSchedule(cfg)) : 1;
}
