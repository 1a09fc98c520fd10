/** Element types a graph value can hold. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

/** The typed array that holds each dtype on the host. */
export interface DTypeArray {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}

/** ONNX `TensorProto.DataType` codes. */
export const ONNX_DTYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'bool'];

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function bytesPerElement(dtype: DType): number {
  return { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 }[dtype];
}

/**
 * A tensor held in host memory: its dtype, concrete dims and a flat row-major typed array.
 *
 * @example
 * const t: HostTensor<'float32'> = { dtype: 'float32', dims: [2, 2], data: new Float32Array(4) };
 */
export interface HostTensor<D extends DType = DType> {
  readonly dtype: D;
  readonly dims: readonly number[];
  readonly data: DTypeArray[D];
}

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/**
 * Builds a host tensor, checking that `data` has the element count `dims` implies.
 *
 * @example
 * const w = hostTensor('float32', [2, 3], new Float32Array(6));
 */
export function hostTensor<D extends DType>(
  dtype: D,
  dims: readonly number[],
  data: DTypeArray[D],
): HostTensor<D> {
  const n = sizeOf(dims);
  if (data.length !== n) {
    throw new RangeError(`hostTensor: data has ${data.length} elements, dims [${dims.join(', ')}] need ${n}`);
  }
  return { dtype, dims: [...dims], data };
}

export function allocate<D extends DType>(dtype: D, dims: readonly number[]): HostTensor<D> {
  const n = sizeOf(dims);
  const data = {
    float32: () => new Float32Array(n),
    float64: () => new Float64Array(n),
    int32: () => new Int32Array(n),
    int64: () => new BigInt64Array(n),
    bool: () => new Uint8Array(n),
  }[dtype]() as DTypeArray[D];
  return { dtype, dims: [...dims], data };
}
