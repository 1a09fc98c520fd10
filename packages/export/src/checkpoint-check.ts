import type { HostTensor } from '@cgar/graph';
import type { Checkpoint } from './checkpoint-type.js';
import { paramSpecs } from './params.js';
import type { ParsedSafetensors } from './safetensors.js';
import { decodeTensorData, SAFETENSORS_DTYPES } from './safetensors-dtypes.js';
import { validateConfig } from './validate.js';

type Group = 'params' | 'optimizer' | 'ema' | 'buffers';

/** Tensor-name prefix of each checkpoint group inside the safetensors file. */
export const PREFIX: readonly (readonly [Group, string])[] = [
  ['params', 'param/'],
  ['optimizer', 'opt/'],
  ['ema', 'ema/'],
  ['buffers', 'buf/'],
];

const dims = (d: readonly number[]) => `[${d.join(', ')}]`;

function modelProblems(label: string, tensors: Map<string, HostTensor>, ckpt: Checkpoint): string[] {
  const out: string[] = [];
  const specs = paramSpecs(ckpt.config);
  const known = new Set(specs.map((s) => s.name));
  for (const spec of specs) {
    const t = tensors.get(spec.name);
    if (t === undefined) out.push(`${label} '${spec.name}' is missing (expected ${dims(spec.dims)})`);
    else if (t.dtype !== 'float32' || dims(t.dims) !== dims(spec.dims)) {
      out.push(`${label} '${spec.name}' is ${t.dtype} ${dims(t.dims)}, expected float32 ${dims(spec.dims)}`);
    }
  }
  for (const name of tensors.keys())
    if (!known.has(name)) out.push(`${label} '${name}' is not a parameter of this config`);
  return out;
}

/** Every reason a checkpoint object is unusable (empty when it is fine). */
export function checkpointProblems(ckpt: Checkpoint): string[] {
  if (typeof ckpt !== 'object' || ckpt === null) return ['checkpoint is not an object'];
  const out: string[] = [];
  try {
    validateConfig(ckpt.config);
  } catch (e) {
    return [(e as Error).message];
  }
  if (!Number.isSafeInteger(ckpt.step) || ckpt.step < 0)
    out.push(`step is ${ckpt.step}, expected an integer >= 0`);
  if (!(ckpt.params instanceof Map)) return [...out, 'params is not a Map'];
  out.push(...modelProblems('parameter', ckpt.params, ckpt));
  if (ckpt.ema !== undefined) out.push(...modelProblems('EMA tensor', ckpt.ema, ckpt));
  if (ckpt.optimizer !== undefined && !(ckpt.optimizer instanceof Map)) out.push('optimizer is not a Map');
  if (ckpt.buffers !== undefined && !(ckpt.buffers instanceof Map)) out.push('buffers is not a Map');
  if (ckpt.state !== undefined) {
    try {
      if (JSON.stringify(ckpt.state) === undefined) out.push('state does not serialise to JSON');
    } catch (e) {
      out.push(`state does not serialise to JSON (${(e as Error).message})`);
    }
  }
  return out;
}

/** Splits the file's tensors back into params, optimizer and EMA maps. */
export function decodeCheckpointTensors(parsed: ParsedSafetensors): Pick<Checkpoint, Group> {
  const groups: Record<Group, Map<string, HostTensor>> = {
    params: new Map(),
    optimizer: new Map(),
    ema: new Map(),
    buffers: new Map(),
  };
  for (const [name, e] of parsed.entries) {
    const hit = PREFIX.find(([, p]) => name.startsWith(p));
    if (hit === undefined) continue;
    const info = SAFETENSORS_DTYPES[e.dtype]!;
    const data = decodeTensorData(info, parsed.data.subarray(e.data_offsets[0], e.data_offsets[1]));
    groups[hit[0]].set(name.slice(hit[1].length), { dtype: info.dtype, dims: e.shape, data } as HostTensor);
  }
  const out: Pick<Checkpoint, Group> = { params: groups.params };
  if (groups.optimizer.size > 0) out.optimizer = groups.optimizer;
  if (groups.ema.size > 0) out.ema = groups.ema;
  if (groups.buffers.size > 0) out.buffers = groups.buffers;
  return out;
}
