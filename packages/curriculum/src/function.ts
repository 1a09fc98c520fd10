import { Problems, show } from '@cgar/common';
import { checkDepth } from './depth.js';
import { progressOf } from './progress.js';
import { scheduleOver, stageIndexAt } from './stages.js';
import type { Depth, Progress, Schedule, Stage, StageDepth } from './types.js';

/**
 * A schedule from your own function of progress `p` in [0, 1]. `depthAt` calls `fn` at the exact
 * progress. The function is also sampled once at `p = i / samples` (`i = 0..samples`, default 1000)
 * to check it and to build `stages`: stage `k` is the `k`-th run of equal depths on that grid, which
 * gives the stage numbers, the events and the cost model. The evaluation depth is `options.full`,
 * default `fn(1)`.
 *
 * @example
 * const s = functionSchedule((p) => (p < 0.5 ? { n: 3, T: 1 } : { n: 6, T: 2 }));
 * s.depthAt(0.75); // { n: 6, T: 2, stage: 1 }
 */
export function functionSchedule(
  fn: (p: number) => Depth,
  options: { full?: Depth; samples?: number } = {},
): Schedule {
  const problems = new Problems();
  const { samples = 1000 } = options;
  if (typeof fn !== 'function') problems.type(`fn is ${show(fn)}, expected a function (p) => ({ n, T })`);
  if (!Number.isInteger(samples) || samples < 1)
    problems.range(`samples = ${show(samples)} is not a positive integer`);
  if (options.full !== undefined) checkDepth(options.full, 'options.full', problems);
  problems.throwIfAny(
    'functionSchedule',
    'Pass a function (p) => ({ n, T }) and optional { full, samples }.',
  );

  const stages: Stage[] = [];
  let current: Depth | undefined;
  for (let i = 0; i <= samples; i++) {
    const p = i / samples;
    const d = fn(p);
    checkDepth(d, `fn(${p})`, problems);
    if (problems.messages.length >= 5) break;
    if (current && (d.n !== current.n || d.T !== current.T)) stages.push({ until: p, ...current });
    if (!current || d.n !== current.n || d.T !== current.T) current = { n: d.n, T: d.T };
  }
  problems.throwIfAny(
    'functionSchedule',
    'The function must return { n, T } with positive integers for every p in [0, 1].',
  );
  stages.push({ ...current! });
  const full = options.full ?? fn(1);
  const base = scheduleOver('function', stages, full);
  return {
    ...base,
    depthAt(progress: Progress): StageDepth {
      const p = progressOf(progress, 'function schedule: depthAt');
      const d = fn(p);
      const check = new Problems();
      checkDepth(d, `fn(${p})`, check);
      check.throwIfAny(
        'function schedule: depthAt',
        'The function must return { n, T } with positive integers.',
      );
      return { n: d.n, T: d.T, stage: stageIndexAt(base.stages, p) };
    },
  };
}
