import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './command.js';

/** True when `a` and `b` name the same file (the same path, or the same file through links). */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

/** Throws a usage error when `out` would overwrite one of the command's `inputs`. */
export function refuseOverwrite(flag: string, out: string, inputs: readonly string[]): void {
  const hit = inputs.find((input) => sameFile(out, input));
  if (hit !== undefined)
    throw new UsageError(
      `${flag} ${out} is an input of this command (${hit}); writing it would destroy it: pick another ${flag}`,
    );
}

/**
 * Writes a file atomically (a temporary file beside it, then a rename). On failure (a full disk,
 * a read-only folder) the temporary file is removed and the error names the file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
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
    );
  }
}
