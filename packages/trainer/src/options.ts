import type { TrmConfig, TrmParams } from '@cgar/export';
import type { AdamWOptions } from '@cgar/graph';
import type { SudokuExample } from '@cgar/tasks';
import type { TrainerPlugin } from './plugin.js';
import type { LrSchedule } from './schedule.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

export interface TrainerOptions {
  readonly config: TrmConfig;
  readonly train: readonly SudokuExample[];
  /** Optimizer steps of the whole run. */
  readonly steps: number;
  /** B, the number of ACT slots. */
  readonly batchSize: number;
  readonly seed?: number;
  /** Default: 1e-3 peak, 10% warm-up, then constant. */
  readonly lr?: Partial<LrSchedule>;
  /** AdamW settings; default betas (0.9, 0.95), weight decay 0.1. */
  readonly optimizer?: AdamWOptions;
  readonly maxGradNorm?: number;
  /** EMA of the weights for evaluation and export (decay 0.999, warm-up decay on); `false` disables. */
  readonly ema?: { readonly decay?: number; readonly warmup?: boolean } | false;
  /** Probability that a slot draws a minimum number of steps before it may halt (0.1). */
  readonly explore?: number;
  /**
   * What halts a training slot before `nSup` steps: `'q_halt'` (the official rule, `q_halt > 0`)
   * or `'correct'` (its answer is exactly right, which training knows from the labels). Either
   * way `q_halt` is trained by BCE against correctness at every step, and inference halts on
   * `q_halt`. Default `'q_halt'`, the official recipe. With supervision weighting (HSW) use
   * `'correct'`: on 28-34-given Sudoku it took CGAR from 35.5% to 75.0% held-out exact at equal
   * steps, while the unweighted baseline fell from 69.5% to 45.5% (one seed each;
   * bench/results/halting).
   */
  readonly trainHalt?: 'q_halt' | 'correct';
  /**
   * Whether plugin supervision weights also multiply the halting BCE (default true, the paper's
   * form); false weights the cross-entropy only, so the halting head learns from late steps as
   * much as from early ones.
   */
  readonly weightHalting?: boolean;
  /** Augment training puzzles (docs/design.md section 1); default true. */
  readonly augment?: boolean;
  /** Train the puzzle embedding with AdamW too (default true). */
  readonly trainPuzzleEmb?: boolean;
  /** Curriculum, weighting and user plugins, called in order. */
  readonly plugins?: readonly TrainerPlugin[];
  readonly ep?: ExecutionProvider;
  readonly threads?: number;
  /** Starting parameters (for example imported official weights); seeded init otherwise. */
  readonly params?: TrmParams;
}

/** Every problem with `options`, as messages naming the field (empty when fine). */
export function optionProblems(o: TrainerOptions): string[] {
  const out: string[] = [];
  const posInt = (name: string, v: unknown) => {
    if (!Number.isSafeInteger(v) || (v as number) < 1)
      out.push(`'${name}' must be a positive integer, got ${String(v)}`);
  };
  posInt('steps', o.steps);
  posInt('batchSize', o.batchSize);
  if (o.threads !== undefined) posInt('threads', o.threads);
  if (!Array.isArray(o.train) || o.train.length === 0) out.push(`'train' must hold at least one puzzle`);
  if (o.explore !== undefined && !(o.explore >= 0 && o.explore <= 1))
    out.push(`'explore' must be in [0, 1], got ${o.explore}`);
  if (o.lr?.lr !== undefined && !(o.lr.lr > 0)) out.push(`'lr.lr' must be positive, got ${o.lr.lr}`);
  if (o.lr?.warmup !== undefined && !(Number.isInteger(o.lr.warmup) && o.lr.warmup >= 0)) {
    out.push(`'lr.warmup' must be an integer >= 0, got ${o.lr.warmup}`);
  }
  if (o.lr?.kind !== undefined && o.lr.kind !== 'constant' && o.lr.kind !== 'cosine') {
    out.push(`'lr.kind' must be 'constant' or 'cosine', got '${o.lr.kind}'`);
  }
  if (o.ema && o.ema.decay !== undefined && !(o.ema.decay > 0 && o.ema.decay < 1)) {
    out.push(`'ema.decay' must be in (0, 1), got ${o.ema.decay}`);
  }
  if (o.trainHalt !== undefined && o.trainHalt !== 'q_halt' && o.trainHalt !== 'correct')
    out.push(`'trainHalt' must be 'q_halt' or 'correct', got '${String(o.trainHalt)}'`);
  if (o.ep !== undefined && !['cpu', 'cuda', 'webgpu'].includes(o.ep)) {
    out.push(`'ep' must be cpu, cuda or webgpu, got '${o.ep}'`);
  }
  return out;
}
