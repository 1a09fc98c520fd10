import { createRng } from '@cgar/common';
import { describe, expect, it } from 'vitest';
import { generate, generatePuzzle } from './generator.js';
import { countGivens, isValidSolution } from './grid.js';
import { solvableBySingles, solve } from './solver.js';

describe('generate', () => {
  const puzzles = generate({ seed: 1, count: 200, minGivens: 25, maxGivens: 35 });

  it('makes unique-solution puzzles with their solution', () => {
    for (const p of puzzles) {
      const r = solve(p.puzzle);
      expect(r.solutions).toBe(1);
      expect(r.solution).toEqual(p.solution);
      expect(r.nodes).toBe(p.nodes);
      expect(isValidSolution(p.puzzle, p.solution)).toBe(true);
    }
  });

  it('keeps givens in range, drawn across the whole range', () => {
    const seen = new Set<number>();
    for (const p of puzzles) {
      expect(p.givens).toBe(countGivens(p.puzzle));
      expect(p.givens).toBeGreaterThanOrEqual(25);
      expect(p.givens).toBeLessThanOrEqual(35);
      seen.add(p.givens);
    }
    expect(seen.size).toBe(11);
  });

  it('is reproducible from the seed and differs across seeds', () => {
    const again = generate({ seed: 1, count: 20, minGivens: 25, maxGivens: 35 });
    expect(again).toEqual(puzzles.slice(0, 20));
    const other = generate({ seed: 2, count: 20, minGivens: 25, maxGivens: 35 });
    expect(other.map((p) => p.puzzle)).not.toEqual(again.map((p) => p.puzzle));
  });

  it('applies the difficulty filters', () => {
    const hard = generate({ seed: 3, count: 30, minGivens: 24, maxGivens: 28, requireSearch: true });
    for (const p of hard) expect(solvableBySingles(p.puzzle)).toBe(false);
    const deep = generate({ seed: 4, count: 10, minGivens: 22, maxGivens: 26, minNodes: 8 });
    for (const p of deep) expect(p.nodes).toBeGreaterThanOrEqual(8);
  });

  it('makes easy puzzles with many givens', () => {
    const easy = generate({ seed: 5, count: 20, minGivens: 45, maxGivens: 55 });
    for (const p of easy)
      expect(p.givens >= 45 && p.givens <= 55 && solve(p.puzzle).solutions === 1).toBe(true);
  });

  it('gives up on unreachable targets with advice', () => {
    expect(() => generatePuzzle(createRng(1), { minGivens: 17, maxGivens: 17, maxAttempts: 3 })).toThrow(
      /no puzzle with 17 givens after 3 grids \(3 got stuck above 17 givens.*raise 'minGivens'/,
    );
  });

  it('reports every bad option at once', () => {
    expect(() => generate({ seed: 1, count: 1, minGivens: 40, maxGivens: 30, minNodes: 0 })).toThrow(
      /'minNodes' must be an integer in \[1, .*'minGivens' \(40\) exceeds 'maxGivens' \(30\)/s,
    );
    expect(() => generate({ seed: 1, count: -1 })).toThrow(RangeError);
    expect(generate({ seed: 1, count: 0 })).toEqual([]);
  });
});
