import { Problems, show } from '@cgar/common';
import { checkDepth } from './depth.js';
import type { Depth, Schedule } from './types.js';

/**
 * The cost of one supervision step at a depth, in any unit (net applications, FLOPs, seconds).
 *
 * @example
 * const perCycle: CostModel = ({ n, T }) => T * n;
 */
export type CostModel = (depth: Depth) => number;

/**
 * docs/design.md section 3, the default: net applications per supervision step, counting a backward as two
 * forwards: `T(n+1)` forward plus `2(n+1)` for the back-propagated last cycle.
 *
 * @example
 * netApplications({ n: 6, T: 3 }); // 35
 */
export const netApplications: CostModel = ({ n, T }) => T * (n + 1) + 2 * (n + 1);

/**
 * Forward net applications only, `T(n+1)`: the count behind the paper's "41.4% fewer FLOPs".
 *
 * @example
 * forwardApplications({ n: 6, T: 3 }); // 21
 */
export const forwardApplications: CostModel = ({ n, T }) => T * (n + 1);

/**
 * FLOPs per supervision step: `base(depth)` net applications times the FLOPs of one forward application
 * of the network (for the whole batch, if you want per-batch figures).
 *
 * @example
 * const flops = flopsModel(2 * 5e6 * 97); // about 2 FLOPs per parameter per position
 * flops({ n: 2, T: 1 }); // 9 * 9.7e8
 */
export function flopsModel(flopsPerApplication: number, base: CostModel = netApplications): CostModel {
  if (
    !(
      typeof flopsPerApplication === 'number' &&
      flopsPerApplication > 0 &&
      Number.isFinite(flopsPerApplication)
    )
  )
    throw new RangeError(
      `flopsModel: flopsPerApplication = ${show(flopsPerApplication)} is not a positive number; pass the FLOPs of one forward pass of the network`,
    );
  return (depth) => base(depth) * flopsPerApplication;
}

/**
 * Cost of one supervision step at `depth` under `model`, checked to be a positive finite number.
 *
 * @example
 * stepCost({ n: 4, T: 2 }); // 20
 */
export function stepCost(depth: Depth, model: CostModel = netApplications): number {
  const problems = new Problems();
  checkDepth(depth, 'depth', problems);
  problems.throwIfAny('stepCost', 'Pass a depth { n, T } with positive integers.');
  const cost = model(depth);
  if (!(typeof cost === 'number' && cost > 0 && Number.isFinite(cost)))
    throw new RangeError(
      `stepCost: the cost model returned ${show(cost)} for depth (n=${depth.n}, T=${depth.T}); a cost must be a positive finite number`,
    );
  return cost;
}

/**
 * One row of `stageCosts`.
 *
 * @example
 * const row: StageCost = stageCosts(paperSchedule())[0]!; // { stage: 0, from: 0, until: 0.3, ..., cost: 9 }
 */
export interface StageCost extends Depth {
  readonly stage: number;
  /** Progress where the stage starts and ends. */
  readonly from: number;
  readonly until: number;
  /** Cost of one supervision step in this stage. */
  readonly cost: number;
  /** `(until - from) * cost`: this stage's part of `scheduleCost`. */
  readonly weighted: number;
}

/**
 * Per stage: its progress interval, the cost of one step at its depth, and its time-weighted share.
 *
 * @example
 * stageCosts(paperSchedule()).map((s) => s.cost); // [9, 20, 35]
 */
export function stageCosts(schedule: Schedule, model: CostModel = netApplications): StageCost[] {
  let from = 0;
  return schedule.stages.map((s, stage) => {
    const until = s.until ?? 1;
    const cost = stepCost(s, model);
    const row = { stage, n: s.n, T: s.T, from, until, cost, weighted: (until - from) * cost };
    from = until;
    return row;
  });
}

/**
 * Mean cost of one supervision step over the whole run, each stage weighted by the fraction of steps
 * it lasts: for the paper schedule `0.3*9 + 0.3*20 + 0.4*35 = 22.7` net applications.
 *
 * @example
 * scheduleCost(paperSchedule()); // 22.7
 */
export function scheduleCost(schedule: Schedule, model: CostModel = netApplications): number {
  return stageCosts(schedule, model).reduce((sum, s) => sum + s.weighted, 0);
}

/**
 * Compute bound on the speedup of a schedule over training at its full depth all along:
 * `cost(full) / scheduleCost(schedule)`. The paper schedule gives `35 / 22.7 = 1.54` by default.
 *
 * @example
 * expectedSpeedup(paperSchedule()); // 1.5418...
 */
export function expectedSpeedup(schedule: Schedule, model: CostModel = netApplications): number {
  return stepCost(schedule.evaluationDepth(), model) / scheduleCost(schedule, model);
}
