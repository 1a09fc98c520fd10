import { isRecord, Problems, show } from '@cgar/common';

/**
 * How the loss of each sample is weighted by its supervision step:
 * - `per-sample` (default): the paper's `lambda^(t-1) / Z`, `Z` making the weights over `t = 1..nSup`
 *   average 1;
 * - `batch-scalar`: the official code's one scalar for the whole batch,
 *   `lambda ^ floor(mean(t - 1))` (the steps of the incoming carry), no normaliser;
 * - `uniform`: every weight 1 (the baseline without HSW);
 * - `adaptive`: per-step weights proportional to a statistic you observe per step index (mean loss or
 *   gradient norm at step `t`), normalised like `per-sample`; steps not yet observed follow `lambda`.
 *
 * @example
 * const mode: WeightingMode = 'per-sample';
 */
export type WeightingMode = 'per-sample' | 'batch-scalar' | 'uniform' | 'adaptive';

/**
 * Options of every weighting function. `nSup` is required: the normaliser depends on it.
 *
 * @example
 * const options: WeightingOptions = { nSup: 16, lambda: 0.7 };
 */
export interface WeightingOptions {
  /** Supervision steps per puzzle (`Nsup`, 16 in the paper): step indices run 1..nSup. */
  nSup: number;
  /** Default `per-sample`. */
  mode?: WeightingMode;
  /** Decay in (0, 1], default 0.7. */
  lambda?: number;
  /** `adaptive` only: per-step statistic, length `nSup`, `NaN` where not observed (for `supervisionWeights`). */
  stats?: ArrayLike<number>;
  /** `adaptive` only: EMA factor in [0, 1) for `observe`, default 0.9. */
  momentum?: number;
}

/** Options with defaults filled in, after validation. Internal. */
export interface ResolvedOptions {
  nSup: number;
  mode: WeightingMode;
  lambda: number;
  stats: ArrayLike<number> | undefined;
  momentum: number;
}

const MODES: readonly WeightingMode[] = ['per-sample', 'batch-scalar', 'uniform', 'adaptive'];
const KEYS = ['nSup', 'mode', 'lambda', 'stats', 'momentum'];

/** Validates options, reporting every problem at once, and fills in defaults. Internal. */
export function resolveOptions(
  options: unknown,
  where: string,
  extraKeys: readonly string[] = [],
): ResolvedOptions {
  const problems = new Problems();
  if (!isRecord(options)) {
    problems.type(`options is ${show(options)}, expected { nSup, mode?, lambda? }`);
    problems.throwIfAny(where, 'Pass options such as { nSup: 16, lambda: 0.7 }.');
  }
  const o = options as Record<string, unknown>;
  const { nSup, mode = 'per-sample', lambda = 0.7, stats, momentum } = o;
  if (typeof nSup !== 'number') problems.type(`options.nSup is ${show(nSup)}, expected a positive integer`);
  else if (!Number.isInteger(nSup) || nSup <= 0)
    problems.range(`options.nSup = ${show(nSup)} is not a positive integer`);
  if (!MODES.includes(mode as WeightingMode))
    problems.range(`options.mode = ${show(mode)} is not one of ${MODES.map((m) => `'${m}'`).join(', ')}`);
  if (typeof lambda !== 'number')
    problems.type(`options.lambda is ${show(lambda)}, expected a number in (0, 1]`);
  else if (!(lambda > 0 && lambda <= 1)) problems.range(`options.lambda = ${show(lambda)} is outside (0, 1]`);
  if (momentum !== undefined && !(typeof momentum === 'number' && momentum >= 0 && momentum < 1))
    problems.range(`options.momentum = ${show(momentum)} is outside [0, 1)`);
  if (mode !== 'adaptive') {
    for (const key of ['stats', 'momentum'] as const)
      if (o[key] !== undefined)
        problems.range(`options.${key} is only used in mode 'adaptive' (mode is ${show(mode)})`);
  }
  if (stats !== undefined) checkStats(stats, nSup, problems);
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key) && !extraKeys.includes(key))
      problems.range(`options has unknown key '${key}' (expected ${[...KEYS, ...extraKeys].join(', ')})`);
  }
  problems.throwIfAny(where, 'Pass options such as { nSup: 16, lambda: 0.7, mode: "per-sample" }.');
  return {
    nSup: nSup as number,
    mode: mode as WeightingMode,
    lambda: lambda as number,
    stats: stats as ArrayLike<number> | undefined,
    momentum: (momentum as number | undefined) ?? 0.9,
  };
}

function checkStats(stats: unknown, nSup: unknown, problems: Problems): void {
  const s = stats as ArrayLike<unknown>;
  if (typeof stats !== 'object' || stats === null || typeof s.length !== 'number') {
    problems.type(`options.stats is ${show(stats)}, expected an array of nSup numbers`);
    return;
  }
  if (typeof nSup === 'number' && s.length !== nSup)
    problems.range(`options.stats has length ${s.length}, expected nSup = ${nSup}`);
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (!(typeof v === 'number' && (Number.isNaN(v) || (v >= 0 && Number.isFinite(v))))) {
      problems.range(
        `options.stats[${i}] = ${show(v)} is not a finite number >= 0 (or NaN for not observed)`,
      );
      break;
    }
  }
}
