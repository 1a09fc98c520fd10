import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HostTensor, hostTensor } from '@cgar/graph';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint.js';
import {
  decodeOfficialWeights,
  exportOfficialWeights,
  importOfficialWeights,
  officialKey,
} from './import.js';
import { initParams, paramSpecs } from './params.js';
import { getPreset } from './presets.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

const cfg = getPreset('cpu-tiny');
const params = initParams(cfg, 3);
const bytesOf = (t: HostTensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** A state dict in BF16 as PyTorch would save it: header, then raw little-endian halves. */
function bf16File(entries: [string, readonly number[], Float32Array][]): Uint8Array {
  const header: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let off = 0;
  for (const [name, dims, data] of entries) {
    const halves = new Uint16Array(data.length);
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < data.length; i++) halves[i] = bits[i]! >>> 16;
    header[name] = { dtype: 'BF16', shape: dims, data_offsets: [off, off + 2 * data.length] };
    chunks.push(new Uint8Array(halves.buffer));
    off += 2 * data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

const truncatedToBf16 = (a: Float32Array) => {
  const out = new Float32Array(a);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) bits[i] = bits[i]! & 0xffff0000;
  return out;
};

describe('officialKey', () => {
  it.each([
    ['inner.H_init', 'inner.H_init'],
    ['model.inner.H_init', 'inner.H_init'],
    ['_orig_mod.inner.H_init', 'inner.H_init'],
    ['_orig_mod.model.inner.H_init', 'inner.H_init'],
    ['model._orig_mod.inner.H_init', 'inner.H_init'],
    ['model.model.inner.H_init', 'inner.H_init'],
  ])('%s -> %s', (raw, want) => expect(officialKey(raw)).toBe(want));
});

describe('importOfficialWeights', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgar-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const prefixes = ['_orig_mod.model.', 'model.', '', 'model._orig_mod.'];
  const entries = [...params].map(([n, t], i): [string, readonly number[], Float32Array] => [
    `${prefixes[i % prefixes.length]}${n}`,
    t.dims,
    t.data,
  ]);

  it('loads a BF16 state dict with mixed wrapper prefixes, from a path', async () => {
    const path = join(dir, 'official.safetensors');
    writeFileSync(path, bf16File(entries));
    const back = await importOfficialWeights(path, cfg);
    expect([...back.keys()]).toEqual(paramSpecs(cfg).map((s) => s.name));
    for (const [name, t] of params) {
      const b = back.get(name)!;
      expect([b.dtype, b.dims]).toEqual(['float32', t.dims]);
      expect(bytesOf(b).equals(Buffer.from(truncatedToBf16(t.data).buffer)), name).toBe(true);
    }
  });

  it('round-trips through exportOfficialWeights bit-exactly, with and without a prefix', async () => {
    for (const prefix of ['', 'model.']) {
      const bytes = exportOfficialWeights(params, { prefix });
      expect([...decodeSafetensors(bytes).tensors.keys()].every((k) => k.startsWith(`${prefix}inner.`))).toBe(
        true,
      );
      const back = await importOfficialWeights(bytes, cfg);
      for (const [name, t] of params) expect(bytesOf(back.get(name)!).equals(bytesOf(t)), name).toBe(true);
    }
  });

  it('converts an F64 state dict to float32', () => {
    const f64 = new Map(
      [...params].map(([n, t]) => [n, hostTensor('float64', t.dims, Float64Array.from(t.data))]),
    );
    const bytes = encodeSafetensors(f64);
    expect(decodeSafetensors(bytes).tensors.get('inner.H_init')!.dtype).toBe('float64');
    const back = decodeOfficialWeights(bytes, cfg);
    for (const [name, t] of params) expect(bytesOf(back.get(name)!).equals(bytesOf(t)), name).toBe(true);
  });

  it('lists every missing, unexpected, duplicated and wrongly shaped key in one error', () => {
    const broken = entries
      .filter(([n]) => !n.endsWith('inner.lm_head.weight'))
      .map(([n, d, v]): [string, readonly number[], Float32Array] =>
        n.endsWith('inner.H_init') ? [n, [d[0]! / 2, 2], v] : [n, d, v],
      );
    broken.push(['model.inner.puzzle_emb.local_weights', [1], new Float32Array(1)]);
    broken.push(['_orig_mod.inner.L_init', [32], new Float32Array(32)]);
    let err: CheckpointError | undefined;
    try {
      decodeOfficialWeights(bf16File(broken), cfg, 'trm.safetensors');
    } catch (e) {
      err = e as CheckpointError;
    }
    expect(err).toBeInstanceOf(CheckpointError);
    expect([...err!.problems].sort()).toEqual(
      [
        "duplicate: '_orig_mod.inner.L_init' and 'inner.L_init' both map to 'inner.L_init'",
        "missing: 'inner.lm_head.weight' [11, 32]",
        "unexpected: 'model.inner.puzzle_emb.local_weights'",
        "wrong shape: 'model.inner.H_init' is [16, 2], expected [32]",
      ].sort(),
    );
    expect(err!.message).toMatch(/trm\.safetensors does not match the config \(4 problem\(s\)\)/);
  });

  it('rejects integer tensors and a bad source', async () => {
    const ints = new Map<string, HostTensor>([['inner.H_init', hostTensor('int32', [1], new Int32Array(1))]]);
    expect(() => exportOfficialWeights(ints)).toThrow(/'inner.H_init' is int32, expected a float type/);
    expect(() => exportOfficialWeights(ints)).toThrow(TypeError);
    await expect(importOfficialWeights(42 as unknown as string, cfg)).rejects.toThrow(TypeError);
  });
});
