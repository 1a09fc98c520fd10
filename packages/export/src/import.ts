import { readFile } from 'node:fs/promises';
import { Problems } from '@cgar/common';
import { type HostTensor, hostTensor } from '@cgar/graph';
import { CheckpointError } from './checkpoint.js';
import type { TrmConfig } from './config.js';
import { paramSpecs, type TrmParams } from './params.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

const WRAPPERS = ['_orig_mod.', 'model.'];

/**
 * Strips the wrapper prefixes PyTorch adds to official TRM keys (`model.` from the loss head,
 * `_orig_mod.` from torch.compile), in any order and number.
 *
 * @example
 * officialKey('_orig_mod.model.inner.H_init'); // 'inner.H_init'
 */
export function officialKey(key: string): string {
  for (let again = true; again; ) {
    again = false;
    for (const w of WRAPPERS) {
      if (key.startsWith(w)) {
        key = key.slice(w.length);
        again = true;
      }
    }
  }
  return key;
}

const dims = (d: readonly number[]) => `[${d.join(', ')}]`;

function toFloat32(t: HostTensor): Float32Array | undefined {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof Float64Array) return Float32Array.from(t.data);
  return undefined;
}

/**
 * Converts the bytes of a safetensors file holding an official TRM state dict into our params
 * (F16, BF16 and F64 become float32). Every missing, unexpected, duplicated or wrongly shaped
 * key is listed in one {@link CheckpointError}.
 *
 * @example
 * const params = decodeOfficialWeights(bytes, getPreset('sudoku-mlp'));
 */
export function decodeOfficialWeights(bytes: Uint8Array, cfg: TrmConfig, source = 'weights'): TrmParams {
  const { tensors } = decodeSafetensors(bytes);
  const specs = new Map(paramSpecs(cfg).map((s) => [s.name, s]));
  const found = new Map<string, [string, HostTensor]>();
  const problems: string[] = [];
  for (const [raw, t] of tensors) {
    const name = officialKey(raw);
    const prev = found.get(name);
    if (prev) problems.push(`duplicate: '${raw}' and '${prev[0]}' both map to '${name}'`);
    else found.set(name, [raw, t]);
  }
  const out: TrmParams = new Map();
  for (const [name, spec] of specs) {
    const hit = found.get(name);
    if (hit === undefined) {
      problems.push(`missing: '${name}' ${dims(spec.dims)}`);
      continue;
    }
    const [raw, t] = hit;
    const data = toFloat32(t);
    if (dims(t.dims) !== dims(spec.dims)) {
      problems.push(`wrong shape: '${raw}' is ${dims(t.dims)}, expected ${dims(spec.dims)}`);
    } else if (data === undefined) {
      problems.push(`wrong dtype: '${raw}' is ${t.dtype}, expected a float type`);
    } else out.set(name, hostTensor('float32', spec.dims, data));
  }
  for (const [name, [raw]] of found) if (!specs.has(name)) problems.push(`unexpected: '${raw}'`);
  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new CheckpointError(
      `importOfficialWeights: ${source} does not match the config (${problems.length} problem(s)):\n${list}\n` +
        'Check that the config (hidden, layers, mixer, prefix, puzzleIds, vocab, interMultiple) matches the checkpoint.',
      problems,
    );
  }
  return out;
}

/**
 * Loads official TRM weights from a safetensors file path or its bytes.
 *
 * @example
 * const params = await importOfficialWeights('trm-sudoku.safetensors', getPreset('sudoku-mlp'));
 */
export async function importOfficialWeights(source: Uint8Array | string, cfg: TrmConfig): Promise<TrmParams> {
  if (typeof source === 'string') return decodeOfficialWeights(await readFile(source), cfg, source);
  if (source instanceof Uint8Array) return decodeOfficialWeights(source, cfg);
  throw new TypeError(`importOfficialWeights: 'source' must be a path or a Uint8Array`);
}

/**
 * Encodes params as a safetensors state dict under the official names (float32), optionally
 * with a wrapper prefix such as `model.`, so weights can go back to the PyTorch code.
 *
 * @example
 * writeFileSync('trm.safetensors', exportOfficialWeights(params, { prefix: 'model.' }));
 */
export function exportOfficialWeights(
  params: ReadonlyMap<string, HostTensor>,
  opts: { prefix?: string; metadata?: Record<string, string> } = {},
): Uint8Array {
  const out = new Map<string, HostTensor>();
  const bad = new Problems();
  for (const [name, t] of params) {
    const data = toFloat32(t);
    if (data === undefined) bad.type(`'${name}' is ${t.dtype}, expected a float type`);
    else out.set(`${opts.prefix ?? ''}${name}`, hostTensor('float32', t.dims, data));
  }
  bad.throwIfAny('exportOfficialWeights');
  return encodeSafetensors(out, { format: 'pt', ...opts.metadata });
}
