import { describe, expect, it } from 'vitest';
import type { ConfigName } from './configs.js';
import { type RunId, splitRuns } from './jobs.js';

const table: RunId[] = [
  ...[0, 1, 2].flatMap((seed) =>
    (['baseline', 'pdc', 'hsw', 'cgar', 'cgar-official'] as ConfigName[])
      .filter((config) => seed === 0 || config === 'baseline' || config === 'cgar')
      .map((config) => ({ config, seed })),
  ),
];
const cost = (r: RunId) => (r.config === 'baseline' || r.config === 'hsw' ? 1 : 1 / 1.54);
const total = (list: RunId[]) => list.reduce((s, r) => s + cost(r), 0);

describe('splitRuns', () => {
  it('splits the five-configuration table into two lists that finish together', () => {
    const [a = [], b = []] = splitRuns(table, 2, cost);
    expect(a.length + b.length).toBe(table.length);
    expect(new Set([...a, ...b]).size).toBe(table.length);
    // 7.25 units in all: the best split is 3.65 / 3.60, where longest-first gives 3.95 / 3.30.
    expect(Math.max(total(a), total(b))).toBeCloseTo(1 + 1 + 1 + 1 / 1.54, 6);
  });

  it('keeps the given order inside each list', () => {
    for (const list of splitRuns(table, 2, cost)) {
      const idx = list.map((r) => table.indexOf(r));
      expect(idx).toEqual([...idx].sort((x, y) => x - y));
    }
  });

  it('gives every run to one list when jobs is 1, and leaves extra lists empty', () => {
    expect(splitRuns(table, 1, cost)).toEqual([table]);
    const lists = splitRuns(table.slice(0, 2), 3, cost);
    expect(lists.map((l) => l.length).sort()).toEqual([0, 1, 1]);
  });

  it('falls back to longest-first for large tables', () => {
    const many: RunId[] = Array.from({ length: 30 }, (_, seed) => ({ config: 'baseline', seed }));
    const lists = splitRuns(many, 3, cost);
    expect(lists.map((l) => l.length)).toEqual([10, 10, 10]);
  });
});
