import { Problems, show } from '@cgar/common';
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
  /** AdamW settings, each field over `@cgar/export`'s `TRM_ADAMW` (the official TRM values). */
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

/**
 * Every problem with `options`, recorded by kind (a value of the wrong kind, or out of range) in a
 * `Problems` collector of @cgar/common, with messages naming the field. `Trainer.create` throws them
 * at once: a `TypeError` when every problem is a wrong kind, else a `RangeError`.
 */
export function collectOptionProblems(o: TrainerOptions, problems: Problems = new Problems()): Problems {
  const posInt = (name: string, v: unknown) => {
    if (typeof v !== 'number') problems.type(`'${name}' must be a positive integer, got ${show(v)}`);
    else if (!Number.isSafeInteger(v) || v < 1)
      problems.range(`'${name}' must be a positive integer, got ${v}`);
  };
  posInt('steps', o.steps);
  posInt('batchSize', o.batchSize);
  if (o.threads !== undefined) posInt('threads', o.threads);
  if (!Array.isArray(o.train)) problems.type(`'train' must be an array of puzzles, got ${show(o.train)}`);
  else if (o.train.length === 0) problems.range(`'train' must hold at least one puzzle`);
  const unit = (name: string, v: unknown, ok: (x: number) => boolean, want: string) => {
    if (v === undefined) return;
    if (typeof v !== 'number') problems.type(`'${name}' must be a number ${want}, got ${show(v)}`);
    else if (!ok(v)) problems.range(`'${name}' must be ${want}, got ${v}`);
  };
  unit('explore', o.explore, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  unit('lr.lr', o.lr?.lr, (x) => x > 0, 'positive');
  unit('lr.warmup', o.lr?.warmup, (x) => Number.isInteger(x) && x >= 0, 'an integer >= 0');
  if (o.ema) unit('ema.decay', o.ema.decay, (x) => x > 0 && x < 1, 'in (0, 1)');
  const choice = (name: string, v: unknown, known: readonly string[]) => {
    if (v === undefined || known.includes(v as string)) return;
    const quoted = known.map((k) => `'${k}'`);
    const want = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
    if (typeof v !== 'string') problems.type(`'${name}' must be ${want}, got ${show(v)}`);
    else problems.range(`'${name}' must be ${want}, got '${v}'`);
  };
  choice('lr.kind', o.lr?.kind, ['constant', 'cosine']);
  choice('trainHalt', o.trainHalt, ['q_halt', 'correct']);
  choice('ep', o.ep, ['cpu', 'cuda', 'webgpu']);
  return problems;
}

/** Every problem with `options`, as messages naming the field (empty when fine). */
export function optionProblems(o: TrainerOptions): string[] {
  return collectOptionProblems(o).messages;
}
