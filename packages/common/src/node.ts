/**
 * `@cgar/common/node`: the one way the CGAR packages write files, so that a crash, a full disk or a
 * second process never leaves a half-written file under the real name. Node only.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

const CHUNK = 4 << 20;

/**
 * The temporary name a write of `path` goes through: `<path>.tmp-<pid>-<random>`, unique per process
 * and call, and recognisable (`/\.tmp-\d+/`) by cleaners of stale temporaries.
 *
 * @example
 * tempPathFor('run/metrics.json'); // 'run/metrics.json.tmp-4242-1a2b3c4d5e6f'
 */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/**
 * Writes `data` to a temporary file beside `path`, then renames it over `path`, so readers see the
 * old file or the complete new one. On failure (a full disk, a read-only or missing folder) the
 * temporary file is removed and the error names `path` and the system's code; the folder is not
 * created.
 *
 * @example
 * writeFileAtomicSync('out/table.md', '| a |\n');
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // NOTE: the folder itself is unusable (ENOTDIR, EACCES): there is no temp file to remove.
    }
    const err = e as NodeJS.ErrnoException;
    throw new Error(
      `cannot write ${path}: ${err.code ?? ''}${err.code ? ' ' : ''}${err.message.replace(/^\w+: /, '')}`,
      { cause: e },
    );
  }
}

/**
 * Writes `bytes` durably: to a temporary file beside `path` (creating the folder if needed), fsync,
 * rename over `path`, then fsync the folder, so readers see the old file or the complete new one even
 * after a power cut. For large files (checkpoints): the write goes in 4 MiB chunks.
 *
 * @example
 * await writeFileAtomic('runs/a/checkpoint.safetensors', bytes);
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx');
  try {
    // NOTE: chunked so a large file is never one giant syscall.
    for (let off = 0; off < bytes.length; off += CHUNK) {
      const end = Math.min(bytes.length, off + CHUNK);
      let done = off;
      while (done < end) done += (await fh.write(bytes, done, end - done, done)).bytesWritten;
    }
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await syncDir(dirname(path));
}

async function syncDir(dir: string): Promise<void> {
  // NOTE: not every platform can fsync a directory (Windows, some network file systems).
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}
