import { createRng, deriveSeed, type Rng } from '@cgar/common';
import { createCurriculum, type Depth, paperSchedule, type StageChangeEvent } from '@cgar/curriculum';
import { createWeighting, type StepContext } from '@cgar/supervision';
import * as tf from '@tensorflow/tfjs-core';
// NOTE: tfjs-core keeps its gradients out of the core bundle; training needs them registered.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { Teacher } from './data.js';

export interface TrainOptions {
  totalSteps?: number;
  batch?: number;
  /** Supervision steps per sample (`Nsup`). */
  nSup?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface TrainResult {
  /** Unweighted mean squared error of every optimizer step. */
  losses: number[];
  stages: StageChangeEvent[];
  /** Error on held-out samples after `nSup` supervision steps at the full depth. */
  evalLoss: number;
  evalDepth: Depth;
}

const IN = 8;
const OUT = 4;
const D = 32;
const H = 64;

/**
 * Trains a tiny recursive model with deep supervision on a toy regression task, with the CGAR depth
 * curriculum and hierarchical supervision weighting as plugins of this hand-written loop.
 */
export async function train(options: TrainOptions = {}): Promise<TrainResult> {
  const { totalSteps = 400, batch = 32, nSup = 4, seed = 1, log = console.log } = options;
  await tf.setBackend('cpu');
  const rng = createRng(seed);
  const teacher = new Teacher(IN, OUT, rng);
  const init = (rows: number, cols: number) =>
    tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: rows * cols }, () => rng.normal() / Math.sqrt(rows)),
        [rows, cols],
      ),
    );
  const params = { wIn: init(IN, D), w1: init(D, H), w2: init(H, D), wOut: init(D, OUT) };
  const net = (h: tf.Tensor2D, injection: tf.Tensor2D): tf.Tensor2D =>
    tf.tanh(tf.matMul(tf.tanh(tf.matMul(tf.add(h, injection), params.w1)), params.w2)) as tf.Tensor2D;
  // One supervision step (docs/design.md section 3): T-1 cycles then the last one, each n latent updates.
  const cycles = (x: tf.Tensor2D, y: tf.Tensor2D, z: tf.Tensor2D, n: number, count: number) => {
    for (let c = 0; c < count; c++) {
      for (let i = 0; i < n; i++) z = net(z, tf.add(y, x));
      y = net(y, z);
    }
    return { y, z };
  };

  const stages: StageChangeEvent[] = [];
  const curriculum = createCurriculum(paperSchedule(), { totalSteps, onStageChange: (e) => stages.push(e) });
  const hsw = createWeighting({ nSup, lambda: 0.7 });
  const plugins = [curriculum, hsw];
  const optimizer = tf.train.adam(3e-3);

  // The persistent batch: each slot holds a sample, its carry (y, z) and its supervision step.
  const x = new Float32Array(batch * IN);
  const target = new Float32Array(batch * OUT);
  const steps = new Int32Array(batch); // steps already run on the slot's sample
  for (let i = 0; i < batch; i++) teacher.sample(rng, x, target, i);
  let carry = { y: tf.zeros([batch, D]) as tf.Tensor2D, z: tf.zeros([batch, D]) as tf.Tensor2D };
  const losses: number[] = [];

  for (let step = 0; step < totalSteps; step++) {
    const ctx: StepContext = { step, totalSteps, stepIndices: steps.map((s) => s + 1) };
    for (const p of plugins) p.onStepStart(ctx);
    const { n, T } = ctx.depth!;
    const xs = tf.tensor2d(x, [batch, IN]);
    const ys = tf.tensor2d(target, [batch, OUT]);
    const weights = tf.tensor1d(ctx.weights!);
    const start = tf.tidy(() => cycles(tf.matMul(xs, params.wIn), carry.y, carry.z, n, T - 1));
    let next = carry;
    let perSample: Float32Array = new Float32Array(batch);
    optimizer.minimize(() => {
      const last = cycles(tf.matMul(xs, params.wIn), start.y, start.z, n, 1);
      const errors = tf.mean(tf.square(tf.sub(tf.matMul(last.y, params.wOut), ys)), 1);
      perSample = errors.dataSync() as Float32Array;
      next = { y: tf.keep(last.y), z: tf.keep(last.z) };
      return tf.div(tf.sum(tf.mul(errors, weights)), batch) as tf.Scalar;
    });
    ctx.sampleLosses = perSample;
    for (const p of plugins) p.onStepEnd?.(ctx);
    losses.push(perSample.reduce((s, v) => s + v, 0) / batch);
    if (step % 50 === 0 || step === totalSteps - 1)
      log(`step ${String(step).padStart(4)}  depth (n=${n}, T=${T})  loss ${losses[step]!.toFixed(4)}`);

    // Deep supervision: advance every slot; a slot that ran Nsup steps gets a fresh sample and carry.
    const fresh = new Float32Array(batch);
    for (let i = 0; i < batch; i++) {
      steps[i] = steps[i]! + 1;
      if (steps[i]! < nSup) continue;
      steps[i] = 0;
      fresh[i] = 1;
      teacher.sample(rng, x, target, i);
    }
    const keep = tf.tensor2d(
      fresh.map((f) => 1 - f),
      [batch, 1],
    );
    const reset = { y: tf.mul(next.y, keep) as tf.Tensor2D, z: tf.mul(next.z, keep) as tf.Tensor2D };
    tf.dispose([xs, ys, weights, start.y, start.z, next.y, next.z, keep, carry.y, carry.z]);
    carry = reset;
  }

  const evalDepth = curriculum.evaluationDepth();
  const evalLoss = evaluate(
    teacher,
    createRng(deriveSeed(seed, 'eval')),
    256,
    nSup,
    evalDepth,
    (xs, y, z, n, count) => cycles(tf.matMul(xs, params.wIn), y, z, n, count),
  );
  const lossOut = tf.tidy(() => evalLoss(params.wOut));
  tf.dispose([carry.y, carry.z, ...Object.values(params)]);
  optimizer.dispose();
  log(
    `evaluation at full depth (n=${evalDepth.n}, T=${evalDepth.T}) after ${nSup} supervision steps: loss ${lossOut.toFixed(4)}`,
  );
  return { losses, stages, evalLoss: lossOut, evalDepth };
}

type Cycles = (
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  z: tf.Tensor2D,
  n: number,
  count: number,
) => { y: tf.Tensor2D; z: tf.Tensor2D };

/** Held-out error: every supervision step at the full depth, as evaluation always runs. */
function evaluate(teacher: Teacher, rng: Rng, count: number, nSup: number, depth: Depth, cycles: Cycles) {
  const x = new Float32Array(count * teacher.in);
  const target = new Float32Array(count * teacher.out);
  for (let i = 0; i < count; i++) teacher.sample(rng, x, target, i);
  return (wOut: tf.Tensor2D): number => {
    const xs = tf.tensor2d(x, [count, teacher.in]);
    let state = {
      y: tf.zeros([count, wOut.shape[0]]) as tf.Tensor2D,
      z: tf.zeros([count, wOut.shape[0]]) as tf.Tensor2D,
    };
    for (let s = 0; s < nSup; s++) state = cycles(xs, state.y, state.z, depth.n, depth.T);
    const error = tf.mean(
      tf.square(tf.sub(tf.matMul(state.y, wOut), tf.tensor2d(target, [count, teacher.out]))),
    );
    return error.dataSync()[0]!;
  };
}
