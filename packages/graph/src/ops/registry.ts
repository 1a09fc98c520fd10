import type { OpDef } from '../graph.js';
import * as E from './elementwise.js';
import { Gather } from './gather.js';
import { Loop } from './loop.js';
import { MatMul } from './matmul.js';
import { ArgMax, ReduceMax, ReduceMean, ReduceMin, ReduceSum } from './reduce.js';
import * as S from './shape.js';
import { LogSoftmax, Softmax } from './softmax.js';

/**
 * The op table, keyed by ONNX op type: one entry per primitive, each with its shape inference
 * and, where differentiable, its vector-Jacobian rule. Composites (silu, rmsNorm, losses) are
 * built from these and need no entry.
 */
export const OPS: ReadonlyMap<string, OpDef> = new Map(
  [
    E.Add,
    E.Sub,
    E.Mul,
    E.Div,
    E.Pow,
    E.Max,
    E.Min,
    E.Neg,
    E.Sqrt,
    E.Exp,
    E.Log,
    E.Abs,
    E.Sigmoid,
    E.Tanh,
    E.Relu,
    E.Reciprocal,
    E.Identity,
    E.Sign,
    E.Where,
    E.Cast,
    E.Equal,
    E.Greater,
    E.Less,
    E.And,
    E.Or,
    E.Not,
    MatMul,
    ReduceSum,
    ReduceMean,
    ReduceMax,
    ReduceMin,
    ArgMax,
    Softmax,
    LogSoftmax,
    S.Reshape,
    S.Transpose,
    S.Concat,
    S.Slice,
    S.Split,
    Gather,
    S.Expand,
    S.Unsqueeze,
    S.Squeeze,
    S.Pad,
    S.ShapeOp,
    S.Size,
    Loop,
  ].map((def) => [def.type, def]),
);
