/**
 * The hooks the trainer calls; `@cgar/curriculum` and `@cgar/supervision` plugins have this
 * shape, and so can a user's own plugin.
 */
export interface StepContext {
  /** 0-based optimizer step about to run (in `onStepStart`) or just run (in `onStepEnd`). */
  step: number;
  totalSteps: number;
  /** Recursion depth of this step; a curriculum plugin sets it (full depth otherwise). */
  depth?: { n: number; T: number };
  stage?: number;
  /** Per slot, the 1-based supervision step being run. */
  stepIndices?: Int32Array;
  /** Per slot loss weight; a weighting plugin fills it (1 otherwise). */
  weights?: Float32Array;
  /** Per slot unweighted loss of the step just run (in `onStepEnd`). */
  sampleLosses?: Float32Array;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface TrainerPlugin {
  readonly name: string;
  onStepStart?(ctx: StepContext): void;
  onStepEnd?(ctx: StepContext): void;
  state?(): JsonValue;
  restore?(state: JsonValue): void;
}
