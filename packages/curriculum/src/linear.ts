import { Problems, show } from '@cgar/common';
import { checkDepth } from './depth.js';
import { scheduleOver } from './stages.js';
import type { Depth, Schedule, Stage } from './types.js';

/** Progress values where `round(a + (b - a) * p / end)` steps up, for `a <= b`. */
function breakpoints(a: number, b: number, end: number): number[] {
  const out: number[] = [];
  for (let k = a; k < b; k++) out.push((end * (k + 0.5 - a)) / (b - a));
  return out;
}

/**
 * A linear ramp of depth from `from` at progress 0 to `to` at progress `end` (default 1), each of `n` and
 * `T` rounded to the nearest integer (halves round up). The result is an ordinary stage schedule: one
 * stage per distinct depth on the ramp, so costs, events and state work as for explicit stages.
 *
 * @example
 * const s = linearSchedule({ from: { n: 2, T: 1 }, to: { n: 6, T: 3 }, end: 0.8 });
 * s.depthAt(0); // { n: 2, T: 1, stage: 0 }
 * s.depthAt(0.8); // { n: 6, T: 3, stage: 5 }
 */
export function linearSchedule(options: { from: Depth; to: Depth; end?: number }): Schedule {
  const problems = new Problems();
  const { from, to, end = 1 } = options ?? ({} as typeof options);
  checkDepth(from, 'from', problems);
  checkDepth(to, 'to', problems);
  if (typeof end !== 'number') problems.type(`end is ${show(end)}, expected a fraction in (0, 1]`);
  else if (!(end > 0 && end <= 1)) problems.range(`end = ${show(end)} is outside (0, 1]`);
  for (const key of ['n', 'T'] as const) {
    if (from?.[key] > to?.[key])
      problems.range(`from.${key} = ${from[key]} is above to.${key} = ${to[key]}; a ramp only deepens`);
  }
  problems.throwIfAny('linearSchedule', 'Pass { from: { n, T }, to: { n, T }, end? } with from <= to.');

  const nBreaks = breakpoints(from.n, to.n, end);
  const tBreaks = breakpoints(from.T, to.T, end);
  const bounds = [...new Set([...nBreaks, ...tBreaks])].sort((x, y) => x - y);
  const count = (breaks: number[], p: number) => breaks.filter((b) => b <= p).length;
  const stages: Stage[] = [];
  let start = 0;
  for (const until of bounds) {
    stages.push({ until, n: from.n + count(nBreaks, start), T: from.T + count(tBreaks, start) });
    start = until;
  }
  stages.push({ n: to.n, T: to.T });
  return scheduleOver('linear', stages, to);
}
