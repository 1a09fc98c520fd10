import type { HostTensor } from './dtype.js';
import { hostTensor } from './dtype.js';
import { fillState, type TrainStepModel } from './optim.js';
import { GraphSession, type GraphSessionOptions, type OrtModule } from './session.js';

export interface StepOptions {
  readonly lr: number;
  /** 1-based optimizer step; defaults to one more than the last. */
  readonly step?: number;
}

/**
 * Parameter and optimizer-state maps that a caller owns and several runners share (for example
 * one runner per curriculum depth over one set of weights). A runner reads them at every step
 * and writes the updated values back into them.
 */
export interface TrainStepStores {
  /** Current values by parameter name; must hold every parameter the model feeds. */
  readonly params: Map<string, HostTensor>;
  /**
   * Optimizer state by input name. Entries the model needs and the map lacks are added when the
   * runner is created, zero-filled as {@link initialState} makes them; entries it has are kept.
   */
  readonly state: Map<string, HostTensor>;
}

/** One step that has run but whose update is not yet written back; see {@link TrainStepRunner.run}. */
export interface PendingStep {
  /** The 1-based optimizer step it was run as. */
  readonly step: number;
  /** Every output of the model, the `next/` values included. */
  readonly outputs: Readonly<Record<string, HostTensor>>;
  /** The loss and the metrics: every output that is not a `next/` value. */
  readonly metrics: Record<string, HostTensor>;
}

/**
 * Runs a train-step model step after step, keeping parameters and optimizer state on the host
 * and feeding each step's outputs into the next.
 *
 * @example
 * const runner = await TrainStepRunner.create(ort, model, initialParams);
 * for (let i = 0; i < 100; i++) await runner.step({ x, labels }, { lr: 1e-3 });
 *
 * @example
 * // Over stores the caller owns, refusing an update whose loss is not finite:
 * const runner = await TrainStepRunner.over(ort, model, { params, state });
 * const pending = await runner.run(feeds, { lr, step });
 * if (Number.isFinite(Number(pending.metrics.loss!.data[0]))) runner.commit(pending);
 */
export class TrainStepRunner {
  /** Steps returned by {@link run} and not yet committed. */
  private readonly uncommitted = new WeakSet<PendingStep>();

  private constructor(
    private readonly session: GraphSession,
    private readonly model: TrainStepModel,
    /** Current values of every fed parameter, by name (the caller's map when made by {@link over}). */
    readonly params: Map<string, HostTensor>,
    /** Current optimizer state, by input name (the caller's map when made by {@link over}). */
    readonly state: Map<string, HostTensor>,
    public stepCount = 0,
  ) {}

  /** A runner with its own stores: `params` (or each parameter's own value) copied in, zero state. */
  static async create(
    ort: OrtModule,
    model: TrainStepModel,
    params?: ReadonlyMap<string, HostTensor>,
    options: GraphSessionOptions = {},
  ): Promise<TrainStepRunner> {
    const values = new Map<string, HostTensor>();
    for (const p of model.params) {
      const v = params?.get(p.name) ?? p.data;
      if (!v) throw new Error(`TrainStepRunner.create: no value for parameter '${p.name}'`);
      values.set(p.name, v);
    }
    return TrainStepRunner.over(ort, model, { params: values, state: new Map() }, options);
  }

  /**
   * A runner over stores the caller owns and keeps: it reads and updates `stores.params` and
   * `stores.state` in place, so several runners (one at a time) continue one optimisation.
   * Missing state entries are added zero-filled; a missing parameter is an error.
   */
  static async over(
    ort: OrtModule,
    model: TrainStepModel,
    stores: TrainStepStores,
    options: GraphSessionOptions = {},
  ): Promise<TrainStepRunner> {
    const missing = model.params.filter((p) => !stores.params.has(p.name)).map((p) => `'${p.name}'`);
    if (missing.length)
      throw new Error(`TrainStepRunner.over: the parameter store has no ${missing.join(', ')}`);
    const session = await GraphSession.create(ort, model, options);
    return new TrainStepRunner(session, model, stores.params, fillState(model, stores.state));
  }

  /** One optimizer step; returns the loss and the metrics (every non-parameter output). */
  async step(
    feeds: Readonly<Record<string, HostTensor>>,
    options: StepOptions,
  ): Promise<Record<string, HostTensor>> {
    const pending = await this.run(feeds, options);
    this.commit(pending);
    return pending.metrics;
  }

  /**
   * Runs one step without writing anything back: the parameters, the state and
   * {@link stepCount} stay as they were until {@link commit} (an update never committed is
   * dropped). `lr` and `step` are fed as scalars of the model's `lr` dtype.
   */
  async run(feeds: Readonly<Record<string, HostTensor>>, options: StepOptions): Promise<PendingStep> {
    const step = options.step ?? this.stepCount + 1;
    const dtype = this.model.inputs.find((s) => s.name === 'lr')!.dtype as 'float32';
    const scalar = (v: number) =>
      hostTensor(
        dtype,
        [],
        dtype === 'float32' ? Float32Array.of(v) : (Float64Array.of(v) as unknown as Float32Array),
      );
    const fed: Record<string, HostTensor> = { ...feeds };
    for (const p of this.model.params) fed[p.name] = this.params.get(p.name)!;
    for (const name of this.model.stateOutputs.keys()) fed[name] = this.state.get(name)!;
    fed.lr = scalar(options.lr);
    fed.step = scalar(step);
    const outputs = await this.session.run(fed);
    const metrics: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(outputs)) if (!k.startsWith('next/')) metrics[k] = v;
    const pending: PendingStep = { step, outputs, metrics };
    this.uncommitted.add(pending);
    return pending;
  }

  /** Writes a step from {@link run} back: its parameters, its optimizer state and its step count. */
  commit(pending: PendingStep): void {
    if (!this.uncommitted.delete(pending))
      throw new Error(
        'TrainStepRunner.commit: not an uncommitted step of this runner (commit each run once)',
      );
    const out = pending.outputs;
    for (const [name, output] of this.model.paramOutputs) this.params.set(name, out[output]!);
    for (const [name, { output }] of this.model.stateOutputs) this.state.set(name, out[output]!);
    this.stepCount = pending.step;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
