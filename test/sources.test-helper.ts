import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** Every `.ts` file under `dir` (declaration files left out) that `keep` accepts by name. */
export function sources(dir: string, keep: (name: string) => boolean = () => true): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path, keep);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && keep(e.name) ? [path] : [];
  });
}

/**
 * Relative imports of `file`, resolved to .ts files: static, dynamic, type-only (`import type`,
 * `import('./x.js').T`) and re-exports; comments ignored.
 */
export function importsOf(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}
