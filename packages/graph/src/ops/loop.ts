import { Graph, graphOf, type OpDef, Value } from '../graph.js';
import { identity } from './elementwise.js';

export const Loop: OpDef = {
  type: 'Loop',
  infer(inputs, attrs) {
    const body = (attrs.body as { g: Graph }).g;
    const carried = inputs.slice(2) as Value[];
    const outs = body.bodyOutputs;
    const scans = outs.slice(1 + carried.length);
    return [
      ...carried.map((v) => ({ dtype: v.dtype, shape: v.shape })),
      ...scans.map((s) => ({ dtype: s.dtype, shape: [`${body.name}_trips`, ...s.shape] })),
    ];
  },
};

export interface LoopStep {
  /** Whether to run another iteration (bool scalar). */
  readonly cond: Value;
  /** The next values of the loop-carried tensors, in order. */
  readonly carried: readonly Value[];
  /** Per-iteration outputs, stacked along a new first axis. */
  readonly scans?: readonly Value[];
}

export interface LoopOptions {
  /** Maximum trip count (int64 scalar value or a number). */
  readonly maxTrips: Value | number;
  /** Initial condition (bool scalar); defaults to true. */
  readonly cond?: Value;
  /** Initial values of the loop-carried tensors. */
  readonly carried: readonly Value[];
  /** Builds one iteration from the iteration number (int64 scalar) and the carried values. */
  readonly body: (iteration: Value, carried: Value[]) => LoopStep;
  readonly name?: string;
}

/**
 * The ONNX `Loop`: runs `body` while its `cond` holds, at most `maxTrips` times. The body may
 * read any value of the enclosing graphs.
 *
 * @example
 * const { carried: [total] } = loop({
 *   maxTrips: 10,
 *   carried: [start],
 *   body: (i, [acc]) => ({ cond: less(acc!, 100), carried: [mul(acc!, 2)] }),
 * });
 */
export function loop(options: LoopOptions): { carried: Value[]; scans: Value[] } {
  const { carried } = options;
  const outer = graphOf('Loop', [
    ...carried,
    options.cond,
    options.maxTrips instanceof Value ? options.maxTrips : undefined,
  ]);
  const body = new Graph(outer.uniqueName(options.name ?? 'loop_body'), outer);
  const iter = body.bodyInput('iteration', 'int64', []);
  // NOTE: ONNX passes the incoming condition to the body; the body computes its own.
  body.bodyInput('cond_in', 'bool', []);
  const carriedIn = carried.map((v, i) => body.bodyInput(`carried_${i}`, v.dtype, v.shape));
  const step = options.body(iter, carriedIn);
  if (step.carried.length !== carried.length) {
    throw new RangeError(
      `Loop: body returned ${step.carried.length} carried values, expected ${carried.length}`,
    );
  }
  step.carried.forEach((v, i) => {
    if (v.dtype !== carried[i]!.dtype) {
      throw new TypeError(`Loop: carried value ${i} changes dtype from ${carried[i]!.dtype} to ${v.dtype}`);
    }
  });
  if (step.cond.dtype !== 'bool') throw new TypeError(`Loop: cond must be bool, got ${step.cond.dtype}`);
  // NOTE: every body output must be a distinct value computed in the body.
  const seen = new Set<Value>();
  const own = (v: Value) => {
    const fresh = v.graph !== body || v.kind !== 'node' || seen.has(v) ? identityIn(body, v) : v;
    seen.add(fresh);
    return fresh;
  };
  body.bodyOutputs = [own(step.cond), ...step.carried.map(own), ...(step.scans ?? []).map(own)];
  const maxTrips =
    options.maxTrips instanceof Value ? options.maxTrips : outer.constant(BigInt(options.maxTrips), 'int64');
  const cond = options.cond ?? outer.constant(1, 'bool');
  const outs = outer.addNode(
    Loop,
    [maxTrips, cond, ...carried],
    { body: { g: body } },
    Loop.infer([maxTrips, cond, ...carried], { body: { g: body } }),
  ).outputs;
  return { carried: outs.slice(0, carried.length), scans: outs.slice(carried.length) };
}

function identityIn(body: Graph, v: Value): Value {
  if (v.graph === body) return identity(v);
  // NOTE: an outer value must be copied inside the body to become a body output.
  return body.addNode(
    { type: 'Identity', infer: (i) => [{ dtype: i[0]!.dtype, shape: i[0]!.shape }] },
    [v],
    {},
    [{ dtype: v.dtype, shape: v.shape }],
  ).outputs[0]!;
}
