import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, sources } from './sources.test-helper.js';

/**
 * No source file imports itself through other files: a cycle makes the load order decide which
 * binding is still undefined, and hides which file owns what. Type-only imports count too (a
 * type cycle is the same tangle). Tests are left out; everything under packages/<name>/src is in.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

/** Every strongly connected component with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('file-level imports', () => {
  it('form no cycle in any package', () => {
    const files = readdirSync(join(root, 'packages')).flatMap((p) =>
      sources(join(root, 'packages', p, 'src'), (name) => !/\.(test|test-helper)\.ts$/.test(name)),
    );
    expect(files.length).toBeGreaterThan(50);
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const found = cycles(graph).map((c) => c.map((f) => relative(root, f)));
    expect(found).toEqual([]);
  });

  it('the check finds a cycle when there is one', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
  });
});
