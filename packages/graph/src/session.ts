import { type OrtModule, type OrtSession, type OrtTensor, Problems } from '@cgar/common';
import { type DType, type HostTensor, sizeOf } from './dtype.js';
import type { BuiltModel, Signature } from './serialize.js';
import { dimCoef, dimSymbols, formatShape } from './shape.js';

// NOTE: the ONNX Runtime interfaces are @cgar/common's (the same declarations @cgar/runtime uses),
// re-exported from this package's root.
export type { OrtModule, OrtSession, OrtTensor };

export interface GraphSessionOptions {
  /** Passed to `InferenceSession.create` (execution providers, threads, ...). */
  readonly sessionOptions?: object;
}

/**
 * An ONNX Runtime session over a built model that checks every feed against the model's
 * signature before it runs, and speaks `HostTensor`.
 *
 * @example
 * import * as ort from 'onnxruntime-node';
 * const session = await GraphSession.create(ort, buildModel(g, { outputs: { y } }));
 * const { y } = await session.run({ x: hostTensor('float32', [2, 3], new Float32Array(6)) });
 */
export class GraphSession {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    readonly inputs: readonly Signature[],
    readonly outputs: readonly Signature[],
  ) {}

  static async create(
    ort: OrtModule,
    model: BuiltModel,
    options: GraphSessionOptions = {},
  ): Promise<GraphSession> {
    const session = await ort.InferenceSession.create(model.bytes, options.sessionOptions);
    return new GraphSession(ort, session, model.inputs, model.outputs);
  }

  /** Runs the model; `fetches` limits which outputs are returned (all by default). */
  async run(
    feeds: Readonly<Record<string, HostTensor>>,
    fetches?: readonly string[],
  ): Promise<Record<string, HostTensor>> {
    this.check(feeds, fetches);
    const ortFeeds: Record<string, OrtTensor> = {};
    // NOTE: one overload per dtype; a HostTensor pairs each dtype with its array, so any of them fits.
    const Ctor = this.ort.Tensor as new (
      type: DType,
      data: HostTensor['data'],
      dims: readonly number[],
    ) => OrtTensor;
    for (const sig of this.inputs) {
      const t = feeds[sig.name]!;
      ortFeeds[sig.name] = new Ctor(t.dtype, t.data, t.dims);
    }
    const out = await this.session.run(ortFeeds, fetches ?? this.outputs.map((o) => o.name));
    const result: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(out)) {
      result[name] = { dtype: t.type as DType, dims: [...t.dims], data: t.data as HostTensor['data'] };
    }
    return result;
  }

  async release(): Promise<void> {
    await this.session.release?.();
  }

  /**
   * Collects every problem with `feeds`, then throws once by the one error rule of `@cgar/common`'s
   * `Problems`: a missing feed or a wrong dtype is a wrong kind (TypeError when every problem is),
   * a wrong shape or an unknown feed or fetch name is out of range (RangeError).
   */
  private check(feeds: Readonly<Record<string, HostTensor>>, fetches?: readonly string[]): void {
    const problems = new Problems();
    const bound = new Map<string, number>();
    for (const sig of this.inputs) {
      const t = feeds[sig.name];
      if (!t) {
        problems.type(`missing feed '${sig.name}' (${sig.dtype} ${formatShape(sig.shape)})`);
        continue;
      }
      if (t.dtype !== sig.dtype) {
        problems.type(`feed '${sig.name}' has dtype ${t.dtype}, expected ${sig.dtype}`);
        continue;
      }
      const shapeOk =
        t.dims.length === sig.shape.length &&
        sig.shape.every((d, i) => {
          const actual = t.dims[i]!;
          if (typeof d === 'number') return d === actual;
          const syms = dimSymbols(d);
          if (syms.length !== 1) return actual % dimCoef(d) === 0;
          const value = actual / dimCoef(d);
          const prev = bound.get(syms[0]!);
          if (prev === undefined) bound.set(syms[0]!, value);
          return prev === undefined || prev === value;
        });
      if (!shapeOk || sizeOf(t.dims) !== t.data.length) {
        problems.range(
          `feed '${sig.name}' has shape ${formatShape(t.dims)}, expected ${formatShape(sig.shape)}`,
        );
      }
    }
    const known = new Set(this.inputs.map((s) => s.name));
    for (const name of Object.keys(feeds)) {
      if (!known.has(name))
        problems.range(`unknown feed '${name}'; the model takes ${[...known].join(', ')}`);
    }
    const outs = new Set(this.outputs.map((s) => s.name));
    for (const f of fetches ?? []) if (!outs.has(f)) problems.range(`unknown fetch '${f}'`);
    problems.throwIfAny('GraphSession.run');
  }
}
