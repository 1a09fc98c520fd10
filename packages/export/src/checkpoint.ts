import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@cgar/common/node';
import type { HostTensor } from '@cgar/graph';
import { checkpointProblems, decodeCheckpointTensors, PREFIX } from './checkpoint-check.js';
import type { Checkpoint } from './checkpoint-type.js';
import type { TrmConfig } from './config.js';
import {
  assembleSafetensors,
  type HeaderEntry,
  packTensors,
  parseSafetensors,
  SafetensorsError,
} from './safetensors.js';
import { diffConfigs, validateConfig } from './validate.js';

export type { Checkpoint } from './checkpoint-type.js';

/**
 * Version written to `cgar.format`; bump when the layout changes. Format 2 adds
 * `cgar.header-sha256`; format 1 files (no header checksum) still load.
 */
export const CHECKPOINT_FORMAT = '2';
const READABLE_FORMATS = ['1', '2'];
const HEADER_SHA = 'cgar.header-sha256';

/** A checkpoint that cannot be saved or loaded; `problems` lists each reason. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

function raise(where: string, problems: string[], advice: string): never {
  const list = problems.length === 1 ? ` ${problems[0]}` : `\n  - ${problems.join('\n  - ')}\n`;
  throw new CheckpointError(`${where}:${list}${problems.length === 1 ? '; ' : ''}${advice}`, problems);
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * SHA-256 of everything in the header that gives the data its meaning: every metadata field but
 * this checksum, and each tensor's name, dtype, shape and offsets, in a canonical order.
 */
function headerDigest(metadata: Readonly<Record<string, string>>, entries: [string, HeaderEntry][]): string {
  const meta = Object.keys(metadata)
    .filter((k) => k !== HEADER_SHA)
    .sort()
    .map((k) => [k, metadata[k]]);
  const tensors = entries
    .map(([name, e]) => [name, e.dtype, e.shape, e.data_offsets] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(new TextEncoder().encode(JSON.stringify([meta, tensors])));
}

/**
 * Serialises a checkpoint to one safetensors file image: tensors under `param/`, `opt/` and
 * `ema/`, and metadata `cgar.format`, `cgar.config`, `cgar.step`, `cgar.state`,
 * `cgar.sha256` (of the data section) and `cgar.header-sha256` (of the metadata and tensor layout).
 *
 * @example
 * const bytes = encodeCheckpoint({ config: cfg, step: 0, params: initParams(cfg, 0) });
 */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const problems = checkpointProblems(ckpt);
  if (problems.length > 0) raise('encodeCheckpoint: invalid checkpoint', problems, 'fix these before saving');
  const tensors = new Map<string, HostTensor>();
  for (const [group, prefix] of PREFIX) {
    for (const [name, t] of ckpt[group] ?? []) tensors.set(`${prefix}${name}`, t);
  }
  const { header, data } = packTensors(tensors);
  const metadata: Record<string, string> = {
    'cgar.format': CHECKPOINT_FORMAT,
    'cgar.config': JSON.stringify(ckpt.config),
    'cgar.step': String(ckpt.step),
    'cgar.sha256': sha256(data),
  };
  if (ckpt.state !== undefined) metadata['cgar.state'] = JSON.stringify(ckpt.state);
  metadata[HEADER_SHA] = headerDigest(metadata, Object.entries(header));
  return assembleSafetensors(header, data, metadata);
}

export interface LoadOptions {
  /** The config the caller expects; a different one is rejected with the differing fields. */
  config?: TrmConfig;
}

/**
 * Parses and verifies a checkpoint file image (see {@link loadCheckpoint}); `source` names it in errors.
 *
 * @example
 * const ckpt = decodeCheckpoint(bytes, { config: cfg });
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  opts: LoadOptions = {},
  source = 'checkpoint',
): Checkpoint {
  const where = `loadCheckpoint: ${source}`;
  let parsed: ReturnType<typeof parseSafetensors>;
  try {
    parsed = parseSafetensors(bytes);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    const truncated = e.problems.some((p) => p.startsWith('file is truncated'));
    const advice = truncated
      ? 'the file was cut off (interrupted copy or full disk); restore it from a backup or use an earlier checkpoint'
      : 'the file is damaged or not a safetensors file; restore it from a backup or use an earlier checkpoint';
    raise(where, [...e.problems], advice);
  }
  const meta = parsed.metadata;
  if (meta['cgar.format'] === undefined) {
    raise(
      where,
      ['not a cgar checkpoint (no cgar.format metadata)'],
      'to load official TRM weights use importOfficialWeights',
    );
  }
  if (!READABLE_FORMATS.includes(meta['cgar.format'])) {
    raise(
      where,
      [
        `checkpoint format ${meta['cgar.format']} is not supported (this version reads ${READABLE_FORMATS.join(', ')})`,
      ],
      'upgrade @cgar/export',
    );
  }
  if (meta['cgar.format'] !== '1') {
    const stored = meta[HEADER_SHA];
    const computed = headerDigest(meta, parsed.entries);
    if (stored !== computed)
      raise(
        where,
        [`header checksum mismatch (stored ${stored}, computed ${computed})`],
        'the header (config, step, state or tensor layout) is corrupted; restore it from a backup or use an earlier checkpoint',
      );
  }
  const digest = sha256(parsed.data);
  if (meta['cgar.sha256'] !== digest) {
    raise(
      where,
      [`data checksum mismatch (stored ${meta['cgar.sha256']}, computed ${digest})`],
      'the file is corrupted; restore it from a backup or use an earlier checkpoint',
    );
  }
  let config: TrmConfig;
  let state: unknown;
  try {
    config = validateConfig(JSON.parse(meta['cgar.config'] ?? 'null'));
    state = meta['cgar.state'] === undefined ? undefined : JSON.parse(meta['cgar.state']);
  } catch (e) {
    raise(
      where,
      [`bad config or state metadata: ${(e as Error).message}`],
      'the file was written by an incompatible tool',
    );
  }
  if (opts.config) {
    const diff = diffConfigs(config, opts.config);
    if (diff.length > 0) {
      raise(
        `${where}: its config differs from the expected one (file vs expected)`,
        diff,
        'load it with its own config, or pick the checkpoint that matches this model',
      );
    }
  }
  const step = Number(meta['cgar.step']);
  const ckpt: Checkpoint = { config, step, ...decodeCheckpointTensors(parsed), state };
  if (state === undefined) delete ckpt.state;
  const problems = checkpointProblems(ckpt);
  if (problems.length > 0)
    raise(where, problems, 'the checkpoint does not match its own config; it cannot be used');
  return ckpt;
}

/**
 * Writes a checkpoint atomically: to `<path>.tmp-<pid>-<random>`, fsync, then rename over
 * `path` (and fsync the directory), so a crash leaves either the old or the new file.
 *
 * @example
 * await saveCheckpoint('runs/a/step-1000.safetensors', { config: cfg, step: 1000, params });
 */
export async function saveCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError(`saveCheckpoint: 'path' must be a non-empty string`);
  await writeFileAtomic(path, encodeCheckpoint(ckpt));
}

/**
 * Reads and verifies a checkpoint: rejects truncated or corrupted files (SHA-256 of the data),
 * files that are not cgar checkpoints, a config other than `opts.config` (listing the fields),
 * and missing or wrongly shaped parameters.
 *
 * @example
 * const { params, step, state } = await loadCheckpoint('runs/a/step-1000.safetensors', { config: cfg });
 */
export async function loadCheckpoint(path: string, opts: LoadOptions = {}): Promise<Checkpoint> {
  if (typeof path !== 'string' || path === '')
    throw new TypeError(`loadCheckpoint: 'path' must be a non-empty string`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    raise(`loadCheckpoint: ${path}`, [(e as Error).message], 'check the path');
  }
  return decodeCheckpoint(bytes, opts, path);
}
