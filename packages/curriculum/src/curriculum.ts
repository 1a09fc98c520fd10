import type { JsonValue, StepContext, TrainerPlugin } from '@cgar/common';
import { isRecord, Problems, show } from '@cgar/common';
import { progressOf } from './progress.js';
import type { Depth, Schedule, StageDepth } from './types.js';

/**
 * Sent when training enters a stage, including the first stage at the first step (`previousStage`
 * is then `null`). A run resumed with `restore` sends nothing for the stage it resumes in.
 *
 * @example
 * const log = (e: StageChangeEvent) => console.log(`stage ${e.stage}: n=${e.depth.n} T=${e.depth.T}`);
 */
export interface StageChangeEvent {
  readonly step: number;
  readonly progress: number;
  readonly stage: number;
  readonly depth: Depth;
  readonly previousStage: number | null;
  readonly previousDepth: Depth | null;
}

/**
 * What `Curriculum.state()` returns: plain JSON, to save with a checkpoint.
 *
 * @example
 * const saved: CurriculumState = JSON.parse(JSON.stringify(curriculum.state()));
 */
export type CurriculumState = {
  kind: 'cgar-curriculum';
  version: 1;
  /** Last step seen, or `null` before the first. */
  step: number | null;
  stage: number | null;
  totalSteps: number | null;
  schedule: JsonValue;
};

/**
 * A schedule with a position in a run: stage-change events and checkpoint state. It is a
 * `TrainerPlugin`: `onStepStart` sets `ctx.depth` and `ctx.stage`.
 *
 * @example
 * const c = createCurriculum(paperSchedule(), { totalSteps: 100 });
 * const { n, T } = c.advance(0); // { n: 2, T: 1, stage: 0 }
 */
export interface Curriculum extends TrainerPlugin {
  readonly schedule: Schedule;
  /** Stage of the last step seen, `null` before the first. */
  readonly stage: number | null;
  /** Depth and stage for 0-based optimizer `step`; sends a `StageChangeEvent` when the stage changes. */
  advance(step: number, totalSteps?: number): StageDepth;
  /** The full depth, for evaluation and serving: the same whatever the training progress. */
  evaluationDepth(): Depth;
  /** Adds a listener; returns a function that removes it. */
  onStageChange(listener: (event: StageChangeEvent) => void): () => void;
  onStepStart(ctx: StepContext): void;
  state(): CurriculumState;
  restore(state: JsonValue): void;
}

/**
 * Wraps a schedule for use inside a training loop, by hand (`advance`) or as a trainer plugin.
 * `options.totalSteps` fixes the run length; otherwise each call passes it (`ctx.totalSteps` for the
 * plugin hooks).
 *
 * @example
 * const curriculum = createCurriculum(paperSchedule(), {
 *   totalSteps: 1000,
 *   onStageChange: (e) => console.log(`step ${e.step}: stage ${e.stage} (n=${e.depth.n}, T=${e.depth.T})`),
 * });
 * for (let step = 0; step < 1000; step++) {
 *   const { n, T } = curriculum.advance(step);
 *   // run one supervision step at depth (n, T)
 * }
 */
export function createCurriculum(
  schedule: Schedule,
  options: { totalSteps?: number; onStageChange?: (event: StageChangeEvent) => void; name?: string } = {},
): Curriculum {
  const problems = new Problems();
  if (
    !isRecord(schedule) ||
    typeof schedule.depthAt !== 'function' ||
    typeof schedule.evaluationDepth !== 'function'
  )
    problems.type(`schedule is ${show(schedule)}, expected a Schedule (e.g. paperSchedule())`);
  const fixedTotal = options.totalSteps;
  if (fixedTotal !== undefined && (!Number.isInteger(fixedTotal) || fixedTotal <= 0))
    problems.range(`options.totalSteps = ${show(fixedTotal)} is not a positive integer`);
  problems.throwIfAny('createCurriculum', 'Pass a Schedule and optional { totalSteps, onStageChange }.');

  const listeners = new Set<(event: StageChangeEvent) => void>();
  if (options.onStageChange) listeners.add(options.onStageChange);
  let lastStep: number | null = null;
  let stage: number | null = null;
  let depth: Depth | null = null;
  let runTotal: number | null = fixedTotal ?? null;

  const totalFor = (totalSteps: number | undefined): number => {
    if (totalSteps !== undefined && runTotal !== null && totalSteps !== runTotal)
      throw new RangeError(
        `curriculum.advance: totalSteps = ${totalSteps} differs from the run's ${runTotal}; the stages would shift, so keep one run length (or create a new curriculum)`,
      );
    const total = totalSteps ?? runTotal ?? undefined;
    if (total === undefined)
      throw new TypeError('curriculum.advance: totalSteps is missing; pass it here or to createCurriculum');
    return total;
  };

  const curriculum: Curriculum = {
    name: options.name ?? 'curriculum',
    schedule,
    get stage() {
      return stage;
    },
    advance(step, totalSteps) {
      const total = totalFor(totalSteps);
      const progress = progressOf({ step, totalSteps: total }, 'curriculum.advance');
      const at = schedule.depthAt(progress);
      const event: StageChangeEvent | null =
        at.stage === stage
          ? null
          : {
              step,
              progress,
              stage: at.stage,
              depth: { n: at.n, T: at.T },
              previousStage: stage,
              previousDepth: depth,
            };
      lastStep = step;
      stage = at.stage;
      depth = { n: at.n, T: at.T };
      runTotal = total;
      if (event) for (const listener of listeners) listener(event);
      return at;
    },
    evaluationDepth: () => schedule.evaluationDepth(),
    onStageChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStepStart(ctx) {
      const at = curriculum.advance(ctx.step, ctx.totalSteps);
      ctx.depth = { n: at.n, T: at.T };
      ctx.stage = at.stage;
    },
    state: () => ({
      kind: 'cgar-curriculum',
      version: 1,
      step: lastStep,
      stage,
      totalSteps: runTotal,
      schedule: schedule.describe(),
    }),
    restore(saved) {
      const s = checkState(saved, schedule, fixedTotal);
      lastStep = s.step;
      stage = s.stage;
      runTotal = s.totalSteps;
      depth = null;
      if (s.step !== null && s.totalSteps !== null) {
        const at = schedule.depthAt({ step: s.step, totalSteps: s.totalSteps });
        depth = { n: at.n, T: at.T };
      }
    },
  };
  return curriculum;
}

function checkState(saved: JsonValue, schedule: Schedule, fixedTotal: number | undefined): CurriculumState {
  const where = 'curriculum.restore';
  if (!isRecord(saved) || saved.kind !== 'cgar-curriculum' || saved.version !== 1)
    throw new TypeError(
      `${where}: state is not a curriculum state (version 1); pass what curriculum.state() returned`,
    );
  const s = saved as CurriculumState;
  const now = JSON.stringify(schedule.describe());
  if (JSON.stringify(s.schedule) !== now)
    throw new Error(
      `${where}: the state was saved with another schedule (${JSON.stringify(s.schedule)}, now ${now}); resume with the same schedule or start a new run`,
    );
  if (fixedTotal !== undefined && s.totalSteps !== null && s.totalSteps !== fixedTotal)
    throw new Error(
      `${where}: the state was saved for totalSteps = ${s.totalSteps}, this curriculum has ${fixedTotal}; the stages would shift, so resume with the same run length`,
    );
  if (s.step !== null && s.totalSteps !== null) {
    const at = schedule.depthAt({ step: s.step, totalSteps: s.totalSteps });
    if (at.stage !== s.stage)
      throw new Error(
        `${where}: the state says stage ${s.stage} at step ${s.step}, the schedule says ${at.stage}`,
      );
  }
  return s;
}
