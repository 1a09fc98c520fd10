import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, sources } from './sources.test-helper.js';

/**
 * Test code is named as test code, so a rule can tell it from what ships: tests are `*.test.ts`,
 * and the files only tests use (fixtures, sample puzzles, model builders) are `*.test-helper.ts`.
 * tsup builds a package from its entries (`entry` in tsup.config.ts) and `files` publishes only
 * `dist`, so a helper never ships; here we check the other way round: every other file under
 * packages/<name>/src is reachable from an entry, and no shipped file imports a test helper.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'package.json')));

const isTestCode = (file: string) => /\.test(-helper)?\.ts$/.test(file);

/** The source files tsup builds `pkg` from. */
function entries(pkg: string): string[] {
  const config = readFileSync(join(packagesDir, pkg, 'tsup.config.ts'), 'utf8');
  return [...config.matchAll(/'(src\/[^']+\.ts)'/g)].map((m) => join(packagesDir, pkg, m[1]!));
}

/** Every file reachable from `starts` through relative imports. */
function reachable(starts: string[]): Set<string> {
  const seen = new Set(starts);
  const queue = [...starts];
  while (queue.length > 0) {
    for (const next of importsOf(queue.shift()!)) {
      if (existsSync(next) && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('test code', () => {
  it.each(packages)('@cgar/%s: every file outside its build is named as test code', (pkg) => {
    const starts = entries(pkg);
    expect(starts.length).toBeGreaterThan(0);
    const built = reachable(starts);
    const stray = sources(join(packagesDir, pkg, 'src')).filter((f) => !built.has(f) && !isTestCode(f));
    expect(stray.map((f) => relative(root, f))).toEqual([]);
  });

  it.each(packages)('@cgar/%s: no file of its build is test code', (pkg) => {
    const built = [...reachable(entries(pkg))].filter(isTestCode);
    expect(built.map((f) => relative(root, f))).toEqual([]);
  });

  it('publishes only dist, README and LICENSE (and bin for the CLI)', () => {
    for (const pkg of packages) {
      const { files } = JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8')) as {
        files: string[];
      };
      expect(
        files.filter((f) => !['dist', 'README.md', 'LICENSE', 'bin'].includes(f)),
        pkg,
      ).toEqual([]);
    }
  });
});
