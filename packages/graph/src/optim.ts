import { gradients } from './autodiff.js';
import { allocate, type HostTensor } from './dtype.js';
import type { Graph, Value } from './graph.js';
import { add, div, minimum, mul, pow, sqrt, sub } from './ops/elementwise.js';
import { reduceSum } from './ops/reduce.js';
import { type BuiltModel, buildModel, type ModelOptions } from './serialize.js';

/** What an optimizer rule sees for one parameter. */
export interface UpdateContext {
  readonly param: Value;
  readonly grad: Value;
  /** This parameter's state tensors, in the order of `slots`. */
  readonly state: readonly Value[];
  /** Learning rate (a graph input, so schedules never rebuild the graph). */
  readonly lr: Value;
  /** 1-based step count (a graph input). */
  readonly step: Value;
}

/** An in-graph optimizer: per-parameter state slots and an update rule built from graph ops. */
export interface Optimizer {
  readonly name: string;
  /** Names of the state tensors each parameter carries (zeros at the start). */
  readonly slots: readonly string[];
  update(ctx: UpdateContext): { param: Value; state: Value[] };
}

export interface AdamWOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Decoupled weight decay, applied as `p *= 1 - lr * weightDecay` (PyTorch's AdamW). */
  readonly weightDecay?: number;
}

/**
 * AdamW with bias correction, step for step the same as `torch.optim.AdamW`.
 *
 * @example
 * const model = buildTrainStep(g, { loss, optimizer: adamw({ beta2: 0.95, weightDecay: 0.1 }) });
 */
export function adamw(options: AdamWOptions = {}): Optimizer {
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01 } = options;
  for (const [k, v] of Object.entries({ beta1, beta2 })) {
    if (!(v >= 0 && v < 1)) throw new RangeError(`adamw: '${k}' must be in [0, 1), got ${v}`);
  }
  if (!(eps > 0)) throw new RangeError(`adamw: 'eps' must be positive, got ${eps}`);
  if (!(weightDecay >= 0)) throw new RangeError(`adamw: 'weightDecay' must be >= 0, got ${weightDecay}`);
  return {
    name: 'adam',
    slots: ['m', 'v'],
    update({ param, grad, state: [m, v], lr, step }) {
      const decayed = weightDecay ? mul(param, sub(1, mul(lr, weightDecay))) : param;
      const m1 = add(mul(m!, beta1), mul(grad, 1 - beta1));
      const v1 = add(mul(v!, beta2), mul(mul(grad, grad), 1 - beta2));
      const bc1 = sub(1, pow(param.graph.constant(beta1, param.dtype), step));
      const bc2 = sub(1, pow(param.graph.constant(beta2, param.dtype), step));
      const denom = add(div(sqrt(v1), sqrt(bc2)), eps);
      const next = sub(decayed, mul(div(lr, bc1), div(m1, denom)));
      return { param: next, state: [m1, v1] };
    },
  };
}

export interface SgdOptions {
  readonly momentum?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
}

/** SGD with momentum, as `torch.optim.SGD` (weight decay added to the gradient). */
export function sgd(options: SgdOptions = {}): Optimizer {
  const { momentum = 0, weightDecay = 0, nesterov = false } = options;
  if (!(momentum >= 0)) throw new RangeError(`sgd: 'momentum' must be >= 0, got ${momentum}`);
  return {
    name: 'sgd',
    slots: momentum ? ['momentum'] : [],
    update({ param, grad, state: [buf], lr }) {
      const g = weightDecay ? add(grad, mul(param, weightDecay)) : grad;
      if (!momentum) return { param: sub(param, mul(lr, g)), state: [] };
      const b = add(mul(buf!, momentum), g);
      const dir = nesterov ? add(g, mul(b, momentum)) : b;
      return { param: sub(param, mul(lr, dir)), state: [b] };
    },
  };
}

export interface TrainStepOptions {
  readonly loss: Value;
  readonly optimizer: Optimizer;
  /** Parameters to train; defaults to every trainable parameter of the graph. */
  readonly params?: readonly Value[];
  /** Extra outputs, such as accuracies or the new recurrent state. */
  readonly metrics?: Readonly<Record<string, Value>>;
  /** Clip gradients to this global L2 norm (adds a `grad_norm` output). */
  readonly maxGradNorm?: number;
  readonly metadata?: ModelOptions['metadata'];
}

/** A train-step model and the names that map its inputs to its outputs. */
export interface TrainStepModel extends BuiltModel {
  /** Trained parameters: input name -> output name of its next value. */
  readonly paramOutputs: ReadonlyMap<string, string>;
  /** Optimizer state: input name -> output name, with the parameter it belongs to. */
  readonly stateOutputs: ReadonlyMap<string, { output: string; param: string }>;
}

/**
 * Turns a loss into one train step: forward, backward and the optimizer update in one graph.
 * Inputs: the graph's inputs, every parameter (fed), the optimizer state (`adam.m/<param>`),
 * `lr` and `step`. Outputs: `loss`, the metrics, `next/<param>` and `next/<state>`.
 *
 * @example
 * const model = buildTrainStep(g, { loss, optimizer: adamw(), metrics: { acc } });
 * const runner = await TrainStepRunner.create(ort, model, g);
 * const { loss } = await runner.step({ x, labels }, { lr: 1e-3 });
 */
export function buildTrainStep(g: Graph, options: TrainStepOptions): TrainStepModel {
  const { loss, optimizer } = options;
  const params = options.params ?? [...g.trainable];
  if (params.length === 0) throw new RangeError('buildTrainStep: no trainable parameters');
  const dtype = loss.dtype;
  const lr = g.input('lr', dtype, []);
  const step = g.input('step', dtype, []);
  let grads = gradients(loss, params);
  const outputs: Record<string, Value> = { loss, ...options.metrics };
  g.scope('optim', () => {
    if (options.maxGradNorm !== undefined) {
      const sq = grads.map((gr) => reduceSum(mul(gr, gr)));
      const norm = sqrt(sq.reduce((a, b) => add(a, b)));
      const scale = minimum(div(options.maxGradNorm!, add(norm, 1e-6)), 1);
      grads = grads.map((gr) => mul(gr, scale));
      outputs.grad_norm = norm;
    }
  });
  const paramOutputs = new Map<string, string>();
  const stateOutputs = new Map<string, { output: string; param: string }>();
  params.forEach((p, i) => {
    g.scope(`optim/${p.name}`, () => {
      const state = optimizer.slots.map((slot) =>
        g.input(`${optimizer.name}.${slot}/${p.name}`, p.dtype, p.shape),
      );
      const next = optimizer.update({ param: p, grad: grads[i]!, state, lr, step });
      outputs[`next/${p.name}`] = next.param;
      paramOutputs.set(p.name, `next/${p.name}`);
      state.forEach((s, k) => {
        outputs[`next/${s.name}`] = next.state[k]!;
        stateOutputs.set(s.name, { output: `next/${s.name}`, param: p.name });
      });
    });
  });
  const model = buildModel(g, { outputs, embedParams: false, metadata: options.metadata });
  return { ...model, paramOutputs, stateOutputs };
}

/** Zero-filled optimizer state for every state input of a train-step model. */
export function initialState(model: TrainStepModel): Map<string, HostTensor> {
  return fillState(model, new Map());
}

/**
 * Adds to `state` a zero-filled tensor for every state input of `model` it lacks (as
 * {@link initialState} would make it), leaving the entries it has alone; returns `state`.
 */
export function fillState(model: TrainStepModel, state: Map<string, HostTensor>): Map<string, HostTensor> {
  for (const sig of model.inputs) {
    if (model.stateOutputs.has(sig.name) && !state.has(sig.name))
      state.set(sig.name, allocate(sig.dtype, sig.shape as number[]));
  }
  return state;
}
