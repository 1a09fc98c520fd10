import type { Value } from './graph.js';
import {
  abs,
  add,
  cast,
  div,
  equal,
  exp,
  less,
  log,
  maximum,
  minimum,
  mul,
  neg,
  not,
  or,
  reciprocal,
  relu,
  sigmoid,
  sqrt,
  stopGradient,
  sub,
  where,
} from './ops/elementwise.js';
import { oneHot } from './ops/gather.js';
import { matmul } from './ops/matmul.js';
import { argMax, reduceMax, reduceMean, reduceSum } from './ops/reduce.js';
import { split, transpose } from './ops/shape.js';

// Composites: built from primitives, so they need no gradient rules of their own.

/** `x * sigmoid(x)`. */
export const silu = (x: Value): Value => mul(x, sigmoid(x));

/**
 * Root-mean-square normalisation without gain: `x / sqrt(mean(x^2, axis) + eps)`.
 *
 * @example
 * const h = rmsNorm(add(x, mixer(x)), 1e-5);
 */
export function rmsNorm(x: Value, eps = 1e-5, axis = -1): Value {
  return div(x, sqrt(add(reduceMean(mul(x, x), [axis], true), eps)));
}

/** `x @ w^T` for a weight stored `[out, in]` like a PyTorch `Linear` without bias. */
export const linear = (x: Value, w: Value): Value => matmul(x, transpose(w));

/**
 * SwiGLU with fused weights: `down(silu(gate(x)) * up(x))`, where `gateUp` is `[2*inter, width]`
 * (gate rows first) and `down` is `[width, inter]`.
 */
export function swiglu(x: Value, gateUp: Value, down: Value): Value {
  const inter = down.shape[1] as number;
  const [gate, up] = split(linear(x, gateUp), [inter, inter], -1);
  return linear(mul(silu(gate!), up!), down);
}

/**
 * SwiGLU that mixes along the second-to-last axis (the sequence of `[B, S, D]`): the same as
 * `transpose(swiglu(transpose(x)))` with weights `[2*inter, S]` and `[S, inter]`, computed as
 * `down @ (silu(gate @ x) * (up @ x))` so no activation is ever transposed.
 */
export function swigluRows(x: Value, gateUp: Value, down: Value): Value {
  const inter = down.shape[1] as number;
  const [gate, up] = split(matmul(gateUp, x), [inter, inter], -2);
  return matmul(down, mul(silu(gate!), up!));
}

export interface CrossEntropyOptions {
  /** Label ignored by the loss (padding); its positions get loss 0 and mask 0. Default 0. */
  readonly ignoreIndex?: number;
  /** `softmax` (default) or `stablemax` (TRM's official code). */
  readonly kind?: 'softmax' | 'stablemax';
}

/**
 * Stablemax log-probabilities: `s(v) = v + 1` for `v >= 0`, else `1 / (1 - v)`, normalised.
 * Each branch only sees inputs where it is finite, so its gradient is never `0 * inf`.
 */
export function logStablemax(logits: Value, axis = -1): Value {
  const s = where(less(logits, 0), reciprocal(sub(1, minimum(logits, 0))), add(logits, 1));
  return sub(log(s), log(reduceSum(s, [axis], true)));
}

/**
 * Log-softmax as `x - m - log(sum(exp(x - m)))` with `m` the (constant) maximum along `axis`:
 * the same values and gradient as the LogSoftmax op, from ops that every execution provider
 * runs. NOTE: onnxruntime's WebGPU provider has no LogSoftmax kernel; the op would run on the
 * CPU and copy the logits off the device and back twice per train step.
 */
export function logSoftmaxPortable(logits: Value, axis = -1): Value {
  const shifted = sub(logits, stopGradient(reduceMax(logits, [axis], true)));
  return sub(shifted, log(reduceSum(exp(shifted), [axis], true)));
}

/**
 * Cross-entropy of `logits [..., V]` against integer `labels [...]`, per position, with the
 * mask of positions that count (labels other than `ignoreIndex`).
 *
 * @example
 * const { loss, mask } = crossEntropy(logits, labels, { ignoreIndex: 0 });
 */
export function crossEntropy(
  logits: Value,
  labels: Value,
  options: CrossEntropyOptions = {},
): { loss: Value; mask: Value } {
  const vocab = logits.shape[logits.rank - 1] as number;
  const logp = options.kind === 'stablemax' ? logStablemax(logits) : logSoftmaxPortable(logits);
  const picked = reduceSum(mul(logp, oneHot(labels, vocab, logits.dtype as 'float32')), [-1]);
  const mask = cast(
    not(equal(labels, cast(labels.graph.constant(options.ignoreIndex ?? 0, 'int64'), labels.dtype))),
    logits.dtype,
  );
  return { loss: neg(mul(picked, mask)), mask };
}

/** Mean of `x` over `axes` counting only where `mask` is 1 (0 where the mask is empty). */
export function maskedMean(x: Value, mask: Value, axes: readonly number[]): Value {
  return div(reduceSum(mul(x, mask), axes), maximum(reduceSum(mask, axes), 1));
}

/** Binary cross-entropy with logits, elementwise: `max(x,0) - x*t + log(1 + exp(-|x|))`. */
export function bceWithLogits(x: Value, target: Value): Value {
  return add(sub(relu(x), mul(x, target)), log(add(exp(neg(abs(x))), 1)));
}

/**
 * 1 where every counted position's argmax equals its label, per sample over `axes` (a metric:
 * no gradient flows through it).
 */
export function exactMatch(
  logits: Value,
  labels: Value,
  options: { ignoreIndex?: number; axes?: number[] } = {},
): Value {
  const ignore = labels.graph.constant(options.ignoreIndex ?? 0, 'int64');
  const ok = or(
    equal(cast(argMax(logits, -1), labels.dtype), labels),
    equal(labels, cast(ignore, labels.dtype)),
  );
  const wrong = reduceSum(cast(not(ok), 'float32'), options.axes ?? [-1]);
  return stopGradient(cast(equal(wrong, 0), logits.dtype));
}

/** Mean over all elements, a convenience for scalar losses. */
export const mean = (x: Value): Value => reduceMean(x);
