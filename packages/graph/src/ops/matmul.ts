import { emit1, type OpDef, type Value } from '../graph.js';
import { broadcastShapes, dimEquals, formatShape } from '../shape.js';
import { need, needDType, sameDType } from './check.js';
import { reshape, transposeLast } from './shape.js';

export const MatMul: OpDef = {
  type: 'MatMul',
  diff: [0, 1],
  infer(inputs) {
    const a = need('MatMul', 'a', inputs[0]);
    const b = need('MatMul', 'b', inputs[1]);
    const dtype = sameDType('MatMul', ['a', 'b'], [a, b]);
    needDType('MatMul', 'a', a, ['float32', 'float64']);
    if (a.rank < 2 || b.rank < 2) {
      throw new RangeError(
        `MatMul: 'a' and 'b' need rank 2 or more, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
      );
    }
    const k = a.shape[a.rank - 1]!;
    if (!dimEquals(k, b.shape[b.rank - 2]!)) {
      throw new RangeError(
        `MatMul: 'b' has shape ${formatShape(b.shape)}, expected [${k}, *] to match 'a' ${formatShape(a.shape)}`,
      );
    }
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if (!batch) {
      throw new RangeError(
        `MatMul: batch dims of ${formatShape(a.shape)} and ${formatShape(b.shape)} do not broadcast`,
      );
    }
    return [{ dtype, shape: [...batch, a.shape[a.rank - 2]!, b.shape[b.rank - 1]!] }];
  },
  vjp: ({ inputs: [a, b], grads: [g] }) => {
    if (!g) return [];
    // NOTE: a weight shared over a batch (b of rank 2) gets one flat matmul rather than a
    // batched product followed by a reduction: the same sum, without the [batch, K, N] temporary.
    const gb =
      b!.rank === 2 && a!.rank > 2
        ? matmul(
            transposeLast(reshape(a!, [-1, a!.shape[a!.rank - 1]!])),
            reshape(g, [-1, g.shape[g.rank - 1]!]),
          )
        : matmul(transposeLast(a!), g);
    return [matmul(g, transposeLast(b!)), gb];
  },
};

/**
 * Matrix product over the last two axes, broadcasting leading (batch) axes.
 *
 * @example
 * const y = matmul(x, w); // [B, S, K] x [K, N] -> [B, S, N]
 */
export const matmul = (a: Value, b: Value): Value => emit1(MatMul, [a, b]);
