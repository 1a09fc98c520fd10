import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HostTensor, hostTensor } from '@cgar/graph';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
import { initParams } from './params.js';
import { getPreset } from './presets.js';
import { assembleSafetensors, encodeSafetensors, packTensors } from './safetensors.js';
import { defineConfig } from './validate.js';

const dir = mkdtempSync(join(tmpdir(), 'cgar-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = getPreset('cpu-tiny');
const bytesOf = (t: HostTensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

function sample(step = 5): Checkpoint {
  const params = initParams(cfg, 1);
  const m = new Map<string, HostTensor>();
  for (const [name, t] of params)
    m.set(
      `adam.m/${name}`,
      hostTensor(
        'float32',
        t.dims,
        t.data.map((v) => v * 0.1),
      ),
    );
  m.set('adam.t', hostTensor('int64', [], new BigInt64Array([BigInt(step)])));
  return {
    config: cfg,
    step,
    params,
    optimizer: m,
    ema: initParams(cfg, 2),
    state: { epoch: 3, rng: [1, 2, 3, 4], curriculum: { stage: 1 } },
  };
}

function expectSameTensors(a: Map<string, HostTensor> | undefined, b: Map<string, HostTensor> | undefined) {
  expect([...(a ?? new Map()).keys()].sort()).toEqual([...(b ?? new Map()).keys()].sort());
  for (const [name, t] of a ?? []) {
    const u = b!.get(name)!;
    expect([u.dtype, u.dims], name).toEqual([t.dtype, t.dims]);
    expect(bytesOf(u).equals(bytesOf(t)), name).toBe(true);
  }
}

function catchError(f: () => unknown): CheckpointError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected an error');
}

describe('save and load', () => {
  it('round-trips params, optimizer, EMA, state and step bit-exactly', async () => {
    const path = join(dir, 'a.safetensors');
    const ckpt = sample();
    await saveCheckpoint(path, ckpt);
    const back = await loadCheckpoint(path, { config: cfg });
    expect([back.step, back.config, back.state]).toEqual([ckpt.step, ckpt.config, ckpt.state]);
    expectSameTensors(ckpt.params, back.params);
    expectSameTensors(ckpt.optimizer, back.optimizer);
    expectSameTensors(ckpt.ema, back.ema);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('stores the metadata fields, with a SHA-256 of the data section', () => {
    const bytes = encodeCheckpoint({ config: cfg, step: 0, params: initParams(cfg, 0) });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))).__metadata__;
    expect(Object.keys(meta).sort()).toEqual([
      'cgar.config',
      'cgar.format',
      'cgar.header-sha256',
      'cgar.sha256',
      'cgar.step',
    ]);
    expect(meta['cgar.sha256']).toBe(
      createHash('sha256')
        .update(bytes.subarray(8 + n))
        .digest('hex'),
    );
    expect(JSON.parse(meta['cgar.config'])).toEqual(cfg);
  });

  it('overwrites an existing checkpoint atomically and leaves no temp file', async () => {
    const path = join(dir, 'b.safetensors');
    await saveCheckpoint(path, sample(1));
    await saveCheckpoint(path, sample(2));
    expect((await loadCheckpoint(path)).step).toBe(2);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('load rejects bad files with a clear error', () => {
  const good = encodeCheckpoint(sample());
  const path = join(dir, 'bad.safetensors');

  it.each<[string, (b: Uint8Array) => Uint8Array, RegExp]>([
    [
      'truncated data',
      (b) => b.subarray(0, b.length - 100),
      /bad\.safetensors: file is truncated.*restore it from a backup/s,
    ],
    ['truncated header', (b) => b.subarray(0, 50), /file is truncated: header length/],
    ['empty file', () => new Uint8Array(0), /file is truncated: 0 bytes/],
    [
      'a flipped data byte',
      (b) => b.map((v, i) => (i === b.length - 17 ? v ^ 0x10 : v)),
      /data checksum mismatch .*the file is corrupted/,
    ],
    [
      'a plain safetensors file',
      () => encodeSafetensors({ w: hostTensor('float32', [1], new Float32Array(1)) }),
      /not a cgar checkpoint.*importOfficialWeights/,
    ],
  ])('%s', async (_, mutate, re) => {
    writeFileSync(path, mutate(good));
    await expect(loadCheckpoint(path)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(path)).rejects.toThrow(re);
  });

  it('a flipped bit in the header (config, step) is caught by the header checksum', () => {
    const n = Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
    const header = new TextDecoder().decode(good.subarray(8, 8 + n));
    for (const [from, to] of [
      ['"cgar.step":"5"', '"cgar.step":"7"'],
      ['\\"rmsEps\\":0.00001', '\\"rmsEps\\":0.00003'],
    ] as const) {
      expect(header).toContain(from);
      const bytes = Uint8Array.from(good);
      bytes.set(new TextEncoder().encode(header.replace(from, to)), 8);
      expect(() => decodeCheckpoint(bytes)).toThrow(/header checksum mismatch.*the header .* is corrupted/);
    }
  });

  it('a format 1 checkpoint (no header checksum) still loads', () => {
    const ckpt = sample();
    const tensors = new Map([...ckpt.params].map(([k, v]) => [`param/${k}`, v]));
    const { header, data } = packTensors(tensors);
    const bytes = assembleSafetensors(header, data, {
      'cgar.format': '1',
      'cgar.config': JSON.stringify(cfg),
      'cgar.step': '5',
      'cgar.sha256': createHash('sha256').update(data).digest('hex'),
    });
    expect(decodeCheckpoint(bytes).step).toBe(5);
  });

  it('a missing file names the path', async () => {
    await expect(loadCheckpoint(join(dir, 'nope.safetensors'))).rejects.toThrow(
      /nope\.safetensors.*ENOENT.*check the path/s,
    );
  });

  it('another config lists every differing field', () => {
    const other = defineConfig({ hidden: 64, n: 4 }, 'cpu-tiny');
    const err = catchError(() => decodeCheckpoint(good, { config: other }, 'x.safetensors'));
    expect(err.problems).toEqual(['hidden: 32 vs 64', 'n: 6 vs 4']);
    expect(err.message).toMatch(
      /x\.safetensors: its config differs from the expected one \(file vs expected\)/,
    );
  });

  it('missing or wrongly shaped parameters are listed (on load and on save)', () => {
    const ckpt = sample();
    ckpt.params.delete('inner.lm_head.weight');
    ckpt.params.set('inner.H_init', hostTensor('float32', [3], new Float32Array(3)));
    ckpt.params.set('inner.extra', hostTensor('float32', [1], new Float32Array(1)));
    const problems = [
      "parameter 'inner.lm_head.weight' is missing (expected [11, 32])",
      "parameter 'inner.H_init' is float32 [3], expected float32 [32]",
      "parameter 'inner.extra' is not a parameter of this config",
    ];
    expect(catchError(() => encodeCheckpoint(ckpt)).problems).toEqual(problems);
    // a file written by some other tool, with a valid checksum but wrong tensors
    const tensors = new Map([...ckpt.params].map(([k, v]) => [`param/${k}`, v]));
    const { header, data } = packTensors(tensors);
    const bytes = assembleSafetensors(header, data, {
      'cgar.format': '1',
      'cgar.config': JSON.stringify(cfg),
      'cgar.step': '0',
      'cgar.sha256': createHash('sha256').update(data).digest('hex'),
    });
    expect(catchError(() => decodeCheckpoint(bytes)).problems).toEqual(problems);
  });

  it('rejects a bad step, a bad state and a bad config on save', () => {
    const ckpt = sample();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(catchError(() => encodeCheckpoint({ ...ckpt, step: -1, state: cyclic })).problems).toEqual([
      'step is -1, expected an integer >= 0',
      expect.stringMatching(/state does not serialise to JSON/),
    ]);
    expect(() => encodeCheckpoint({ ...ckpt, config: { ...cfg, hidden: 0 } })).toThrow(/hidden is 0/);
  });
});
