import {
  buildTrainGraph,
  type Checkpoint,
  initialCarryData,
  initParams,
  seqLen,
  type TrmConfig,
  type TrmParams,
  validateConfig,
} from '@cgar/export';
import { loadCheckpoint, saveCheckpoint } from '@cgar/export/node';
import { type HostTensor, hostTensor, type OrtModule, TrainStepRunner } from '@cgar/graph';
import { createLoader, createRng, type Loader, type LoaderState, type Rng, type RngState } from '@cgar/tasks';
import { Ema } from './ema.js';
import { type EvalOptions, type EvalResult, evaluate } from './evaluate.js';
import { collectOptionProblems, type TrainerOptions } from './options.js';
import type { JsonValue, StepContext, TrainerPlugin } from './plugin.js';
import { checkProvider, sessionOptions } from './providers.js';
import { type LrSchedule, learningRate } from './schedule.js';
import { explorationMinimum, Slots } from './slots.js';
import { rocAuc, type StepIndexFigures, StepIndexStats } from './stats.js';

/** What one optimizer step reports. */
export interface StepMetrics {
  readonly step: number;
  readonly loss: number;
  /** Mean per-sample cross-entropy. */
  readonly lm: number;
  /** Share of slots whose answer was exactly right at this step. */
  readonly accuracy: number;
  /** Share of slots where `(q_halt > 0) == correct`. */
  readonly haltAccuracy: number;
  readonly n: number;
  readonly T: number;
  readonly stage: number;
  readonly lr: number;
  /** Puzzles that finished (halted) at this step and their mean supervision steps. */
  readonly finished: number;
  readonly meanSteps: number;
  /** Mean `q_halt` over the slots. */
  readonly qHalt: number;
  /** ROC AUC of `q_halt` against exactness over the slots (`null` when all right or all wrong). */
  readonly auc: number | null;
  /**
   * Lockstep measure: standard deviation of the slots' supervision step indices at this step.
   * 0 means every slot is at the same step (the batch moves in lockstep).
   */
  readonly spread: number;
  /** Slots that halted before `nSup` at this step. */
  readonly haltedEarly: number;
  readonly seconds: number;
}

/** A loss that is NaN or infinite: the run stops and the last good checkpoint stays as it was. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

const key = (d: { n: number; T: number }) => `${d.n},${d.T}`;

/**
 * Deep supervision with ACT over onnxruntime-node (docs/design.md section 5): B slots, one supervision
 * step per optimizer step, halting on `q_halt > 0` or `nSup`, exploration, refills; one
 * train session per curriculum depth; AdamW and an EMA of the weights.
 *
 * @example
 * const trainer = await Trainer.create(ort, { config, train, steps: 2000, batchSize: 64,
 *   plugins: [createCurriculum(paperSchedule(), { totalSteps: 2000 }), createWeighting({ nSup: 16 })] });
 * while (!trainer.done) console.log(await trainer.step());
 */
export class Trainer {
  private readonly runners = new Map<string, TrainStepRunner>();
  private readonly slots: Slots;
  private readonly lr: LrSchedule;
  private readonly plugins: readonly TrainerPlugin[];
  /** Per-step-index figures since the last {@link takeWindow}. */
  private readonly window: StepIndexStats;

  private constructor(
    private readonly ort: OrtModule,
    readonly options: TrainerOptions,
    readonly config: TrmConfig,
    readonly params: TrmParams,
    readonly optimizerState: Map<string, HostTensor>,
    readonly ema: Ema | undefined,
    private readonly loader: Loader,
    private readonly rng: Rng,
    public stepCount: number,
  ) {
    this.slots = new Slots(options.batchSize, config.cells, seqLen(config) * config.hidden);
    this.plugins = options.plugins ?? [];
    this.lr = { lr: 1e-3, warmup: Math.floor(options.steps / 10), kind: 'constant', ...options.lr };
    this.window = new StepIndexStats(config.nSup);
  }

  /** Validates the options (reporting every problem at once) and prepares a fresh run. */
  static async create(ort: OrtModule, options: TrainerOptions): Promise<Trainer> {
    collectOptionProblems(options).throwIfAny('Trainer.create');
    const config = validateConfig(options.config);
    await checkProvider(ort, options.ep ?? 'cpu');
    const seed = options.seed ?? 0;
    const params = options.params ?? initParams(config, seed);
    const ema =
      options.ema === false
        ? undefined
        : Ema.of(params, options.ema?.decay ?? 0.999, options.ema?.warmup ?? true);
    const loader = createLoader([...options.train], {
      batchSize: options.batchSize,
      seed,
      augment: options.augment ?? true,
    });
    const trainer = new Trainer(
      ort,
      options,
      config,
      params,
      new Map(),
      ema,
      loader,
      createRng(seed ^ 0x5eed),
      0,
    );
    await trainer.runnerFor({ n: config.n, T: config.T });
    return trainer;
  }

  /**
   * Continues a run from a checkpoint written by {@link Trainer.checkpoint}: parameters,
   * optimizer state, EMA, step, data position, random state, slots and plugin states.
   */
  static async resume(ort: OrtModule, path: string, options: TrainerOptions): Promise<Trainer> {
    const ckpt = await loadCheckpoint(path, { config: options.config });
    const trainer = await Trainer.create(ort, { ...options, params: ckpt.params as TrmParams });
    trainer.restore(ckpt);
    return trainer;
  }

  get done(): boolean {
    return this.stepCount >= this.options.steps;
  }

  /**
   * The train-step runner of a depth, created the first time that depth is asked for. Only the
   * latest depth's runner (and its session) is kept: a curriculum walks its depths in order, and
   * each session's memory arena holds that depth's activations (three at once more than doubled
   * peak memory).
   */
  private async runnerFor(depth: { n: number; T: number }): Promise<TrainStepRunner> {
    const cached = this.runners.get(key(depth));
    if (cached) return cached;
    await this.release();
    const model = buildTrainGraph(this.config, this.params, {
      depth,
      optimizer: this.options.optimizer,
      maxGradNorm: this.options.maxGradNorm,
      trainPuzzleEmb: this.options.trainPuzzleEmb,
      weightHalting: this.options.weightHalting,
    });
    // NOTE: every depth's runner reads and updates the trainer's own `params` and
    // `optimizerState`; state a depth lacks starts at zero, state it has carries on.
    const runner = await TrainStepRunner.over(
      this.ort,
      model,
      { params: this.params, state: this.optimizerState },
      { sessionOptions: sessionOptions(this.options.ep ?? 'cpu', this.options.threads) },
    );
    this.runners.set(key(depth), runner);
    return runner;
  }

  /** Runs one optimizer step: refill, one supervision step on every slot, update, halting. */
  async step(): Promise<StepMetrics> {
    const t0 = performance.now();
    const { config: cfg, slots } = this;
    const B = this.options.batchSize;
    const finishedSteps: number[] = [];
    const refill = slots.haltedSlots();
    if (refill.length) {
      if (this.stepCount > 0) for (const i of refill) finishedSteps.push(slots.steps[i]!);
      const batch = this.loader.next(refill.length);
      const start = initialCarryData(this.params);
      slots.refill(refill, batch.inputs, batch.labels, start.y, start.z);
    }
    const indices = slots.stepIndices();
    const ctx: StepContext = { step: this.stepCount, totalSteps: this.options.steps, stepIndices: indices };
    for (const p of this.plugins) p.onStepStart?.(ctx);
    const depth = ctx.depth ?? { n: cfg.n, T: cfg.T };
    const runner = await this.runnerFor(depth);
    const S = seqLen(cfg);
    const lr = learningRate(this.lr, this.stepCount, this.options.steps);
    const feeds: Record<string, HostTensor> = {
      tokens: hostTensor('int64', [B, cfg.cells], slots.tokens),
      labels: hostTensor('int64', [B, cfg.cells], slots.labels),
      y: hostTensor('float32', [B, S, cfg.hidden], slots.y),
      z: hostTensor('float32', [B, S, cfg.hidden], slots.z),
      w: hostTensor('float32', [B], ctx.weights ?? new Float32Array(B).fill(1)),
    };
    const pending = await runner.run(feeds, { lr, step: this.stepCount + 1 });
    const out = pending.metrics;
    const loss = Number(out.loss!.data[0]);
    if (!Number.isFinite(loss)) {
      throw new NonFiniteLossError(
        `Trainer.step: the loss is ${loss} at step ${this.stepCount + 1} (depth ${key(depth)}, lr ${lr}); ` +
          'the update was not applied and the last checkpoint is untouched. Lower the learning rate or set maxGradNorm.',
      );
    }
    runner.commit(pending);
    this.ema?.update(this.params);
    const q = out.q_halt!.data as Float32Array;
    const correct = out.correct!.data as Float32Array;
    const lm = out.lm!.data as Float32Array;
    const minSteps = explorationMinimum(B, cfg.nSup, this.options.explore ?? 0.1, () => this.rng.next());
    const byCorrect = this.options.trainHalt === 'correct';
    const wants = Uint8Array.from(q, (v, i) => Number(byCorrect ? correct[i] === 1 : v > 0));
    slots.advance(
      out.y_next!.data as Float32Array,
      out.z_next!.data as Float32Array,
      wants,
      cfg.nSup,
      minSteps,
    );
    ctx.sampleLosses = lm;
    for (const p of this.plugins) p.onStepEnd?.(ctx);
    this.stepCount++;
    let acc = 0;
    let haltAcc = 0;
    let qSum = 0;
    let haltedEarly = 0;
    let indexSum = 0;
    let indexSq = 0;
    for (let i = 0; i < B; i++) {
      acc += correct[i]!;
      haltAcc += Number(q[i]! > 0 === (correct[i]! === 1));
      qSum += q[i]!;
      haltedEarly += Number(slots.halted[i] === 1 && indices[i]! < cfg.nSup);
      indexSum += indices[i]!;
      indexSq += indices[i]! ** 2;
      this.window.add(indices[i]!, q[i]!, correct[i]!);
    }
    return {
      step: this.stepCount,
      loss,
      lm: lm.reduce((a, b) => a + b, 0) / B,
      accuracy: acc / B,
      haltAccuracy: haltAcc / B,
      n: depth.n,
      T: depth.T,
      stage: ctx.stage ?? 0,
      lr,
      finished: finishedSteps.length,
      meanSteps: finishedSteps.length ? finishedSteps.reduce((a, b) => a + b, 0) / finishedSteps.length : 0,
      qHalt: qSum / B,
      auc: rocAuc(q, correct),
      spread: Math.sqrt(Math.max(0, indexSq / B - (indexSum / B) ** 2)),
      haltedEarly,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /**
   * Training's per-step-index figures (exact accuracy and mean `q_halt` at each supervision
   * step 1..nSup, AUC) over the optimizer steps since the last call, then starts a new window.
   * A resumed run starts a fresh window.
   */
  takeWindow(): StepIndexFigures & { readonly samples: number } {
    const figures = { ...this.window.figures(), samples: this.window.size };
    this.window.clear();
    return figures;
  }

  /** Evaluates the EMA weights (or the raw ones) at full depth on held-out puzzles. */
  async evaluate<O extends EvalOptions & { raw?: boolean }>(
    examples: Parameters<typeof evaluate>[3],
    options: O = {} as O,
  ): Promise<EvalResult<O>> {
    const weights = options.raw || !this.ema ? this.params : (this.ema.values as TrmParams);
    return evaluate(this.ort, this.config, weights, examples, {
      sessionOptions: sessionOptions(this.options.ep ?? 'cpu', this.options.threads),
      ...options,
    });
  }

  /** Weights for export: the EMA copy when there is one. */
  exportParams(): TrmParams {
    return (this.ema?.values as TrmParams | undefined) ?? this.params;
  }

  /** Everything a resumed run needs to continue exactly as this one would. */
  checkpoint(): Checkpoint {
    const B = this.options.batchSize;
    const S = seqLen(this.config);
    const D = this.config.hidden;
    const cells = this.config.cells;
    const plugins: Record<string, JsonValue> = {};
    for (const p of this.plugins) if (p.state) plugins[p.name] = p.state();
    return {
      config: this.config,
      step: this.stepCount,
      params: this.params,
      optimizer: this.optimizerState,
      ema: this.ema?.values,
      buffers: new Map<string, HostTensor>([
        ['slots/y', hostTensor('float32', [B, S, D], this.slots.y)],
        ['slots/z', hostTensor('float32', [B, S, D], this.slots.z)],
        ['slots/tokens', hostTensor('int64', [B, cells], this.slots.tokens)],
        ['slots/labels', hostTensor('int64', [B, cells], this.slots.labels)],
        ['slots/steps', hostTensor('int32', [B], this.slots.steps)],
        ['slots/halted', hostTensor('bool', [B], this.slots.halted)],
      ]),
      state: {
        loader: this.loader.state() as unknown as JsonValue,
        rng: this.rng.state() as unknown as JsonValue,
        emaUpdates: this.ema?.updates ?? 0,
        plugins,
      },
    };
  }

  /** Writes {@link checkpoint} atomically to `path`. */
  async save(path: string): Promise<void> {
    await saveCheckpoint(path, this.checkpoint());
  }

  private restore(ckpt: Checkpoint): void {
    this.stepCount = ckpt.step;
    for (const [k, v] of ckpt.optimizer ?? []) this.optimizerState.set(k, v);
    if (this.ema && ckpt.ema)
      for (const [k, v] of ckpt.ema) this.ema.values.set(k, v as HostTensor<'float32'>);
    const buf = ckpt.buffers ?? new Map();
    const copy = (name: string, into: { set(a: ArrayLike<number> | ArrayLike<bigint>): void }) => {
      const t = buf.get(name);
      if (!t)
        throw new Error(
          `Trainer.resume: the checkpoint has no '${name}'; it was not written by Trainer.save`,
        );
      into.set(t.data as never);
    };
    copy('slots/y', this.slots.y);
    copy('slots/z', this.slots.z);
    copy('slots/tokens', this.slots.tokens);
    copy('slots/labels', this.slots.labels);
    copy('slots/steps', this.slots.steps);
    copy('slots/halted', this.slots.halted);
    const state = ckpt.state as {
      loader: LoaderState;
      rng: RngState;
      emaUpdates: number;
      plugins: Record<string, JsonValue>;
    };
    this.loader.restore(state.loader);
    this.rng.setState(state.rng);
    if (this.ema) this.ema.updates = state.emaUpdates;
    for (const p of this.plugins) {
      const s = state.plugins[p.name];
      if (s !== undefined) p.restore?.(s);
    }
  }

  async release(): Promise<void> {
    for (const runner of this.runners.values()) await runner.release();
    this.runners.clear();
  }
}
