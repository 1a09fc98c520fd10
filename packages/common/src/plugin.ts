// The plugin protocol, defined once: @cgar/trainer implements it, @cgar/curriculum and
// @cgar/supervision provide plugins for it (they bundle this package at build time, so they keep zero
// runtime dependencies), and any other training loop can call the same hooks.

import type { Depth } from './depth.js';

/**
 * Any value that survives `JSON.stringify` then `JSON.parse` unchanged.
 *
 * @example
 * const saved: JsonValue = { stage: 1, depth: [4, 2] };
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a training loop hands its plugins at every optimizer step. The loop owns the object; plugins
 * read the fields they need and fill the fields they own.
 *
 * @example
 * const ctx: StepContext = { step: 0, totalSteps: 1000, stepIndices: Int32Array.of(1, 1, 2) };
 */
export interface StepContext {
  /** 0-based optimizer step about to run (in `onStepStart`) or just run (in `onStepEnd`). */
  step: number;
  /** Optimizer steps planned for the whole run. */
  totalSteps: number;
  /** Recursion depth for this step: set by a curriculum plugin, read by the loop. */
  depth?: Depth;
  /** 0-based curriculum stage of this step: set by a curriculum plugin. */
  stage?: number;
  /** Per slot, the 1-based supervision-step index `t` being run (1 for a fresh puzzle): set by the loop. */
  stepIndices?: Int32Array;
  /** Per slot loss weight: filled by a weighting plugin, multiplied into each sample's loss by the loop. */
  weights?: Float32Array;
  /** Per slot unweighted loss of the step just run: set by the loop before `onStepEnd`. */
  sampleLosses?: Float32Array;
}

/**
 * The structural interface a trainer calls. Every hook is optional; a plain object literal qualifies.
 *
 * @example
 * const logger: TrainerPlugin = { name: 'log', onStepEnd: (ctx) => console.log(ctx.step) };
 */
export interface TrainerPlugin {
  readonly name: string;
  onStepStart?(ctx: StepContext): void;
  onStepEnd?(ctx: StepContext): void;
  /** A JSON-serialisable snapshot to save with a checkpoint. */
  state?(): JsonValue;
  /** Restores a snapshot made by `state()`; throws if it does not fit this plugin's configuration. */
  restore?(state: JsonValue): void;
}
