import { emit1, type OpDef, type Value } from '../graph.js';
import { normAxis } from '../shape.js';
import { need, needFloat } from './check.js';
import { exp, mul, sub } from './elementwise.js';
import { reduceSum } from './reduce.js';

function softmaxDef(type: 'Softmax' | 'LogSoftmax'): OpDef {
  return {
    type,
    diff: [0],
    infer(inputs, attrs) {
      const x = need(type, 'x', inputs[0]);
      needFloat(type, 'x', x);
      if (normAxis((attrs.axis as { i: number }).i, x.rank) === undefined) {
        throw new RangeError(`${type}: axis ${(attrs.axis as { i: number }).i} is out of range for ${x}`);
      }
      return [{ dtype: x.dtype, shape: x.shape }];
    },
    vjp: ({ outputs: [y], grads: [g], attrs }) => {
      if (!g) return [];
      const axis = (attrs.axis as { i: number }).i;
      return type === 'Softmax'
        ? [mul(y!, sub(g, reduceSum(mul(g, y!), [axis], true)))]
        : [sub(g, mul(exp(y!), reduceSum(g, [axis], true)))];
    },
  };
}

export const Softmax = softmaxDef('Softmax');
export const LogSoftmax = softmaxDef('LogSoftmax');

/** Softmax along `axis`. */
export const softmax = (x: Value, axis = -1): Value => emit1(Softmax, [x], { axis: { i: axis } });
/** Log-softmax along `axis`. */
export const logSoftmax = (x: Value, axis = -1): Value => emit1(LogSoftmax, [x], { axis: { i: axis } });
