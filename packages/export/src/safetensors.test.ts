import { type HostTensor, hostTensor } from '@cgar/graph';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from './safetensors.js';

const bytesOf = (t: HostTensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** Builds a file by hand from a header object and a data section. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerText = JSON.stringify(header)) {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (dims: number[], values: number[]) => hostTensor('float32', dims, new Float32Array(values));

describe('encode/decode round trip', () => {
  const specials = new Float32Array([
    0,
    -0,
    1.5,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e-45,
    3.4e38,
  ]);
  new Uint32Array(specials.buffer)[0] = 0x7fc01234; // NaN with a payload
  const tensors = new Map<string, HostTensor>([
    ['f32', hostTensor('float32', [7], specials)],
    ['f64', hostTensor('float64', [2, 2], new Float64Array([Math.PI, -0, 1e-310, Number.MAX_VALUE]))],
    ['i32', hostTensor('int32', [3], new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1]))],
    ['i64', hostTensor('int64', [2], new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]))],
    ['bool', hostTensor('bool', [3], new Uint8Array([1, 0, 1]))],
    ['scalar', hostTensor('float32', [], new Float32Array([2]))],
    ['empty', hostTensor('float32', [0, 4], new Float32Array(0))],
  ]);

  it('is bit-exact for every dtype, with metadata', () => {
    const bytes = encodeSafetensors(tensors, { step: '12', note: 'hé' });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ step: '12', note: 'hé' });
    expect([...back.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const b = back.tensors.get(name)!;
      expect([b.dtype, b.dims], name).toEqual([t.dtype, t.dims]);
      expect(bytesOf(b).equals(bytesOf(t)), name).toBe(true);
    }
  });

  it('decodes from a Node Buffer that shares a larger pool', () => {
    const bytes = encodeSafetensors(tensors);
    const pool = Buffer.alloc(bytes.length + 64, 0xab);
    pool.set(bytes, 32);
    const back = decodeSafetensors(pool.subarray(32, 32 + bytes.length)).tensors;
    for (const [name, t] of tensors) expect(bytesOf(back.get(name)!).equals(bytesOf(t)), name).toBe(true);
  });

  it('pads the header to 8 bytes and keeps every tensor aligned to its element size', () => {
    const bytes = encodeSafetensors(tensors);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    for (const [name, t] of tensors) expect(header[name].data_offsets[0] % t.data.BYTES_PER_ELEMENT).toBe(0);
  });

  it('matches the format byte for byte on a hand-written example', () => {
    const bytes = encodeSafetensors({ w: f32([2], [1, -2]) }, { a: 'b' });
    const json = '{"__metadata__":{"a":"b"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const padded = json + ' '.repeat((8 - (json.length % 8)) % 8);
    const want = rawFile(null, new Uint8Array(new Float32Array([1, -2]).buffer), padded);
    expect(Buffer.from(bytes).equals(Buffer.from(want))).toBe(true);
  });

  it('keeps a tensor named __proto__ (found by the property test below)', () => {
    const t = { dtype: 'float32' as const, dims: [1], data: Float32Array.of(2) };
    const input = new Map([['__proto__', t]]);
    const { tensors } = decodeSafetensors(encodeSafetensors(input));
    expect([...tensors.keys()]).toEqual(['__proto__']);
    expect(Array.from(tensors.get('__proto__')!.data as Float32Array)).toEqual([2]);
  });

  it('round-trips random float32 tensors (property)', () => {
    const tensor = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).chain((dims) =>
      fc
        .array(fc.float({ noDefaultInfinity: false }), {
          minLength: dims.reduce((a, b) => a * b, 1),
          maxLength: dims.reduce((a, b) => a * b, 1),
        })
        .map((v) => f32(dims, v)),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((s) => s !== '__metadata__'),
          tensor,
        ),
        (rec) => {
          const back = decodeSafetensors(encodeSafetensors(rec)).tensors;
          for (const [name, t] of Object.entries(rec)) {
            if (!bytesOf(back.get(name)!).equals(bytesOf(t))) return false;
          }
          return back.size === Object.keys(rec).length;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('half-precision import', () => {
  const file = (dtype: string, halves: number[]) =>
    rawFile(
      { h: { dtype, shape: [halves.length], data_offsets: [0, 2 * halves.length] } },
      new Uint8Array(new Uint16Array(halves).buffer),
    );
  const decode = (dtype: string, halves: number[]) => [
    ...(decodeSafetensors(file(dtype, halves)).tensors.get('h')!.data as Float32Array),
  ];

  it.each([
    ['F16', 0x3c00, 1],
    ['F16', 0xc000, -2],
    ['F16', 0x7bff, 65504],
    ['F16', 0x0001, 2 ** -24],
    ['F16', 0x0400, 2 ** -14],
    ['F16', 0x3555, 0.333251953125],
    ['F16', 0x7c00, Number.POSITIVE_INFINITY],
    ['F16', 0xfc00, Number.NEGATIVE_INFINITY],
    ['F16', 0x8000, -0],
    ['BF16', 0x3f80, 1],
    ['BF16', 0xc040, -3],
    ['BF16', 0x3eab, 0.333984375],
    ['BF16', 0x7f80, Number.POSITIVE_INFINITY],
    ['BF16', 0x0001, 9.183549615799121e-41],
  ])('%s 0x%s -> %d', (dtype, bits, want) => {
    expect(decode(dtype, [bits])).toEqual([want]);
  });

  it('decodes NaN and returns float32 tensors', () => {
    expect(decode('F16', [0x7e00])[0]).toBeNaN();
    expect(decode('BF16', [0x7fc0])[0]).toBeNaN();
    expect(decodeSafetensors(file('BF16', [0])).tensors.get('h')!.dtype).toBe('float32');
  });
});

describe('validation', () => {
  const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
    dtype,
    shape,
    data_offsets: [begin, end],
  });
  const data8 = new Uint8Array(8);
  const good = rawFile({ a: entry('F32', [2], 0, 8) }, data8);

  it.each<[string, Uint8Array, RegExp]>([
    ['shorter than 8 bytes', new Uint8Array(5), /file is truncated: 5 bytes/],
    [
      'header length past the end',
      good.subarray(0, 20),
      /file is truncated: header length \d+ exceeds the 12 bytes/,
    ],
    [
      'data cut off',
      good.subarray(0, good.length - 3),
      /file is truncated: the header describes 8 data bytes but only 5 are present \(cut: 'a'\)/,
    ],
    ['bad JSON', rawFile(null, data8, '{"a": '), /header is not valid UTF-8 JSON/],
    ['bad UTF-8', rawFile(null, data8, '\uFFFF').map((b, i) => (i === 8 ? 0xff : b)), /not valid UTF-8 JSON/],
    ['header is an array', rawFile([1]), /header is not a JSON object/],
    [
      'unknown dtype',
      rawFile({ a: entry('F33', [2], 0, 8) }, data8),
      /tensor 'a': dtype "F33" is unknown or unsupported \(supported: F64/,
    ],
    ['unsupported dtype', rawFile({ a: entry('U8', [8], 0, 8) }, data8), /tensor 'a': dtype "U8"/],
    ['bad shape', rawFile({ a: entry('F32', [-2], 0, 8) }, data8), /tensor 'a': shape \[-2\]/],
    ['reversed offsets', rawFile({ a: entry('F32', [0], 8, 0) }, data8), /tensor 'a': data_offsets \[8,0\]/],
    [
      'size mismatch',
      rawFile({ a: entry('F32', [3], 0, 8) }, data8),
      /tensor 'a': data_offsets span 8 bytes, F32 \[3\] needs 12/,
    ],
    [
      'overlap',
      rawFile({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 4, 8) }, data8),
      /tensor 'b' \[4, 8\) overlaps tensor 'a'/,
    ],
    [
      'gap',
      rawFile({ a: entry('F32', [1], 4, 8) }, data8),
      /bytes \[0, 4\) between \(start of data\) and 'a' belong to no tensor/,
    ],
    [
      'trailing bytes',
      rawFile({ a: entry('F32', [1], 0, 4) }, data8),
      /bytes \[4, 8\) at the end of the data belong to no tensor/,
    ],
    ['metadata not strings', rawFile({ __metadata__: { step: 3 } }), /__metadata__ 'step' is number/],
    ['entry not an object', rawFile({ a: 3 }), /tensor 'a': entry is not an object/],
  ])('%s', (_, bytes, re) => {
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes)).toThrow(re);
  });

  it('collects every problem in one error', () => {
    const bytes = rawFile(
      { a: entry('X', [1], 0, 4), b: entry('F32', [1.5], 0, 4), c: entry('F32', [2], 0, 4) },
      data8,
    );
    try {
      decodeSafetensors(bytes);
      expect.unreachable();
    } catch (e) {
      expect((e as SafetensorsError).problems.map((p) => p.slice(0, 11))).toEqual([
        "tensor 'a':",
        "tensor 'b':",
        "tensor 'c':",
      ]);
    }
  });

  it('accepts a null __metadata__ and a subarray input', () => {
    const inner = rawFile({ __metadata__: null, a: entry('F32', [2], 0, 8) }, data8);
    const shifted = new Uint8Array(inner.length + 3);
    shifted.set(inner, 3);
    expect(decodeSafetensors(shifted.subarray(3)).tensors.get('a')!.dims).toEqual([2]);
  });

  it('the encoder rejects bad input, naming each tensor', () => {
    const bad = {
      ok: f32([1], [1]),
      short: { dtype: 'float32', dims: [3], data: new Float32Array(2) } as HostTensor,
    };
    expect(() => encodeSafetensors(bad)).toThrow(/tensor 'short': data has 2 elements, dims \[3\] need 3/);
    expect(() => encodeSafetensors({ __metadata__: f32([1], [1]) })).toThrow(/reserved/);
    expect(() =>
      encodeSafetensors({
        a: { dtype: 'uint8', dims: [1], data: new Uint8Array(1) } as unknown as HostTensor,
      }),
    ).toThrow(/dtype uint8 cannot be stored/);
    expect(() => encodeSafetensors({}, { n: 3 as unknown as string })).toThrow(/metadata 'n' is number/);
    expect(() => decodeSafetensors([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
