import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@cgar/common/node';
import type { OrtModule } from '@cgar/graph';
import type { SudokuExample } from '@cgar/tasks';
import type { EvalMetrics } from './evaluate.js';
import type { TrainerOptions } from './options.js';
import { checkResumable, lockRunFolder, readJsonLines, removeStaleTemps } from './run-folder.js';
import { type StepMetrics, Trainer } from './trainer.js';

export interface RunOptions extends TrainerOptions {
  /** Folder for `metrics.jsonl`, `checkpoint.safetensors` and `run.json`. */
  readonly outDir: string;
  /** Held-out puzzles evaluated every `evalEvery` steps and at the end. */
  readonly test?: readonly SudokuExample[];
  readonly evalEvery?: number;
  /** Also evaluate the raw (non-EMA) weights at each evaluation, stored as `raw` in the record. */
  readonly evalRaw?: boolean;
  /**
   * Write training's per-step-index figures (`{"type":"window",...}`: exact accuracy and mean
   * `q_halt` at each supervision step, AUC) every this many steps (default `evalEvery`, else 100).
   */
  readonly windowEvery?: number;
  /** Save a checkpoint every this many steps (and always at the end). */
  readonly checkpointEvery?: number;
  /** Continue from `outDir/checkpoint.safetensors` when it exists. */
  readonly resume?: boolean;
  /** Stops the run after the current step, with a checkpoint. */
  readonly signal?: AbortSignal;
  readonly onStep?: (m: StepMetrics, progress: TrainProgress) => void;
  readonly onEval?: (m: EvalMetrics & { step: number }) => void;
  /** Receives warnings such as a torn last metrics line that was dropped (default: stderr). */
  readonly onWarning?: (message: string) => void;
  /** Extra fields stored in `run.json` (for example the plugin settings). */
  readonly describe?: Readonly<Record<string, unknown>>;
}

export interface TrainProgress {
  readonly step: number;
  readonly total: number;
  readonly stepsPerSecond: number;
  readonly etaSeconds: number;
  /** Smoothed loss and accuracy (exponential average over about 20 steps). */
  readonly loss: number;
  readonly accuracy: number;
}

export interface RunResult {
  readonly trainer: Trainer;
  readonly interrupted: boolean;
  readonly lastEval?: EvalMetrics;
  readonly seconds: number;
}

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const METRICS_FILE = 'metrics.jsonl';

/**
 * Trains with checkpoints, metrics and evaluation: the loop behind `cgar train`. Metrics are
 * JSON lines (`{"type":"step",...}` and `{"type":"eval",...}`); checkpoints are written
 * atomically, so a crash or a SIGKILL leaves the previous one loadable.
 *
 * @example
 * const { lastEval } = await runTraining(ort, { config, train, test, steps: 1000, batchSize: 32, outDir: 'runs/a' });
 */
export async function runTraining(ort: OrtModule, options: RunOptions): Promise<RunResult> {
  try {
    mkdirSync(options.outDir, { recursive: true });
  } catch (e) {
    throw new Error(`runTraining: cannot create the run folder ${options.outDir}: ${(e as Error).message}`);
  }
  // NOTE: the lock makes a second run on this folder fail at once instead of mixing two runs' files.
  const unlock = lockRunFolder(options.outDir);
  try {
    removeStaleTemps(options.outDir);
    return await trainIn(ort, options);
  } catch (e) {
    // NOTE: a failed append (a full disk: ENOSPC) names no file; say where, and what is safe.
    const err = e as NodeJS.ErrnoException;
    if (err?.syscall && err.path === undefined)
      throw new Error(
        `runTraining: writing in the run folder ${options.outDir} failed (${err.message}); its checkpoint is the last complete one, and --resume drops a torn metrics line`,
        { cause: e },
      );
    throw e;
  } finally {
    unlock();
  }
}

async function trainIn(ort: OrtModule, options: RunOptions): Promise<RunResult> {
  const { outDir } = options;
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const ckptPath = join(outDir, CHECKPOINT_FILE);
  const metricsPath = join(outDir, METRICS_FILE);
  const resuming = options.resume === true && existsSync(ckptPath);
  if (resuming) checkResumable(ckptPath, options.batchSize, options.config);
  const trainer = resuming
    ? await Trainer.resume(ort, ckptPath, options)
    : await Trainer.create(ort, options);
  const kept = keepMetricsUpTo(metricsPath, resuming ? trainer.stepCount : 0, warn);
  writeJson(join(outDir, 'run.json'), {
    config: trainer.config,
    steps: options.steps,
    batchSize: options.batchSize,
    seed: options.seed ?? 0,
    plugins: (options.plugins ?? []).map((p) => p.name),
    ...options.describe,
  });
  const started = performance.now();
  let elapsedBefore = 0;
  let smoothLoss = Number.NaN;
  let smoothAcc = 0;
  let lastEval: EvalMetrics | undefined;
  const evalNow = async () => {
    if (!options.test?.length) return;
    lastEval = await trainer.evaluate(options.test);
    const raw = options.evalRaw ? { raw: await trainer.evaluate(options.test, { raw: true }) } : {};
    const record = { type: 'eval', step: trainer.stepCount, time: elapsed(), ...lastEval, ...raw };
    appendFileSync(metricsPath, `${JSON.stringify(record)}\n`);
    options.onEval?.({ ...lastEval, step: trainer.stepCount });
  };
  const elapsed = () => elapsedBefore + (performance.now() - started) / 1000;
  if (resuming) elapsedBefore = (kept.at(-1) as { time?: number } | undefined)?.time ?? 0;
  let interrupted = false;
  const firstStep = trainer.stepCount;
  const windowEvery = options.windowEvery ?? options.evalEvery ?? 100;
  try {
    while (!trainer.done) {
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const m = await trainer.step();
      smoothLoss = Number.isNaN(smoothLoss) ? m.loss : 0.95 * smoothLoss + 0.05 * m.loss;
      smoothAcc = 0.95 * smoothAcc + 0.05 * m.accuracy;
      appendFileSync(metricsPath, `${JSON.stringify({ type: 'step', time: elapsed(), ...m })}\n`);
      if (trainer.stepCount % windowEvery === 0 || trainer.done) {
        const record = { type: 'window', step: trainer.stepCount, ...trainer.takeWindow() };
        appendFileSync(metricsPath, `${JSON.stringify(record)}\n`);
      }
      const rate = (trainer.stepCount - firstStep) / Math.max(1e-9, (performance.now() - started) / 1000);
      options.onStep?.(m, {
        step: trainer.stepCount,
        total: options.steps,
        stepsPerSecond: rate,
        etaSeconds: (options.steps - trainer.stepCount) / Math.max(rate, 1e-9),
        loss: smoothLoss,
        accuracy: smoothAcc,
      });
      // NOTE: evaluate before saving, so a checkpoint never stands past an evaluation it skipped.
      if (options.evalEvery && trainer.stepCount % options.evalEvery === 0 && !trainer.done) await evalNow();
      if (options.checkpointEvery && trainer.stepCount % options.checkpointEvery === 0)
        await trainer.save(ckptPath);
    }
    // NOTE: a resumed run that was already finished keeps its final evaluation instead of adding one.
    const doneEval = kept.find((r) => r.type === 'eval' && r.step === trainer.stepCount);
    if (!interrupted && doneEval && trainer.stepCount === firstStep)
      lastEval = doneEval as unknown as EvalMetrics;
    else if (!interrupted) await evalNow();
    await trainer.save(ckptPath);
  } catch (e) {
    await trainer.release();
    throw e;
  }
  return { trainer, interrupted, lastEval, seconds: elapsed() };
}

interface MetricLine {
  type: string;
  step: number;
  time?: number;
}

/**
 * Drops metric lines past `step` (a resumed run rewrites what came after its checkpoint) and a
 * torn last line, and returns the lines kept.
 */
function keepMetricsUpTo(path: string, step: number, warn: (m: string) => void): MetricLine[] {
  if (!existsSync(path)) return [];
  const kept = readJsonLines<MetricLine>(path, warn).filter((r) => r.step <= step);
  writeAtomic(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return kept;
}

function writeJson(path: string, value: unknown): void {
  writeAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

function writeAtomic(path: string, text: string): void {
  try {
    writeFileAtomicSync(path, text);
  } catch (e) {
    throw new Error(`runTraining: ${(e as Error).message}`, { cause: e });
  }
}
