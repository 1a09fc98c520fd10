export interface LrSchedule {
  /** Peak learning rate. */
  readonly lr: number;
  /** Linear warm-up steps from 0 to `lr`. */
  readonly warmup: number;
  /** After warm-up: constant, or cosine decay to `minLr` at `totalSteps`. */
  readonly kind: 'constant' | 'cosine';
  readonly minLr?: number;
}

/**
 * Learning rate at optimizer step `step` (0-based) of `totalSteps`.
 *
 * @example
 * learningRate({ lr: 1e-4, warmup: 2000, kind: 'constant' }, 1000, 65000); // 5e-5
 */
export function learningRate(s: LrSchedule, step: number, totalSteps: number): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  if (s.kind === 'constant') return s.lr;
  const span = Math.max(1, totalSteps - s.warmup);
  const t = Math.min(1, (step - s.warmup) / span);
  const min = s.minLr ?? 0;
  return min + 0.5 * (s.lr - min) * (1 + Math.cos(Math.PI * t));
}
