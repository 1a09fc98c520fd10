import type { JsonValue, StepContext, TrainerPlugin } from '@cgar/common';
import { isRecord, show } from '@cgar/common';
import { resolveOptions, type WeightingMode, type WeightingOptions } from './options.js';
import { checkStepIndices, tableFor, weightsFor } from './weights.js';

/**
 * What `Weighting.state()` returns: plain JSON, to save with a checkpoint. `ema` and `updates` hold the
 * adaptive statistics (empty in other modes).
 *
 * @example
 * const saved: WeightingState = JSON.parse(JSON.stringify(weighting.state()));
 */
export type WeightingState = {
  kind: 'cgar-supervision';
  version: 1;
  mode: WeightingMode;
  lambda: number;
  nSup: number;
  ema: number[];
  updates: number[];
};

/**
 * A configured weighting, for a loop by hand (`weights`, `observe`) or as a `TrainerPlugin`:
 * `onStepStart` fills `ctx.weights` from `ctx.stepIndices`; in `adaptive` mode `onStepEnd` observes
 * `ctx.sampleLosses` (unless `observe: 'manual'`).
 *
 * @example
 * const w = createWeighting({ nSup: 16 });
 * w.weights(Int32Array.of(1, 2, 3)); // Float32Array of 3 weights
 */
export interface Weighting extends TrainerPlugin {
  readonly mode: WeightingMode;
  readonly lambda: number;
  readonly nSup: number;
  /** One weight per slot, written into `out` when given. */
  weights(stepIndices: Int32Array, out?: Float32Array): Float32Array;
  /** The current per-step table (see `stepWeights`). */
  table(): Float64Array;
  /** `adaptive` only: records per-slot `values` (loss, gradient norm) under each slot's step index. */
  observe(stepIndices: Int32Array, values: ArrayLike<number>): void;
  onStepStart(ctx: StepContext): void;
  onStepEnd(ctx: StepContext): void;
  state(): WeightingState;
  restore(state: JsonValue): void;
}

/**
 * Builds a weighting from options (validated at once, every problem reported). In `adaptive` mode the
 * per-step statistic is a bias-corrected EMA (factor `momentum`) of the per-step means passed to
 * `observe`; the weight of step `t` is its statistic over the mean statistic.
 *
 * @example
 * const hsw = createWeighting({ nSup: 16, lambda: 0.7 });
 * // in the loop, per optimizer step:
 * const weights = hsw.weights(stepIndices); // stepIndices: Int32Array of each slot's t (1 = fresh)
 * // loss = sum_i weights[i] * loss_i / B
 */
export function createWeighting(
  options: WeightingOptions & { observe?: 'sampleLosses' | 'manual'; name?: string },
): Weighting {
  const o = resolveOptions(options, 'createWeighting', ['observe', 'name']);
  const source = options.observe ?? 'sampleLosses';
  if (source !== 'sampleLosses' && source !== 'manual')
    throw new RangeError(
      `createWeighting: options.observe = ${show(source)} is not 'sampleLosses' or 'manual'`,
    );
  if (options.observe !== undefined && o.mode !== 'adaptive')
    throw new RangeError(
      `createWeighting: options.observe is only used in mode 'adaptive' (mode is '${o.mode}')`,
    );
  const ema = new Float64Array(o.nSup);
  const updates = new Float64Array(o.nSup);
  for (let k = 0; o.stats && k < o.nSup; k++) {
    if (Number.isNaN(o.stats[k]!)) continue;
    ema[k] = o.stats[k]!;
    updates[k] = -1;
  }
  let table = tableFor(o);

  const refresh = () => {
    // NOTE: updates[k] = -1 marks a statistic seeded from options.stats: no bias correction.
    const stats = Array.from(ema, (e, k) => {
      const u = updates[k]!;
      return u === 0 ? Number.NaN : u < 0 ? e : e / (1 - o.momentum ** u);
    });
    table = tableFor({ ...o, stats });
  };

  const w: Weighting = {
    name: options.name ?? 'supervision',
    mode: o.mode,
    lambda: o.lambda,
    nSup: o.nSup,
    weights: (stepIndices, out) => weightsFor(stepIndices, o, table, out, 'weighting.weights'),
    table: () => table.slice(),
    observe(stepIndices, values) {
      if (o.mode !== 'adaptive')
        throw new Error(`weighting.observe: only mode 'adaptive' observes statistics (mode is '${o.mode}')`);
      checkStepIndices(stepIndices, o.nSup, 'weighting.observe');
      if (values?.length !== stepIndices.length)
        throw new RangeError(
          `weighting.observe: values has length ${values?.length}, expected ${stepIndices.length} (one per slot)`,
        );
      const sum = new Float64Array(o.nSup);
      const count = new Float64Array(o.nSup);
      for (let i = 0; i < stepIndices.length; i++) {
        const v = values[i]!;
        if (!(v >= 0 && Number.isFinite(v)))
          throw new RangeError(`weighting.observe: values[${i}] = ${show(v)} is not a finite number >= 0`);
        sum[stepIndices[i]! - 1]! += v;
        count[stepIndices[i]! - 1]! += 1;
      }
      for (let k = 0; k < o.nSup; k++) {
        if (count[k] === 0) continue;
        const mean = sum[k]! / count[k]!;
        ema[k] = o.momentum * ema[k]! + (1 - o.momentum) * mean;
        if (updates[k]! >= 0) updates[k] = updates[k]! + 1;
      }
      refresh();
    },
    onStepStart(ctx) {
      if (!(ctx.stepIndices instanceof Int32Array))
        throw new TypeError(
          `${w.name}.onStepStart: ctx.stepIndices is ${show(ctx.stepIndices)}; the loop must set an Int32Array of each slot's 1-based supervision step`,
        );
      const reuse = ctx.weights?.length === ctx.stepIndices.length ? ctx.weights : undefined;
      ctx.weights = w.weights(ctx.stepIndices, reuse);
    },
    onStepEnd(ctx) {
      if (o.mode !== 'adaptive' || source === 'manual') return;
      if (!(ctx.sampleLosses instanceof Float32Array) || !(ctx.stepIndices instanceof Int32Array))
        throw new TypeError(
          `${w.name}.onStepEnd: adaptive mode needs ctx.stepIndices and ctx.sampleLosses (per-slot unweighted loss); set them, or create the weighting with observe: 'manual' and call observe yourself`,
        );
      w.observe(ctx.stepIndices, ctx.sampleLosses);
    },
    state: () => ({
      kind: 'cgar-supervision',
      version: 1,
      mode: o.mode,
      lambda: o.lambda,
      nSup: o.nSup,
      ema: Array.from(ema),
      updates: Array.from(updates),
    }),
    restore(saved) {
      if (!isRecord(saved) || saved.kind !== 'cgar-supervision' || saved.version !== 1)
        throw new TypeError(
          'weighting.restore: state is not a weighting state (version 1); pass what state() returned',
        );
      const s = saved as WeightingState;
      if (s.mode !== o.mode || s.lambda !== o.lambda || s.nSup !== o.nSup)
        throw new Error(
          `weighting.restore: the state was saved with mode '${s.mode}', lambda ${s.lambda}, nSup ${s.nSup}; this weighting has '${o.mode}', ${o.lambda}, ${o.nSup}. Resume with the same options`,
        );
      if (
        !Array.isArray(s.ema) ||
        s.ema.length !== o.nSup ||
        !Array.isArray(s.updates) ||
        s.updates.length !== o.nSup
      )
        throw new RangeError(`weighting.restore: ema and updates must be arrays of nSup = ${o.nSup} numbers`);
      ema.set(s.ema);
      updates.set(s.updates);
      if (o.mode === 'adaptive') refresh();
    },
  };
  return w;
}
