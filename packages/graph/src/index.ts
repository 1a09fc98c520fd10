export { type GradientOptions, gradients, unbroadcast } from './autodiff.js';
export type { DType, DTypeArray, HostTensor } from './dtype.js';
export { allocate, bytesPerElement, DTYPES, hostTensor, isFloat, sizeOf } from './dtype.js';
export { matmulFlops } from './flops.js';
export type { Attr, Attrs, OpDef, Operand, ParamOptions, ValueInfo, ValueKind, VjpContext } from './graph.js';
export { emit, emit1, Graph, Node, Value } from './graph.js';
export { type ModelScan, readModelMetadata, scanModel } from './metadata.js';
export {
  bceWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  exactMatch,
  linear,
  logStablemax,
  maskedMean,
  mean,
  rmsNorm,
  silu,
  swiglu,
  swigluRows,
} from './nn.js';
export {
  abs,
  add,
  and,
  cast,
  div,
  equal,
  exp,
  greater,
  identity,
  less,
  log,
  maximum,
  minimum,
  mul,
  neg,
  not,
  or,
  pow,
  reciprocal,
  relu,
  sigmoid,
  sign,
  sqrt,
  stopGradient,
  sub,
  tanh,
  where,
} from './ops/elementwise.js';
export { gather, oneHot } from './ops/gather.js';
export { type LoopOptions, type LoopStep, loop } from './ops/loop.js';
export { matmul } from './ops/matmul.js';
export { argMax, reduceMax, reduceMean, reduceMin, reduceSum } from './ops/reduce.js';
export { OPS } from './ops/registry.js';
export {
  concat,
  expand,
  pad,
  reshape,
  shapeOf,
  shapeTensor,
  sizeOf as sizeOfValue,
  slice,
  split,
  squeeze,
  transpose,
  transposeLast,
  unsqueeze,
  zerosLike,
} from './ops/shape.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export {
  type AdamWOptions,
  adamw,
  buildTrainStep,
  initialState,
  type Optimizer,
  type SgdOptions,
  sgd,
  type TrainStepModel,
  type TrainStepOptions,
  type UpdateContext,
} from './optim.js';
export { type PendingStep, type StepOptions, TrainStepRunner, type TrainStepStores } from './runner.js';
export {
  type BuiltModel,
  buildModel,
  IR_VERSION,
  type ModelOptions,
  OPSET,
  type Signature,
} from './serialize.js';
export {
  GraphSession,
  type GraphSessionOptions,
  type OrtModule,
  type OrtSession,
  type OrtTensor,
} from './session.js';
export type { Dim, Shape } from './shape.js';
export { broadcastShapes, formatShape } from './shape.js';
