import type { JsonValue } from '@cgar/common';
import { isRecord, Problems, show } from '@cgar/common';
import { checkDepth } from './depth.js';
import { progressOf } from './progress.js';
import type { Depth, Progress, Schedule, Stage, StageDepth } from './types.js';

function collectStageProblems(stages: unknown, problems: Problems): void {
  if (!Array.isArray(stages)) {
    problems.type(`stages is ${show(stages)}, expected an array of { until?, n, T }`);
    return;
  }
  if (stages.length === 0) problems.range('stages is empty; give at least one stage, the last without until');
  let previous = 0;
  stages.forEach((stage: unknown, i) => {
    const label = `stages[${i}]`;
    checkDepth(stage, label, problems, ['until', 'n', 'T']);
    if (!isRecord(stage)) return;
    const until = stage.until;
    const last = i === stages.length - 1;
    if (last) {
      if (until !== undefined)
        problems.range(
          `${label} is the last stage but has until = ${show(until)}; omit it (the last stage is open-ended)`,
        );
    } else if (until === undefined) {
      problems.range(`${label} has no until; only the last stage may be open-ended`);
    } else if (typeof until !== 'number') {
      problems.type(`${label}.until is ${show(until)}, expected a fraction in (0, 1]`);
    } else if (!(until > 0 && until <= 1)) {
      problems.range(`${label}.until = ${show(until)} is outside (0, 1]`);
    } else {
      if (until <= previous)
        problems.range(
          `${label}.until = ${until} is not above the previous until = ${previous}; order the stages`,
        );
      previous = Math.max(previous, until);
    }
  });
}

/**
 * Every problem of a stage list, as messages (empty when valid). Does not throw.
 *
 * @example
 * checkStages([{ until: 0.6, n: 2, T: 1 }, { until: 0.3, n: 4, T: 2 }, { n: 6, T: 3 }]);
 * // ['stages[1].until = 0.3 is not above the previous until = 0.6; order the stages']
 */
export function checkStages(stages: unknown): string[] {
  const problems = new Problems();
  collectStageProblems(stages, problems);
  return problems.messages;
}

/**
 * Throws one `RangeError` (a `TypeError` if every problem is a wrong kind) listing every problem of a
 * stage list: stages out of order, `until` outside (0, 1], depths that are not positive integers, a
 * missing `until` before the last stage, a last stage that is not open-ended, unknown keys.
 *
 * @example
 * validateStages([{ until: 0.3, n: 2, T: 1 }, { n: 6, T: 3 }]); // passes
 */
export function validateStages(stages: unknown, where = 'validateStages'): asserts stages is Stage[] {
  const problems = new Problems();
  collectStageProblems(stages, problems);
  problems.throwIfAny(where, 'Write stages as [{ until: 0.3, n: 2, T: 1 }, ..., { n: 6, T: 3 }].');
}

/** Builds a schedule over already-validated stages. Internal. */
export function scheduleOver(kind: Schedule['kind'], stages: readonly Stage[], full: Depth): Schedule {
  const frozen = Object.freeze(stages.map((s) => Object.freeze({ ...s })));
  const fullDepth = Object.freeze({ n: full.n, T: full.T });
  return {
    kind,
    stages: frozen,
    depthAt(progress: Progress): StageDepth {
      const p = progressOf(progress, `${kind} schedule: depthAt`);
      const stage = stageIndexAt(frozen, p);
      const { n, T } = frozen[stage]!;
      return { n, T, stage };
    },
    evaluationDepth: () => fullDepth,
    describe: () => ({
      kind,
      stages: frozen.map(
        (s): JsonValue => (s.until === undefined ? { n: s.n, T: s.T } : { until: s.until, n: s.n, T: s.T }),
      ),
      full: { n: fullDepth.n, T: fullDepth.T },
    }),
  };
}

/** Index of the first stage with `p < until`, else the last. Internal. */
export function stageIndexAt(stages: readonly Stage[], p: number): number {
  for (let i = 0; i < stages.length - 1; i++) if (p < stages[i]!.until!) return i;
  return stages.length - 1;
}

/**
 * A schedule from an explicit stage list: stage `i` runs while `progress < stages[i].until`, so at a
 * boundary (progress exactly `until`) the next stage has started. The evaluation depth is the last
 * stage's depth unless `options.full` says otherwise.
 *
 * @example
 * const s = stagedSchedule([{ until: 0.5, n: 2, T: 1 }, { n: 6, T: 3 }]);
 * s.depthAt({ step: 50, totalSteps: 100 }); // { n: 6, T: 3, stage: 1 }
 */
export function stagedSchedule(stages: readonly Stage[], options: { full?: Depth } = {}): Schedule {
  const problems = new Problems();
  collectStageProblems(stages, problems);
  if (options.full !== undefined) checkDepth(options.full, 'options.full', problems);
  problems.throwIfAny('stagedSchedule', 'Write stages as [{ until: 0.3, n: 2, T: 1 }, ..., { n: 6, T: 3 }].');
  const last = stages[stages.length - 1]!;
  return scheduleOver('stages', stages, options.full ?? last);
}

/**
 * The three stages of the official CGAR code for a full depth `{ n, T }`:
 * `(max(2, ceil(n/3)), max(1, ceil(T/3)))` before `bounds[0]`, `(ceil(2n/3), ceil(2T/3))` before
 * `bounds[1]`, then `{ n, T }`. NOTE: the official formula gives `n = 2` in the first stage even when
 * the full `n` is 1; here no stage is deeper than the full depth.
 *
 * @example
 * deriveStages({ n: 6, T: 3 });
 * // [{ until: 0.3, n: 2, T: 1 }, { until: 0.6, n: 4, T: 2 }, { n: 6, T: 3 }]
 */
export function deriveStages(full: Depth, bounds: readonly [number, number] = [0.3, 0.6]): Stage[] {
  const problems = new Problems();
  checkDepth(full, 'full', problems);
  problems.throwIfAny(
    'deriveStages',
    'Pass the full depth as { n, T } with positive integers, e.g. { n: 6, T: 3 }.',
  );
  const { n, T } = full;
  const stages: Stage[] = [
    {
      until: bounds[0],
      n: Math.min(n, Math.max(2, Math.ceil(n / 3))),
      T: Math.min(T, Math.max(1, Math.ceil(T / 3))),
    },
    { until: bounds[1], n: Math.ceil((2 * n) / 3), T: Math.ceil((2 * T) / 3) },
    { n, T },
  ];
  validateStages(stages, 'deriveStages');
  return stages;
}

/**
 * The CGAR paper's schedule: `(n, T) = (2, 1)` for progress below 0.3, `(4, 2)` below 0.6, then `(6, 3)`.
 *
 * @example
 * stagedSchedule(PAPER_STAGES).evaluationDepth(); // { n: 6, T: 3 }
 */
export const PAPER_STAGES: readonly Stage[] = Object.freeze([
  Object.freeze({ until: 0.3, n: 2, T: 1 }),
  Object.freeze({ until: 0.6, n: 4, T: 2 }),
  Object.freeze({ n: 6, T: 3 }),
]);

/**
 * The CGAR paper's schedule (`PAPER_STAGES`) as a ready `Schedule`.
 *
 * @example
 * paperSchedule().depthAt(0.3); // { n: 4, T: 2, stage: 1 }
 */
export function paperSchedule(): Schedule {
  return stagedSchedule(PAPER_STAGES);
}
