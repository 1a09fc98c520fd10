import { isFloat } from './dtype.js';
import type { Node, Value } from './graph.js';
import { add } from './ops/elementwise.js';
import { reduceSum } from './ops/reduce.js';
import { reshape, zerosLike } from './ops/shape.js';
import { dimEquals, formatShape, type Shape } from './shape.js';

export interface GradientOptions {
  /** Return zeros for a `wrt` value the loss does not depend on, instead of throwing. */
  readonly allowUnused?: boolean;
}

const diffInputs = (node: Node): number[] => {
  const { diff, stop } = node.def;
  if (stop) return [];
  if (diff === 'all' || diff === undefined) return node.inputs.map((_, i) => i);
  return [...diff];
};

/**
 * Reverse-mode autodiff: appends to the graph the backward pass of `loss` (a float scalar)
 * and returns the gradient of each `wrt` value, in order.
 *
 * Throws when a gradient would have to pass through a non-differentiable op (ArgMax,
 * comparisons, integer tensors): wrap such a value in `stopGradient` if it is a constant.
 *
 * @example
 * const [dw] = gradients(loss, [w]);
 */
export function gradients(loss: Value, wrt: readonly Value[], options: GradientOptions = {}): Value[] {
  if (!isFloat(loss.dtype) || loss.rank !== 0) {
    throw new TypeError(`gradients: 'loss' must be a float scalar, got ${loss}`);
  }
  const graph = loss.graph;
  const nodes = graph.nodes;

  // Values that depend on `wrt` through edges that can carry a gradient.
  const forward = new Set<Value>(wrt);
  for (const node of nodes) {
    if (diffInputs(node).some((i) => node.inputs[i] && forward.has(node.inputs[i]!))) {
      for (const o of node.outputs) forward.add(o);
    }
  }
  // Values on a path from `wrt` to `loss`.
  const active = new Set<Value>();
  if (forward.has(loss)) active.add(loss);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    if (!node.outputs.some((o) => active.has(o))) continue;
    const isDiff = node.def.vjp !== undefined || node.def.stop;
    if (!isDiff) {
      const through = node.inputs.find((v) => v && forward.has(v));
      throw new Error(
        `gradients: ${node.def.type} '${node.name}' is not differentiable, but the loss depends on ${through} through it; ` +
          'wrap the value in stopGradient() if it should count as a constant',
      );
    }
    for (const i of diffInputs(node)) {
      const v = node.inputs[i];
      if (v && forward.has(v)) {
        if (!isFloat(v.dtype)) {
          const src =
            v.producer && !v.producer.def.vjp
              ? `${v.producer.def.type} '${v.producer.name}' is not differentiable and `
              : '';
          throw new TypeError(
            `gradients: ${src}${v} carries no gradient (${v.dtype}), but the loss depends on it through ` +
              `${node.def.type} '${node.name}'; wrap the value in stopGradient() if it should count as a constant`,
          );
        }
        active.add(v);
      }
    }
  }

  const pending = new Map<Value, Value[]>();
  const push = (v: Value, g: Value) => {
    const list = pending.get(v);
    if (list) list.push(g);
    else pending.set(v, [g]);
  };
  const total = (v: Value): Value | undefined => {
    const list = pending.get(v);
    if (!list) return undefined;
    const sum = list.reduce((a, b) => add(a, b));
    pending.set(v, [sum]);
    return sum;
  };

  push(loss, graph.constant(1, loss.dtype));
  graph.scope('grad', () => {
    for (let k = nodes.length - 1; k >= 0; k--) {
      const node = nodes[k]!;
      if (node.def.stop || !node.outputs.some((o) => active.has(o))) continue;
      const grads = node.outputs.map(total);
      if (grads.every((g) => !g)) continue;
      const inGrads = node.def.vjp!({
        node,
        inputs: node.inputs,
        outputs: node.outputs,
        grads,
        attrs: node.attrs,
      });
      for (const i of diffInputs(node)) {
        const x = node.inputs[i];
        const g = inGrads[i];
        if (x && g && active.has(x)) push(x, unbroadcast(g, x.shape, `${node.def.type} '${node.name}'`));
      }
    }
  });

  return wrt.map((w) => {
    const g = total(w);
    if (g) return g;
    if (options.allowUnused) return zerosLike(w);
    throw new Error(`gradients: the loss does not depend on ${w}; pass { allowUnused: true } to get zeros`);
  });
}

/**
 * Sums a gradient that was broadcast back down to `shape`: the one place where broadcasting
 * is undone, so vector-Jacobian rules may return gradients in the broadcast output shape.
 */
export function unbroadcast(g: Value, shape: Shape, where = 'gradients'): Value {
  const lead = g.rank - shape.length;
  if (lead < 0) {
    throw new RangeError(
      `${where}: gradient ${formatShape(g.shape)} has lower rank than its input ${formatShape(shape)}`,
    );
  }
  let out =
    lead > 0
      ? reduceSum(
          g,
          Array.from({ length: lead }, (_, i) => i),
        )
      : g;
  const axes: number[] = [];
  shape.forEach((d, i) => {
    const gd = out.shape[i]!;
    if (dimEquals(d, gd)) return;
    if (d === 1) axes.push(i);
    else {
      throw new RangeError(
        `${where}: gradient ${formatShape(g.shape)} does not reduce to input shape ${formatShape(shape)}`,
      );
    }
  });
  if (axes.length) out = reduceSum(out, axes, true);
  return out.rank === shape.length && out.shape.every((d, i) => dimEquals(d, shape[i]!))
    ? out
    : reshape(out, shape);
}
