import type { ConfigName } from './configs.js';

/** One training run of the table. */
export interface RunId {
  readonly config: ConfigName;
  readonly seed: number;
}

/**
 * Splits `runs` into `jobs` lists whose total costs are as even as possible (the smallest
 * largest total; searched exhaustively for small tables, longest-first onto the least loaded list
 * otherwise), each list keeping the order of `runs`. Even lists finish together, so no run is timed
 * alone on an idle machine while the others were timed sharing it.
 *
 * @example
 * splitRuns(runs, 2, (r) => 1 / analyticalBound(r.config, cfg)); // two lists
 */
export function splitRuns(runs: readonly RunId[], jobs: number, cost: (r: RunId) => number): RunId[][] {
  const costs = runs.map(cost);
  const assign = jobs ** runs.length <= 200_000 ? exhaustive(costs, jobs) : longestFirst(costs, jobs);
  return Array.from({ length: jobs }, (_, j) => runs.filter((_, i) => assign[i] === j));
}

function longestFirst(costs: readonly number[], jobs: number): number[] {
  const loads = new Array<number>(jobs).fill(0);
  const assign = new Array<number>(costs.length).fill(0);
  const order = costs.map((c, i) => ({ c, i })).sort((a, b) => b.c - a.c || a.i - b.i);
  for (const { c, i } of order) {
    const j = loads.indexOf(Math.min(...loads));
    assign[i] = j;
    loads[j] = (loads[j] ?? 0) + c;
  }
  return assign;
}

function exhaustive(costs: readonly number[], jobs: number): number[] {
  let best = longestFirst(costs, jobs);
  let bestMax = maxLoad(costs, best, jobs);
  const assign = new Array<number>(costs.length).fill(0);
  const loads = new Array<number>(jobs).fill(0);
  const visit = (i: number, used: number): void => {
    if (Math.max(...loads) >= bestMax - 1e-12) return;
    if (i === costs.length) {
      best = [...assign];
      bestMax = Math.max(...loads);
      return;
    }
    // NOTE: lists are interchangeable, so run i goes to a used list or the first empty one only.
    for (let j = 0; j < Math.min(used + 1, jobs); j++) {
      assign[i] = j;
      loads[j] = (loads[j] ?? 0) + (costs[i] ?? 0);
      visit(i + 1, Math.max(used, j + 1));
      loads[j] = (loads[j] ?? 0) - (costs[i] ?? 0);
    }
  };
  visit(0, 0);
  return best;
}

function maxLoad(costs: readonly number[], assign: readonly number[], jobs: number): number {
  const loads = new Array<number>(jobs).fill(0);
  costs.forEach((c, i) => {
    loads[assign[i] ?? 0] = (loads[assign[i] ?? 0] ?? 0) + c;
  });
  return Math.max(...loads);
}
