import { existsSync, statSync } from 'node:fs';
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

export { writeFileAtomicSync as writeFileAtomic } from '@cgar/common/node';
