import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { diffConfigs, type TrmConfig, validateConfig } from '@cgar/export';

/** A run folder that cannot be used as asked: in use, already holding a run, or not resumable. */
export class RunFolderError extends Error {
  override name = 'RunFolderError';
}

export const LOCK_FILE = 'run.lock';
const CHECKPOINT = 'checkpoint.safetensors';
const METRICS = 'metrics.jsonl';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // NOTE: EPERM means the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isSafeInteger(info?.pid) && info.pid > 0 ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `dir/run.lock` for this process and returns the function that gives it back. A lock held
 * by a live process on this machine fails at once, naming that process; a lock left by a process
 * that is gone (kill -9, power loss) is taken over.
 *
 * @example
 * const unlock = lockRunFolder('runs/a');
 * try { ... } finally { unlock(); }
 */
export function lockRunFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new RunFolderError(
          `cannot lock run folder ${dir}: ${(e as Error).message}; check that it is writable`,
        );
      const other = readLock(path);
      const stale = other === undefined || (other.host === mine.host && !alive(other.pid));
      if (other && other.pid === process.pid && other.host === mine.host)
        throw new RunFolderError(`run folder ${dir} is already in use by this process (pid ${process.pid})`);
      if (!stale || attempt > 0) {
        const who = other ? `pid ${other.pid} on ${other.host}, since ${other.since}` : 'another process';
        throw new RunFolderError(
          `run folder ${dir} is in use by another run (${who}); wait for it to finish, pick another --out, ` +
            `or delete ${path} if that run is certainly gone`,
        );
      }
      unlinkSync(path);
      continue;
    }
    writeSync(fd, `${JSON.stringify(mine)}\n`);
    closeSync(fd);
    return () => {
      if (readLock(path)?.pid === process.pid) unlinkSync(path);
    };
  }
}

/**
 * Removes temporary files (`*.tmp-*`) that a killed writer left in a run folder. Call it only
 * while holding the folder's lock: then no live writer owns them.
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (!/\.tmp-\d+/.test(name)) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    unlinkSync(path);
    removed.push(path);
  }
  return removed;
}

/** What a run folder holds: nothing, or a run with a checkpoint and/or metrics. */
export function runFolderState(dir: string): { exists: boolean; checkpoint: boolean; metrics: boolean } {
  const exists = existsSync(dir);
  const has = (f: string) => exists && existsSync(join(dir, f)) && statSync(join(dir, f)).size > 0;
  return { exists, checkpoint: has(CHECKPOINT), metrics: has(METRICS) };
}

/**
 * Checks that a run may start in `dir`: a fresh run needs an empty folder unless `force` (then
 * the old run's files are replaced); `resume` needs the folder and its checkpoint.
 *
 * @example
 * checkRunFolder('runs/a', { resume: false, force: false }); // throws if runs/a holds a run
 */
export function checkRunFolder(dir: string, opts: { resume?: boolean; force?: boolean }): void {
  const state = runFolderState(dir);
  if (opts.resume) {
    if (!state.exists)
      throw new RunFolderError(
        `--resume: run folder ${dir} does not exist; check --out, or drop --resume to start a run there`,
      );
    if (!state.checkpoint)
      throw new RunFolderError(
        `--resume: ${join(dir, CHECKPOINT)} does not exist, so there is nothing to resume; drop --resume to start a run there`,
      );
    return;
  }
  if ((state.checkpoint || state.metrics) && !opts.force) {
    const what = [state.checkpoint && CHECKPOINT, state.metrics && METRICS].filter(Boolean).join(' and ');
    throw new RunFolderError(
      `run folder ${dir} already holds a run (${what}); pass --resume to continue it, --force to start over ` +
        '(its checkpoint and metrics are replaced), or pick another --out',
    );
  }
}

/** The JSON header of a safetensors file, read without loading its data (bounded). */
function safetensorsHeader(path: string): Record<string, unknown> {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const head = Buffer.alloc(8);
    if (size < 8 || readSync(fd, head, 0, 8, 0) !== 8) throw new Error('file is truncated');
    const n = Number(head.readBigUInt64LE(0));
    if (n > Math.min(size - 8, 100_000_000))
      throw new Error(`header length ${n} is past the file's ${size} bytes`);
    const json = Buffer.alloc(n);
    readSync(fd, json, 0, n, 8);
    return JSON.parse(json.toString('utf8')) as Record<string, unknown>;
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks that a checkpoint can continue a run with `batchSize` slots, before any of it is loaded:
 * it must carry the trainer state (`cgar.state`), slot buffers of the same batch size and, when
 * `config` is given, the same model config.
 */
export function checkResumable(path: string, batchSize: number, config?: TrmConfig): void {
  let header: Record<string, unknown>;
  try {
    header = safetensorsHeader(path);
  } catch (e) {
    throw new RunFolderError(`--resume: cannot read ${path}: ${(e as Error).message}`);
  }
  const meta = (header.__metadata__ ?? {}) as Record<string, string>;
  if (meta['cgar.state'] === undefined)
    throw new RunFolderError(
      `--resume: ${path} holds no trainer state (cgar.state): it was not written by cgar train, so a run ` +
        'cannot continue from it; start a fresh run in another folder',
    );
  if (config) {
    let saved: TrmConfig;
    try {
      saved = validateConfig(JSON.parse(meta['cgar.config'] ?? 'null'));
    } catch (e) {
      throw new RunFolderError(`--resume: ${path} has a bad cgar.config: ${(e as Error).message}`);
    }
    const diff = diffConfigs(saved, config);
    if (diff.length)
      throw new RunFolderError(
        `--resume: ${path} is a different model (checkpoint vs this run: ${diff.join(', ')}); ` +
          'resume with the preset and --config it was trained with',
      );
  }
  const slots = header['buf/slots/steps'] as { shape?: number[] } | undefined;
  const saved = slots?.shape?.[0];
  if (saved === undefined)
    throw new RunFolderError(`--resume: ${path} has no ACT slot buffers; it was not written by cgar train`);
  if (saved !== batchSize)
    throw new RunFolderError(
      `--resume: ${path} was trained with --batch ${saved}, not ${batchSize}; resume with --batch ${saved}`,
    );
}

/**
 * Reads a JSON-lines file. A last line cut off by a crash or a full disk is dropped and reported
 * through `onTorn`; a bad line anywhere else is an error naming the file and the line.
 */
export function readJsonLines<T>(path: string, onTorn?: (message: string) => void): T[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const out: T[] = [];
  let lastLine = lines.length - 1;
  while (lastLine >= 0 && lines[lastLine]!.trim() === '') lastLine--;
  for (let i = 0; i <= lastLine; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const last = i === lastLine;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      if (!last)
        throw new Error(`${path}:${i + 1}: not a JSON line (${(e as Error).message}); the file is damaged`);
      onTorn?.(`${path}:${i + 1}: dropped a torn last line (${line.length} bytes; an interrupted write)`);
    }
  }
  return out;
}
