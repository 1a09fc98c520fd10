import type { DType, DTypeArray, HostTensor } from '@cgar/graph';

/** A safetensors dtype code we read: the host dtype it decodes to and its bytes per element. */
export interface DTypeInfo {
  code: string;
  dtype: DType;
  size: number;
}

export const SAFETENSORS_DTYPES: Readonly<Record<string, DTypeInfo>> = {
  F64: { code: 'F64', dtype: 'float64', size: 8 },
  I64: { code: 'I64', dtype: 'int64', size: 8 },
  F32: { code: 'F32', dtype: 'float32', size: 4 },
  I32: { code: 'I32', dtype: 'int32', size: 4 },
  F16: { code: 'F16', dtype: 'float32', size: 2 },
  BF16: { code: 'BF16', dtype: 'float32', size: 2 },
  BOOL: { code: 'BOOL', dtype: 'bool', size: 1 },
};

export const ENCODE_CODES: Readonly<Record<DType, string>> = {
  float64: 'F64',
  int64: 'I64',
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// NOTE: safetensors is little-endian; on a big-endian host every element is byte-swapped.
function swapInPlace(bytes: Uint8Array, size: number): Uint8Array {
  if (LITTLE_ENDIAN || size === 1) return bytes;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}

/** The tensor's elements as little-endian bytes (a copy). */
export function encodeTensorData(t: HostTensor): Uint8Array {
  const d = t.data;
  const bytes = new Uint8Array(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  return swapInPlace(bytes, d.BYTES_PER_ELEMENT);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Decodes little-endian bytes (already checked to be the right length) into a fresh typed array. */
export function decodeTensorData(info: DTypeInfo, bytes: Uint8Array): DTypeArray[DType] {
  const n = bytes.length / info.size;
  if (info.code === 'F16' || info.code === 'BF16') {
    const out = new Float32Array(n);
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) {
      const h = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
      if (info.code === 'BF16') bits[i] = h << 16;
      else out[i] = halfToFloat(h);
    }
    return out;
  }
  // NOTE: `new Uint8Array(view)` copies into a fresh buffer even for a Node Buffer, whose
  // slice() would share memory.
  const copy = swapInPlace(new Uint8Array(bytes), info.size);
  const views = {
    float64: () => new Float64Array(copy.buffer, 0, n),
    int64: () => new BigInt64Array(copy.buffer, 0, n),
    float32: () => new Float32Array(copy.buffer, 0, n),
    int32: () => new Int32Array(copy.buffer, 0, n),
    bool: () => copy,
  };
  return views[info.dtype]();
}
