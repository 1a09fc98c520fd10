import { type DType, type HostTensor, hostTensor, sizeOf } from '@cgar/graph';
import {
  decodeTensorData,
  ENCODE_CODES,
  encodeTensorData,
  SAFETENSORS_DTYPES,
} from './safetensors-dtypes.js';

/** An error in a safetensors file or in tensors given to the encoder; `problems` lists each one. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/** Tensors by name, as a `Map` or a plain record. */
export type TensorsInput = ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>;

export interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** A parsed but not yet decoded file: header entries in data order, metadata, and the data section. */
export interface ParsedSafetensors {
  entries: [string, HeaderEntry][];
  metadata: Record<string, string>;
  data: Uint8Array;
}

const MAX_HEADER = 100_000_000;
const fail = (fn: string, problems: string[]): never => {
  const list = problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`;
  throw new SafetensorsError(`${fn}: ${list}`, problems);
};

export function tensorEntries(tensors: TensorsInput): [string, HostTensor][] {
  if (tensors instanceof Map) return [...tensors.entries()];
  if (typeof tensors !== 'object' || tensors === null) {
    throw new TypeError(`encodeSafetensors: 'tensors' must be a Map or a record of host tensors`);
  }
  return Object.entries(tensors as Record<string, HostTensor>);
}

/** Lays the tensors out (widest elements first so every tensor stays aligned) into one data section. */
export function packTensors(tensors: TensorsInput): {
  header: Record<string, HeaderEntry>;
  data: Uint8Array;
} {
  const entries = tensorEntries(tensors);
  const problems: string[] = [];
  for (const [name, t] of entries) {
    if (name === '' || name === '__metadata__') problems.push(`tensor name '${name}' is reserved or empty`);
    if (!t || !Object.hasOwn(ENCODE_CODES, t.dtype)) {
      problems.push(
        `tensor '${name}': dtype ${t?.dtype} cannot be stored (use ${Object.keys(ENCODE_CODES).join(', ')})`,
      );
    } else if (t.data.length !== sizeOf(t.dims)) {
      problems.push(
        `tensor '${name}': data has ${t.data.length} elements, dims [${t.dims.join(', ')}] need ${sizeOf(t.dims)}`,
      );
    }
  }
  if (problems.length > 0) fail('encodeSafetensors', problems);
  const size = (t: HostTensor) => SAFETENSORS_DTYPES[ENCODE_CODES[t.dtype]]!.size;
  const ordered = entries
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => size(b[1]) - size(a[1]) || i - j);
  let total = 0;
  for (const [[, t]] of ordered) total += t.data.length * size(t);
  const data = new Uint8Array(total);
  // NOTE: no prototype, so a tensor named `__proto__` is an ordinary key.
  const header: Record<string, HeaderEntry> = Object.create(null);
  let offset = 0;
  for (const [[name, t]] of ordered) {
    const bytes = encodeTensorData(t);
    data.set(bytes, offset);
    header[name] = {
      dtype: ENCODE_CODES[t.dtype],
      shape: [...t.dims],
      data_offsets: [offset, offset + bytes.length],
    };
    offset += bytes.length;
  }
  return { header, data };
}

/** Writes the length prefix, the space-padded JSON header and the data section. */
export function assembleSafetensors(
  header: Record<string, HeaderEntry>,
  data: Uint8Array,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const full: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined) {
    const bad = Object.entries(metadata).filter(([, v]) => typeof v !== 'string');
    if (bad.length > 0)
      fail(
        'encodeSafetensors',
        bad.map(([k, v]) => `metadata '${k}' is ${typeof v}, expected a string`),
      );
    full.__metadata__ = metadata;
  }
  Object.assign(full, header);
  let json = new TextEncoder().encode(JSON.stringify(full));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/**
 * Encodes tensors and string metadata in the safetensors format (8-byte little-endian header
 * length, JSON header padded with spaces to 8 bytes, then the raw little-endian data).
 *
 * @example
 * const bytes = encodeSafetensors(new Map([['w', hostTensor('float32', [2], new Float32Array([1, 2]))]]), { step: '3' });
 */
export function encodeSafetensors(
  tensors: TensorsInput,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const { header, data } = packTensors(tensors);
  return assembleSafetensors(header, data, metadata);
}

function readHeader(bytes: Uint8Array): unknown {
  if (bytes.length < 8)
    fail('decodeSafetensors', [
      `file is truncated: ${bytes.length} bytes, shorter than the 8-byte header length`,
    ]);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) {
    fail('decodeSafetensors', [
      `file is truncated: header length ${n} exceeds the ${bytes.length - 8} bytes after the length prefix`,
    ]);
  }
  if (n > BigInt(MAX_HEADER))
    fail('decodeSafetensors', [`header length ${n} exceeds the ${MAX_HEADER}-byte limit`]);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n)));
    return JSON.parse(text);
  } catch (e) {
    return fail('decodeSafetensors', [`header is not valid UTF-8 JSON (${(e as Error).message})`]);
  }
}

function checkEntry(name: string, raw: unknown, problems: string[]): HeaderEntry | undefined {
  const e = raw as Partial<HeaderEntry> | null;
  if (typeof e !== 'object' || e === null)
    return void problems.push(`tensor '${name}': entry is not an object`);
  const { dtype, shape, data_offsets: off } = e;
  const info = typeof dtype === 'string' ? SAFETENSORS_DTYPES[dtype] : undefined;
  const before = problems.length;
  if (info === undefined) {
    const known = Object.keys(SAFETENSORS_DTYPES).join(', ');
    problems.push(
      `tensor '${name}': dtype ${JSON.stringify(dtype)} is unknown or unsupported (supported: ${known})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    problems.push(`tensor '${name}': shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  const okOff = Array.isArray(off) && off.length === 2 && off.every((o) => Number.isSafeInteger(o) && o >= 0);
  if (!okOff || off[0] > off[1]) {
    problems.push(
      `tensor '${name}': data_offsets ${JSON.stringify(off)} is not [begin, end] with 0 <= begin <= end`,
    );
  }
  if (problems.length > before) return undefined;
  const entry = { dtype, shape, data_offsets: off } as HeaderEntry;
  const want = sizeOf(entry.shape) * info!.size;
  if (off![1] - off![0] !== want) {
    problems.push(
      `tensor '${name}': data_offsets span ${off![1] - off![0]} bytes, ${dtype} [${shape!.join(', ')}] needs ${want}`,
    );
  }
  return entry;
}

function checkLayout(entries: [string, HeaderEntry][], dataLength: number, problems: string[]): void {
  entries.sort(
    ([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1],
  );
  const end = entries.reduce((m, [, e]) => Math.max(m, e.data_offsets[1]), 0);
  if (end > dataLength) {
    const past = entries.filter(([, e]) => e.data_offsets[1] > dataLength).map(([n]) => `'${n}'`);
    const names = past.slice(0, 5).join(', ') + (past.length > 5 ? `, ... (${past.length} in all)` : '');
    problems.push(
      `file is truncated: the header describes ${end} data bytes but only ${dataLength} are present (cut: ${names})`,
    );
    return;
  }
  let pos = 0;
  let prev = '(start of data)';
  for (const [name, e] of entries) {
    const [b, en] = e.data_offsets;
    if (b < pos) problems.push(`tensor '${name}' [${b}, ${en}) overlaps tensor ${prev} ending at ${pos}`);
    if (b > pos) problems.push(`bytes [${pos}, ${b}) between ${prev} and '${name}' belong to no tensor`);
    pos = Math.max(pos, en);
    prev = `'${name}'`;
  }
  if (pos < dataLength)
    problems.push(`bytes [${pos}, ${dataLength}) at the end of the data belong to no tensor`);
}

/** Parses and validates the header; collects every problem and throws one {@link SafetensorsError}. */
export function parseSafetensors(bytes: Uint8Array): ParsedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`decodeSafetensors: 'bytes' must be a Uint8Array`);
  const header = readHeader(bytes);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail('decodeSafetensors', ['header is not a JSON object']);
  }
  const dataStart = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const data = bytes.subarray(dataStart);
  const problems: string[] = [];
  const metadata: Record<string, string> = Object.create(null);
  const entries: [string, HeaderEntry][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (raw === null) continue;
      if (typeof raw !== 'object' || Array.isArray(raw)) problems.push('__metadata__ is not an object');
      else
        for (const [k, v] of Object.entries(raw)) {
          if (typeof v === 'string') metadata[k] = v;
          else problems.push(`__metadata__ '${k}' is ${typeof v}, expected a string`);
        }
      continue;
    }
    const entry = checkEntry(name, raw, problems);
    if (entry) entries.push([name, entry]);
  }
  if (problems.length === 0) checkLayout(entries, data.length, problems);
  if (problems.length > 0) fail('decodeSafetensors', problems);
  return { entries, metadata, data };
}

/**
 * Decodes a safetensors file. F16 and BF16 tensors come back as float32 (exactly), so official
 * bf16 checkpoints load; every other supported dtype keeps its type. Tensors are copied out.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes);
 */
export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Map<string, HostTensor>;
  metadata: Record<string, string>;
} {
  const { entries, metadata, data } = parseSafetensors(bytes);
  const tensors = new Map<string, HostTensor>();
  for (const [name, e] of entries) {
    const info = SAFETENSORS_DTYPES[e.dtype]!;
    const array = decodeTensorData(info, data.subarray(e.data_offsets[0], e.data_offsets[1]));
    tensors.set(name, hostTensor(info.dtype as DType, e.shape, array));
  }
  return { tensors, metadata };
}
