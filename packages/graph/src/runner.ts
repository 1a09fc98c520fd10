import type { HostTensor } from './dtype.js';
import { hostTensor } from './dtype.js';
import { initialState, type TrainStepModel } from './optim.js';
import { GraphSession, type GraphSessionOptions, type OrtModule } from './session.js';

export interface StepOptions {
  readonly lr: number;
  /** 1-based optimizer step; defaults to one more than the last. */
  readonly step?: number;
}

/**
 * Runs a train-step model step after step, keeping parameters and optimizer state on the host
 * and feeding each step's outputs into the next.
 *
 * @example
 * const runner = await TrainStepRunner.create(ort, model, initialParams);
 * for (let i = 0; i < 100; i++) await runner.step({ x, labels }, { lr: 1e-3 });
 */
export class TrainStepRunner {
  private constructor(
    private readonly session: GraphSession,
    private readonly model: TrainStepModel,
    /** Current values of every fed parameter, by name. */
    readonly params: Map<string, HostTensor>,
    /** Current optimizer state, by input name. */
    readonly state: Map<string, HostTensor>,
    public stepCount = 0,
  ) {}

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
    const session = await GraphSession.create(ort, model, options);
    return new TrainStepRunner(session, model, values, initialState(model));
  }

  /** One optimizer step; returns the loss and the metrics (every non-parameter output). */
  async step(
    feeds: Readonly<Record<string, HostTensor>>,
    options: StepOptions,
  ): Promise<Record<string, HostTensor>> {
    const step = options.step ?? this.stepCount + 1;
    const dtype = this.model.inputs.find((s) => s.name === 'lr')!.dtype as 'float32';
    const scalar = (v: number) =>
      hostTensor(
        dtype,
        [],
        dtype === 'float32' ? Float32Array.of(v) : (Float64Array.of(v) as unknown as Float32Array),
      );
    const out = await this.session.run({
      ...feeds,
      ...Object.fromEntries(this.params),
      ...Object.fromEntries(this.state),
      lr: scalar(options.lr),
      step: scalar(step),
    });
    for (const [name, output] of this.model.paramOutputs) this.params.set(name, out[output]!);
    for (const [name, { output }] of this.model.stateOutputs) this.state.set(name, out[output]!);
    this.stepCount = step;
    const metrics: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(out)) if (!k.startsWith('next/')) metrics[k] = v;
    return metrics;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
