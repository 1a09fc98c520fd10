import { Problems, show } from '@cgar/common';
import { type ResolvedOptions, resolveOptions, type WeightingOptions } from './options.js';

/** `lambda^k / Z` for k = 0..nSup-1, with Z their mean, so the table averages 1. */
function decayTable(lambda: number, nSup: number): Float64Array {
  const table = new Float64Array(nSup);
  let sum = 0;
  for (let k = 0; k < nSup; k++) sum += table[k] = lambda ** k;
  const z = sum / nSup;
  for (let k = 0; k < nSup; k++) table[k] = table[k]! / z;
  return table;
}

/** Adaptive table: observed statistics where present, the decay prior (scaled to match) elsewhere. */
function adaptiveTable(stats: ArrayLike<number> | undefined, lambda: number, nSup: number): Float64Array {
  const prior = decayTable(lambda, nSup);
  if (!stats) return prior;
  let observed = 0;
  let priorObserved = 0;
  for (let k = 0; k < nSup; k++) {
    const s = stats[k]!;
    if (!Number.isNaN(s)) {
      observed += s;
      priorObserved += prior[k]!;
    }
  }
  if (!(observed > 0)) return prior;
  const scale = observed / priorObserved;
  const table = new Float64Array(nSup);
  let sum = 0;
  for (let k = 0; k < nSup; k++) {
    const s = stats[k]!;
    sum += table[k] = Number.isNaN(s) ? prior[k]! * scale : s;
  }
  for (let k = 0; k < nSup; k++) table[k] = (table[k]! * nSup) / sum;
  return table;
}

/** Per-step table for resolved options. Internal. */
export function tableFor(o: ResolvedOptions): Float64Array {
  switch (o.mode) {
    case 'per-sample':
      return decayTable(o.lambda, o.nSup);
    case 'adaptive':
      return adaptiveTable(o.stats, o.lambda, o.nSup);
    case 'uniform':
      return new Float64Array(o.nSup).fill(1);
    case 'batch-scalar':
      return Float64Array.from({ length: o.nSup }, (_, k) => o.lambda ** k);
  }
}

/**
 * The weight of each supervision step, in float64: entry `t - 1` is the weight of step `t`. For
 * `per-sample`, `uniform` and `adaptive` the entries average exactly 1 (up to rounding). For
 * `batch-scalar`, entry `k` is the scalar a whole batch gets when `floor(mean(t - 1)) = k`.
 *
 * @example
 * stepWeights({ nSup: 3, lambda: 0.5 }); // Float64Array [1.714.., 0.857.., 0.428..] = [4, 2, 1] / (7/3)
 */
export function stepWeights(options: WeightingOptions): Float64Array {
  return tableFor(resolveOptions(options, 'stepWeights'));
}

/**
 * Throws unless `stepIndices` is an `Int32Array` of 1-based supervision steps in `1..nSup`; a
 * `RangeError` names each bad index and value (the first five, and how many in all).
 *
 * @example
 * checkStepIndices(Int32Array.of(1, 2, 16), 16); // passes
 */
export function checkStepIndices(stepIndices: Int32Array, nSup: number, where = 'checkStepIndices'): void {
  if (!(stepIndices instanceof Int32Array))
    throw new TypeError(
      `${where}: stepIndices is ${show(stepIndices)}, expected an Int32Array of 1-based supervision steps (Int32Array.from(steps))`,
    );
  const problems = new Problems();
  let bad = 0;
  for (let i = 0; i < stepIndices.length; i++) {
    const t = stepIndices[i]!;
    if (t < 1 || t > nSup) {
      bad++;
      if (bad <= 5) problems.range(`stepIndices[${i}] = ${t} is outside 1..${nSup} (nSup)`);
    }
  }
  if (bad > 5) problems.range(`... and ${bad - 5} more out-of-range step indices`);
  problems.throwIfAny(where, 'Pass the 1-based supervision step t of every slot (t = 1 for a fresh puzzle).');
}

/**
 * The official code's scalar weight: `lambda ^ floor(mean(t - 1))`, where `t - 1` is the number of
 * steps already run by each slot's incoming carry (0 for a fresh puzzle). 1 for an empty batch.
 *
 * @example
 * batchScalarWeight(Int32Array.of(1, 2, 3, 4), { nSup: 16 }); // 0.7 ** floor(1.5) = 0.7
 */
export function batchScalarWeight(stepIndices: Int32Array, options: Omit<WeightingOptions, 'mode'>): number {
  const o = resolveOptions({ ...options, mode: 'batch-scalar' }, 'batchScalarWeight');
  checkStepIndices(stepIndices, o.nSup, 'batchScalarWeight');
  if (stepIndices.length === 0) return 1;
  let carried = 0;
  for (let i = 0; i < stepIndices.length; i++) carried += stepIndices[i]! - 1;
  return o.lambda ** Math.floor(carried / stepIndices.length);
}

/**
 * Loss weight of every sample from its 1-based supervision step `t` (`stepIndices[i]`): multiply each
 * sample's loss by `weights[i]`, then average over the batch. Writes into `out` when given (same
 * length) and returns it.
 *
 * @example
 * const w = supervisionWeights(Int32Array.of(1, 1, 2, 16), { nSup: 16 });
 * // per-sample: 0.7^(t-1) / Z with Z = mean of 0.7^(k) over k = 0..15
 * const scalar = supervisionWeights(Int32Array.of(1, 3), { nSup: 16, mode: 'batch-scalar' }); // [0.7, 0.7]
 */
export function supervisionWeights(
  stepIndices: Int32Array,
  options: WeightingOptions,
  out?: Float32Array,
): Float32Array {
  const o = resolveOptions(options, 'supervisionWeights');
  return weightsFor(stepIndices, o, tableFor(o), out, 'supervisionWeights');
}

/** Weights from a precomputed table. Internal. */
export function weightsFor(
  stepIndices: Int32Array,
  o: ResolvedOptions,
  table: Float64Array,
  out: Float32Array | undefined,
  where: string,
): Float32Array {
  checkStepIndices(stepIndices, o.nSup, where);
  if (out !== undefined && !(out instanceof Float32Array && out.length === stepIndices.length))
    throw new RangeError(
      `${where}: out must be a Float32Array of length ${stepIndices.length} (one weight per slot), got ${show(out)}${out instanceof Float32Array ? ` of length ${out.length}` : ''}`,
    );
  const weights = out ?? new Float32Array(stepIndices.length);
  if (o.mode === 'batch-scalar') {
    let carried = 0;
    for (let i = 0; i < stepIndices.length; i++) carried += stepIndices[i]! - 1;
    return weights.fill(stepIndices.length === 0 ? 1 : table[Math.floor(carried / stepIndices.length)]!);
  }
  for (let i = 0; i < stepIndices.length; i++) weights[i] = table[stepIndices[i]! - 1]!;
  return weights;
}
