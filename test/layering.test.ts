import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * A package with a `./node` (or `./web`) entry keeps its root entry browser-safe: nothing the root
 * `src/index.ts` imports, directly or through other files and other `@cgar/*` packages, is a Node
 * builtin (`node:fs`, or `fs` without the prefix), `onnxruntime-node`, or a `./node` subpath such
 * as `@cgar/common/node`. Type-only imports count too: a root whose types need Node is not
 * browser-safe for a TypeScript user either. Packages without a split but that a browser bundle
 * takes whole (graph) are held to the same rule.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');

/** Browser-safe roots that must stay so even if their split were removed by mistake. */
const REQUIRED = ['common', 'export', 'graph', 'runtime', 'tasks'];
/** Packages without a `./node` or `./web` split whose root must still be browser-safe. */
const WHOLE = ['graph'];

interface Manifest {
  name: string;
  exports?: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
}

const manifest = (pkg: string): Manifest =>
  JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8')) as Manifest;
const allPackages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'package.json')));
const split = (pkg: string) =>
  Object.keys(manifest(pkg).exports ?? {}).filter((k) => k === './node' || k === './web');
const checked = [...new Set([...allPackages.filter((p) => split(p).length > 0), ...WHOLE])].sort();

/** The module specifiers of a file, comments ignored: static, dynamic, `require`, type-only and re-exports. */
function specifiersOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** Why `spec` (imported by some file) is Node-only, or undefined when it is not. */
function nodeOnly(spec: string): string | undefined {
  if (spec.startsWith('node:') || isBuiltin(spec)) return 'a Node builtin';
  if (spec === 'onnxruntime-node' || spec.startsWith('onnxruntime-node/')) return 'a Node-only package';
  if (/^@cgar\/[a-z-]+\/node$/.test(spec)) return 'a ./node entry';
  return undefined;
}

/** The workspace source file `spec` names from `from`, or undefined for an outside package. */
function resolveSpec(from: string, spec: string): string | undefined {
  if (spec.startsWith('.')) {
    const base = resolve(dirname(from), spec);
    const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
    const found = candidates.find((c) => c.endsWith('.ts') && existsSync(c));
    if (!found) throw new Error(`${relative(root, from)}: cannot resolve '${spec}'`);
    return found;
  }
  const m = /^@cgar\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(spec);
  if (!m) return undefined;
  const file = join(packagesDir, m[1]!, 'src', `${m[2] ?? 'index'}.ts`);
  if (!existsSync(file)) throw new Error(`${relative(root, from)}: '${spec}' has no source file`);
  return file;
}

/**
 * Every Node-only import reachable from `entry`, each as `file: 'spec' (why)` with the chain of
 * files that leads to it, so a failure says which import to move.
 */
function nodeImportsFrom(entry: string): string[] {
  const found: string[] = [];
  const via = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  const chain = (file: string): string => {
    const parts: string[] = [];
    for (let f: string | undefined = file; f; f = via.get(f)) parts.unshift(relative(root, f));
    return parts.join(' -> ');
  };
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const spec of specifiersOf(file)) {
      const why = nodeOnly(spec);
      if (why) {
        found.push(`${chain(file)}: '${spec}' (${why})`);
        continue;
      }
      const next = resolveSpec(file, spec);
      if (next && !via.has(next)) {
        via.set(next, file);
        queue.push(next);
      }
    }
  }
  return found;
}

describe('browser-safe root entries', () => {
  it('cover every package with a ./node or ./web split, and the required ones', () => {
    expect(checked).toEqual(expect.arrayContaining(REQUIRED));
    for (const pkg of REQUIRED.filter((p) => !WHOLE.includes(p))) expect(split(pkg)).toContain('./node');
  });

  it.each(checked)('@cgar/%s: the root entry imports nothing Node-only, even transitively', (pkg) => {
    expect(nodeImportsFrom(join(packagesDir, pkg, 'src', 'index.ts'))).toEqual([]);
  });

  it.each(allPackages.filter((p) => split(p).includes('./web')))(
    '@cgar/%s/web imports nothing Node-only',
    (pkg) => {
      expect(nodeImportsFrom(join(packagesDir, pkg, 'src', 'web.ts'))).toEqual([]);
    },
  );

  it('the check follows files and packages and finds what it must', () => {
    // NOTE: each ./node entry is Node-only through some chain, which the walk must find.
    for (const pkg of checked.filter((p) => split(p).includes('./node'))) {
      expect(nodeImportsFrom(join(packagesDir, pkg, 'src', 'node.ts')).length, pkg).toBeGreaterThan(0);
    }
    expect(nodeOnly('node:fs')).toBe('a Node builtin');
    expect(nodeOnly('crypto')).toBe('a Node builtin');
    expect(nodeOnly('onnxruntime-node')).toBe('a Node-only package');
    expect(nodeOnly('@cgar/common/node')).toBe('a ./node entry');
    expect(nodeOnly('onnxruntime-web')).toBeUndefined();
    expect(nodeOnly('@cgar/graph/testing')).toBeUndefined();
  });
});

describe('./node and ./web entries', () => {
  const tsconfig = readFileSync(join(root, 'tsconfig.json'), 'utf8');
  const entries = allPackages.flatMap((pkg) => split(pkg).map((sub) => [pkg, sub.slice(2)] as const));

  it.each(entries)(
    '@cgar/%s/%s is wired: source, tsup entry, exports, typesVersions, tsconfig path',
    (pkg, sub) => {
      const dir = join(packagesDir, pkg);
      expect(existsSync(join(dir, 'src', `${sub}.ts`))).toBe(true);
      expect(readFileSync(join(dir, 'tsup.config.ts'), 'utf8')).toContain(`'src/${sub}.ts'`);
      const m = manifest(pkg);
      expect(m.exports?.[`./${sub}`]).toEqual({
        import: { types: `./dist/${sub}.d.ts`, default: `./dist/${sub}.js` },
        require: { types: `./dist/${sub}.d.cts`, default: `./dist/${sub}.cjs` },
      });
      expect(m.typesVersions?.['*']?.[sub]).toEqual([`./dist/${sub}.d.ts`]);
      expect(tsconfig).toContain(`"@cgar/${pkg}/${sub}"`);
    },
  );
});
