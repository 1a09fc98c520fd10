import type { Depth, JsonValue } from '@cgar/common';

// NOTE: `Depth` is @cgar/common's (bundled in at build time), the same declaration as @cgar/export's.
export type { Depth };

/**
 * One stage of a curriculum: depth `{ n, T }` while progress is below `until`. The last stage has no
 * `until` (it runs to the end of training).
 *
 * @example
 * const stages: Stage[] = [{ until: 0.5, n: 2, T: 1 }, { n: 6, T: 3 }];
 */
export interface Stage extends Depth {
  readonly until?: number;
}

/**
 * The depth a schedule gives for one point of training, with its 0-based stage.
 *
 * @example
 * const at: StageDepth = paperSchedule().depthAt(0.1); // { n: 2, T: 1, stage: 0 }
 */
export interface StageDepth extends Depth {
  readonly stage: number;
}

/**
 * Training progress: a fraction in [0, 1], `{ step, totalSteps }` (0-based step, `step <= totalSteps`),
 * or `{ epoch, totalEpochs }` (fractional epochs allowed).
 *
 * @example
 * const p: Progress = { step: 300, totalSteps: 1000 }; // same as 0.3
 */
export type Progress = number | { step: number; totalSteps: number } | { epoch: number; totalEpochs: number };

/**
 * A curriculum: maps training progress to a depth. Every schedule of this package has this shape.
 *
 * @example
 * const s: Schedule = paperSchedule();
 * s.depthAt({ step: 0, totalSteps: 100 }); // { n: 2, T: 1, stage: 0 }
 * s.evaluationDepth(); // { n: 6, T: 3 }: always evaluate at full depth
 */
export interface Schedule {
  /** How the schedule was built. */
  readonly kind: 'stages' | 'linear' | 'function';
  /** The stages, in order (for a function schedule: sampled on a grid, see `functionSchedule`). */
  readonly stages: readonly Stage[];
  /** Depth and stage for training at `progress`. */
  depthAt(progress: Progress): StageDepth;
  /** The full depth: the one to evaluate and serve at, whatever the training progress. */
  evaluationDepth(): Depth;
  /** A JSON description, stored in checkpoints to detect a resumed run with another schedule. */
  describe(): JsonValue;
}
