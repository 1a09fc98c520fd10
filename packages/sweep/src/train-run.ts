import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Problems } from '@cgar/common';
import { getPreset, isPresetName, type TrmConfig } from '@cgar/export';
import type { OrtModule } from '@cgar/graph';
import { CHECKPOINT_FILE, NonFiniteLossError, runTraining } from '@cgar/trainer';
import {
  type BenchConfig,
  CONFIG_NAMES,
  CONFIGS,
  type ConfigName,
  isConfigName,
  pluginsFor,
} from './configs.js';
import { type BenchData, benchData, type DataSpec } from './data.js';
import { compressRunLog } from './raw-log.js';
import { type RunSummary, summarizeRun } from './summary.js';

/**
 * Everything that must match for a stored run to count in a table, stored as `bench` in the run's
 * `run.json` (the fingerprint bench/cgar-table has always written, key for key).
 */
export interface RunSpec {
  readonly config: ConfigName;
  readonly seed: number;
  readonly preset: string;
  readonly model: TrmConfig;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly warmup: number;
  readonly evalEvery: number;
  readonly data: DataSpec;
  readonly ep: 'cpu' | 'cuda' | 'webgpu';
  readonly threads: number | null;
}

/** One training run of a sweep: where it goes, where its data set is kept, and its settings. */
export interface TrainJob {
  readonly kind: 'train';
  /** Run folder, relative to the worker's working directory unless absolute. */
  readonly runDir: string;
  /** Data set folder, built from `spec.data` on first use (the same puzzles on every machine). */
  readonly dataDir: string;
  readonly spec: RunSpec;
}

/** What a training job leaves: the run folder and, once finished, the figures the table needs. */
export interface TrainOutcome {
  /** `skipped`: finished before; `diverged`: stopped on a NaN or infinite loss (`message`). */
  readonly status: 'trained' | 'skipped' | 'interrupted' | 'diverged';
  readonly runDir: string;
  readonly host?: string;
  readonly summary?: RunSummary;
  readonly message?: string;
}

/**
 * A job that retrying cannot fix: a configuration, preset or setting out of what the sweep runs.
 * It is the `RangeError` of the one error rule (`Problems` of `@cgar/common`): `checkSpec` throws it
 * when any problem is a value out of range, and a plain `TypeError` when every problem is a value of
 * the wrong kind (a hand-made job with a string for a number); the worker fails both at once.
 */
export class SweepConfigError extends RangeError {
  override name = 'SweepConfigError';
}

/**
 * Checks a job's settings, collecting every problem; throws a SweepConfigError (a RangeError)
 * listing them, or a TypeError when every one is a value of the wrong kind.
 *
 * @example
 * checkSpec({ ...spec, config: 'nope' as ConfigName }); // throws: unknown configuration 'nope'
 */
export function checkSpec(spec: RunSpec): void {
  const problems = new Problems();
  const name = (v: unknown, what: string, known: (s: string) => boolean, message: string) => {
    if (typeof v !== 'string') problems.type(`${what} must be a name, got ${JSON.stringify(v)}`);
    else if (!known(v)) problems.range(message);
  };
  const int = (k: 'steps' | 'batch' | 'evalEvery' | 'seed' | 'warmup', min: number) => {
    const v: unknown = spec[k];
    if (typeof v !== 'number') problems.type(`${k} must be a number, got ${JSON.stringify(v)}`);
    else if (!Number.isSafeInteger(v) || v < min)
      problems.range(`${k} must be an integer >= ${min}, got ${v}`);
  };
  name(
    spec.config,
    'config',
    isConfigName,
    `unknown configuration '${spec.config}' (known: ${CONFIG_NAMES.join(', ')})`,
  );
  name(spec.preset, 'preset', isPresetName, `unknown preset '${spec.preset}'`);
  if (typeof spec.preset === 'string' && isPresetName(spec.preset))
    if (JSON.stringify(getPreset(spec.preset)) !== JSON.stringify(spec.model))
      problems.range(`the model settings differ from preset '${spec.preset}'`);
  for (const k of ['steps', 'batch', 'evalEvery'] as const) int(k, 1);
  int('seed', 0);
  int('warmup', 0);
  const lr: unknown = spec.lr;
  if (typeof lr !== 'number') problems.type(`lr must be a number, got ${JSON.stringify(lr)}`);
  else if (!(lr > 0 && Number.isFinite(lr))) problems.range(`lr must be a positive number, got ${lr}`);
  if (typeof spec.ep !== 'string') problems.type(`ep must be a string, got ${JSON.stringify(spec.ep)}`);
  else if (!['cpu', 'cuda', 'webgpu'].includes(spec.ep))
    problems.range(`ep must be cpu, cuda or webgpu, got ${spec.ep}`);
  const threads: unknown = spec.threads;
  if (threads !== null && typeof threads !== 'number')
    problems.type(`threads must be a number or null, got ${JSON.stringify(threads)}`);
  else if (threads !== null && (!Number.isSafeInteger(threads) || threads < 1))
    problems.range(`threads must be an integer >= 1 or null, got ${threads}`);
  const d = spec.data as DataSpec | undefined;
  if (typeof d !== 'object' || d === null) problems.type('data must be an object');
  else {
    if (!(d.minGivens >= 17 && d.maxGivens <= 81 && d.minGivens <= d.maxGivens))
      problems.range(
        `data givens must satisfy 17 <= minGivens <= maxGivens <= 81, got ${d.minGivens}-${d.maxGivens}`,
      );
    if (!(d.train >= 1 && d.test >= 1)) problems.range('data needs at least one train and one test puzzle');
  }
  const e = problems.error(`run ${spec.config}-s${spec.seed}`);
  if (e) throw e instanceof RangeError ? new SweepConfigError(e.message) : e;
}

/**
 * Throws when `runDir` holds a run made with other settings (mixing them would corrupt a table).
 *
 * @example
 * checkStored('bench/results/cgar-table/runs/cgar-s0', spec);
 */
export function checkStored(runDir: string, want: RunSpec): void {
  const path = join(runDir, 'run.json');
  if (!existsSync(path)) return;
  const have = (JSON.parse(readFileSync(path, 'utf8')) as { bench?: Record<string, unknown> }).bench ?? {};
  const wanted = want as unknown as Record<string, unknown>;
  const differ = Object.keys(wanted)
    .filter((k) => JSON.stringify(have[k]) !== JSON.stringify(wanted[k]))
    .map((k) => `${k} was ${JSON.stringify(have[k])}, now ${JSON.stringify(wanted[k])}`);
  if (differ.length) {
    throw new SweepConfigError(
      `run folder ${runDir} holds a run made with other settings (${differ.join('; ')}); ` +
        'repeat the original flags, pass another --out, or delete that folder',
    );
  }
}

export interface TrainRunOptions {
  /** Stops the run after the current step, with a checkpoint (status `interrupted`). */
  readonly signal?: AbortSignal;
  /** The data set when the caller has it loaded already (else read or built from `dataDir`). */
  readonly data?: BenchData;
  /** Progress and evaluation lines (default: stderr). */
  readonly log?: (line: string) => void;
  readonly onProgress?: (step: number, total: number) => void;
}

/**
 * Trains one run of a table the way bench/cgar-table always has: skips a finished run, resumes an
 * interrupted one from its checkpoint, refuses a folder made with other settings, and writes the
 * spec into `run.json` as `bench`. A NaN or infinite loss ends with status `diverged`.
 *
 * @example
 * const out = await trainRun(ort, { kind: 'train', runDir: 'runs/cgar-s0', dataDir: 'data', spec });
 */
export async function trainRun(
  ort: OrtModule,
  job: TrainJob,
  options: TrainRunOptions = {},
): Promise<TrainOutcome> {
  const { runDir, spec } = job;
  const log = options.log ?? ((line: string) => console.error(line));
  checkSpec(spec);
  checkStored(runDir, spec);
  const tag = `[${spec.config} s${spec.seed}]`;
  const done = summarizeRun(runDir, spec.config, spec.seed, spec.steps);
  if (done) {
    log(`${tag} done before, skipped`);
    return { status: 'skipped', runDir, summary: done };
  }
  const d = options.data ?? benchData(job.dataDir, spec.data);
  if (existsSync(join(runDir, CHECKPOINT_FILE))) log(`${tag} resuming from its checkpoint`);
  const every = Math.max(1, Math.floor(spec.steps / 20));
  const c: BenchConfig = CONFIGS[spec.config];
  try {
    const result = await runTraining(ort, {
      config: spec.model,
      train: d.train,
      test: d.test,
      steps: spec.steps,
      batchSize: spec.batch,
      seed: spec.seed,
      lr: { lr: spec.lr, warmup: spec.warmup },
      plugins: pluginsFor(spec.config, spec.model, spec.steps),
      // NOTE: a row that sets neither is the official recipe, whatever the trainer's defaults are.
      trainHalt: c.trainHalt ?? 'q_halt',
      weightHalting: c.weightHalting ?? true,
      evalRaw: true,
      ep: spec.ep,
      threads: spec.threads ?? undefined,
      outDir: runDir,
      resume: true,
      evalEvery: spec.evalEvery,
      checkpointEvery: spec.evalEvery,
      signal: options.signal,
      describe: { bench: spec },
      onStep: (m, p) => {
        options.onProgress?.(p.step, p.total);
        if (p.step % every === 0)
          log(
            `${tag} ${p.step}/${p.total} n=${m.n} T=${m.T} loss ${p.loss.toFixed(3)} ${p.stepsPerSecond.toFixed(2)} it/s ETA ${Math.round(p.etaSeconds)} s`,
          );
      },
      onEval: (e) =>
        log(
          `${tag} eval @${e.step}: exact ${(100 * e.exact).toFixed(1)}% cell ${(100 * e.cell).toFixed(1)}% halting: exact ${(100 * e.exactAdaptive).toFixed(1)}% in ${e.meanSteps.toFixed(2)} steps`,
        ),
    });
    await result.trainer.release();
    if (result.interrupted) return { status: 'interrupted', runDir };
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    log(`${tag} ${e.message}`);
    return { status: 'diverged', runDir, message: `${spec.config} s${spec.seed}: ${e.message}` };
  }
  compressRunLog(runDir);
  return { status: 'trained', runDir, summary: summarizeRun(runDir, spec.config, spec.seed, spec.steps) };
}
