// The part of ONNX Runtime the CGAR packages use, defined once: @cgar/graph runs its sessions on it
// and @cgar/runtime serves models on it. Pass the module itself (`import * as ort from
// 'onnxruntime-node'` or `'onnxruntime-web'`): both fit these interfaces without a cast. Nothing here
// imports ONNX Runtime, so every package stays free to pick (or not load) a build.

/**
 * The part of an ONNX Runtime tensor the packages read.
 *
 * @example
 * const t: OrtTensor = new ort.Tensor('float32', Float32Array.of(1, 2), [2]);
 */
export interface OrtTensor {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}

/**
 * The part of an ONNX Runtime `InferenceSession` the packages use: its input and output names, and
 * `run` with every output or with the outputs named in `fetches`.
 *
 * @example
 * const session: OrtSession = await ort.InferenceSession.create(bytes);
 * const { y } = await session.run({ x }, ['y']);
 */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  run(feeds: Record<string, OrtTensor>, fetches: readonly string[]): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}

/**
 * The part of an ONNX Runtime module (`onnxruntime-node` or `onnxruntime-web`) the packages use:
 * sessions from model bytes, and CPU tensors of the element types they feed (`bool` as one byte per
 * element, as ONNX Runtime stores it).
 *
 * @example
 * import * as ort from 'onnxruntime-node';
 * const m: OrtModule = ort;
 * const tokens = new m.Tensor('int64', BigInt64Array.of(1n, 2n), [1, 2]);
 */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSession> };
  readonly Tensor: {
    new (type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
    new (type: 'float64', data: Float64Array, dims: readonly number[]): OrtTensor;
    new (type: 'int32', data: Int32Array, dims: readonly number[]): OrtTensor;
    new (type: 'int64', data: BigInt64Array, dims: readonly number[]): OrtTensor;
    new (type: 'bool', data: Uint8Array, dims: readonly number[]): OrtTensor;
  };
}
