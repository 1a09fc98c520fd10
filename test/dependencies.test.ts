import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Each workspace's package.json says which other packages it uses, and nothing else:
 *
 * - what shipped code imports (type-only imports too: they end up in the published `.d.ts`) is in
 *   `dependencies` or `peerDependencies`, or in `devDependencies` when tsup bundles it in
 *   (`noExternal`);
 * - what test code imports (`*.test.ts`, `*.test-helper.ts`) is declared in any field, or, for a
 *   package outside the workspace, in the root package.json's `devDependencies` (vitest, fast-check);
 * - every declared `@cgar/*` package is imported by some file of the workspace.
 *
 * Examples are private apps: what they import is declared in some field, and every declared
 * `@cgar/*` package is imported.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const rootManifest = readJson(join(root, 'package.json'));

const workspaces = ['packages', 'examples'].flatMap((group) =>
  readdirSync(join(root, group))
    .filter((name) => existsSync(join(root, group, name, 'package.json')))
    .map((name) => `${group}/${name}`),
);

const isTest = (file: string) => /\.test(-helper)?\.ts$/.test(file);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (['node_modules', 'dist', 'public'].includes(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The package a bare module specifier names (`@scope/name/sub` -> `@scope/name`), or undefined. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || isBuiltin(spec)) return;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Each package `file` imports (static, dynamic, type-only, re-exports), comments ignored. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.flatMap((f) => packageOf(f.fileName) ?? []);
}

/** The packages a workspace's tsup config bundles into its output (`noExternal`). */
function bundled(dir: string): string[] {
  const config = join(dir, 'tsup.config.ts');
  if (!existsSync(config)) return [];
  const m = /noExternal:\s*\[([^\]]*)\]/.exec(readFileSync(config, 'utf8'));
  return m ? [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!) : [];
}

/** Every mismatch between what `workspace` imports and what its package.json declares. */
function mismatches(workspace: string): string[] {
  const dir = join(root, workspace);
  const m = readJson(join(dir, 'package.json'));
  const deps = Object.keys(m.dependencies ?? {});
  const dev = Object.keys(m.devDependencies ?? {});
  const peer = Object.keys(m.peerDependencies ?? {});
  const declared = new Set([...deps, ...dev, ...peer]);
  const runtime = new Set([...deps, ...peer, ...dev.filter((d) => bundled(dir).includes(d))]);
  const rootDev = new Set(Object.keys(rootManifest.devDependencies ?? {}));
  const files = m.private ? sources(dir) : sources(join(dir, 'src'));

  const found: string[] = [];
  const used = new Set<string>();
  for (const file of files) {
    const where = relative(root, file);
    for (const pkg of new Set(importsOf(file))) {
      if (pkg === m.name) continue;
      used.add(pkg);
      if (m.private || isTest(file)) {
        if (!declared.has(pkg) && (pkg.startsWith('@cgar/') || !rootDev.has(pkg)))
          found.push(`${where} imports ${pkg}, which ${m.name} does not declare`);
      } else if (!runtime.has(pkg)) {
        found.push(
          `${where} imports ${pkg}, which is not in ${m.name}'s dependencies or peerDependencies` +
            (dev.includes(pkg) ? ' (only devDependencies, and tsup does not bundle it)' : ''),
        );
      }
    }
  }
  for (const pkg of declared) {
    if (pkg.startsWith('@cgar/') && !used.has(pkg))
      found.push(`${m.name} declares ${pkg} but imports nothing from it`);
  }
  return found;
}

describe('package.json dependencies', () => {
  it('cover every workspace', () => {
    expect(workspaces.length).toBeGreaterThan(10);
  });

  it.each(workspaces)('%s declares what it imports, and imports every @cgar package it declares', (ws) => {
    expect(mismatches(ws)).toEqual([]);
  });

  it('names the package of a specifier', () => {
    expect(packageOf('@cgar/tasks/node')).toBe('@cgar/tasks');
    expect(packageOf('onnxruntime-node')).toBe('onnxruntime-node');
    expect(packageOf('yaml/util')).toBe('yaml');
    expect(packageOf('node:fs')).toBeUndefined();
    expect(packageOf('fs/promises')).toBeUndefined();
    expect(packageOf('./graph.js')).toBeUndefined();
  });
});
