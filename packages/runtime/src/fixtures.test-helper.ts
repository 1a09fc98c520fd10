// NOTE: shared test data; not exported from the package.
import { buildHaltingGraph, buildStepGraph, getPreset, initParams, type TrmConfig } from '@cgar/export';
import { generate } from '@cgar/tasks';

/** A small random-weight model whose random q-head makes samples halt at different steps. */
export function randomModel(overrides: Partial<TrmConfig> = {}, seed = 7) {
  const cfg = { ...getPreset('cpu-tiny'), hidden: 16, n: 2, T: 2, nSup: 6, ...overrides };
  const params = initParams(cfg, seed);
  const qw = params.get('inner.q_head.weight')!;
  for (let i = 0; i < qw.data.length; i++) qw.data[i] = Math.sin(i * 12.9898 + seed) * 2;
  params.get('inner.q_head.bias')!.data.fill(0);
  return {
    cfg,
    params,
    step: buildStepGraph(cfg, params).bytes,
    halting: buildHaltingGraph(cfg, params).bytes,
  };
}

/** Puzzle strings with a mix of givens. */
export function puzzles(count: number, seed = 1): string[] {
  return generate({ seed, count, minGivens: 22, maxGivens: 40 }).map((p) =>
    Array.from(p.puzzle, (d) => (d ? String(d) : '.')).join(''),
  );
}
