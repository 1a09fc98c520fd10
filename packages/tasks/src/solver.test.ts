import { describe, expect, it } from 'vitest';
import { generate } from './generator.js';
import { gridToString, isValidSolution, parseGrid } from './grid.js';
import {
  INKALA,
  INKALA_SOLUTION,
  NORVIG_17,
  NORVIG_17_SOLUTION,
  ROYLE_17,
  ROYLE_17_SOLUTION,
  WIKI,
} from './puzzles.test-helper.js';
import { solvableBySingles, solve } from './solver.js';

describe('solve', () => {
  it.each([
    ['Inkala 21-clue', INKALA, INKALA_SOLUTION],
    ['Royle 17-clue', ROYLE_17, ROYLE_17_SOLUTION],
    ['Norvig 17-clue', NORVIG_17, NORVIG_17_SOLUTION],
  ])('solves the hard classic %s uniquely', (_name, puzzle, expected) => {
    const result = solve(parseGrid(puzzle));
    expect(result.solutions).toBe(1);
    expect(gridToString(result.solution as Uint8Array)).toBe(expected);
    expect(isValidSolution(parseGrid(puzzle), result.solution as Uint8Array)).toBe(true);
  });

  it('rates search-free puzzles 1 node and hard ones more', () => {
    expect(solve(parseGrid(WIKI)).nodes).toBe(1);
    expect(solve(parseGrid(INKALA)).nodes).toBeGreaterThan(10);
  });

  it('finds no solution for conflicting givens', () => {
    const dup = `55${'.'.repeat(79)}`;
    expect(solve(parseGrid(dup))).toEqual({ solutions: 0, nodes: 1 });
  });

  it('finds no solution for a grid without direct conflicts that cannot be completed', () => {
    // Row 1 needs a 9 in its last cell, but the cell below already holds 9 (same column and box).
    const puzzle = `12345678.........9${'.'.repeat(63)}`;
    expect(solve(parseGrid(puzzle)).solutions).toBe(0);
    // Inkala's puzzle plus one wrong extra clue in its first blank cell.
    const wrong = parseGrid(INKALA);
    const truth = parseGrid(INKALA_SOLUTION);
    const cell = wrong.indexOf(0);
    const candidates = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => d !== truth[cell]);
    const results = candidates.map((d) => solve(Uint8Array.from(wrong, (v, i) => (i === cell ? d : v))));
    for (const r of results) expect(r.solutions).toBe(0);
  });

  it('caps the count at 2 for ambiguous grids', () => {
    expect(solve(new Uint8Array(81)).solutions).toBe(2);
    const { puzzle, solution } = deadlyRectangle(parseGrid(INKALA_SOLUTION));
    const result = solve(puzzle);
    expect(result.solutions).toBe(2);
    expect(isValidSolution(puzzle, result.solution as Uint8Array)).toBe(true);
    expect(solve(puzzle, { limit: 1 }).solutions).toBe(1);
    expect(solve(puzzle, { limit: 5 }).solutions).toBe(2);
    expect(solution).toBeDefined();
  });

  it('does not modify its input and validates it', () => {
    const g = parseGrid(INKALA);
    const copy = g.slice();
    solve(g);
    expect(g).toEqual(copy);
    expect(() => solve(new Uint8Array(10))).toThrow(/solve: 'puzzle' must have 81 cells/);
    expect(() => solve(g, { limit: 0 })).toThrow(RangeError);
  });
});

describe('solvableBySingles', () => {
  it('tells singles-only puzzles from ones that need search', () => {
    expect(solvableBySingles(parseGrid(WIKI))).toBe(true);
    expect(solvableBySingles(parseGrid(INKALA))).toBe(false);
    expect(solvableBySingles(parseGrid(ROYLE_17))).toBe(true);
  });

  it('agrees with the node count and separates naked from hidden singles', () => {
    const puzzles = generate({ seed: 11, count: 300, minGivens: 24, maxGivens: 30 });
    let hiddenOnly = 0;
    for (const p of puzzles) {
      const singles = solvableBySingles(p.puzzle);
      expect(singles).toBe(p.nodes === 1);
      const naked = solvableBySingles(p.puzzle, { hiddenSingles: false });
      if (naked) expect(singles).toBe(true);
      if (singles && !naked) hiddenOnly++;
    }
    expect(hiddenOnly).toBeGreaterThan(0);
  });
});

/** Blanks a 2x2 pattern a b / b a in two rows of one band: swapping it gives a second solution. */
function deadlyRectangle(solution: Uint8Array): { puzzle: Uint8Array; solution: Uint8Array } {
  for (let r1 = 0; r1 < 9; r1++) {
    for (let r2 = r1 + 1; r2 < 3 * (((r1 / 3) | 0) + 1); r2++) {
      for (let c1 = 0; c1 < 9; c1++) {
        for (let c2 = c1 + 1; c2 < 9; c2++) {
          const a = solution[r1 * 9 + c1];
          const b = solution[r1 * 9 + c2];
          if (solution[r2 * 9 + c1] === b && solution[r2 * 9 + c2] === a) {
            const puzzle = solution.slice();
            for (const i of [r1 * 9 + c1, r1 * 9 + c2, r2 * 9 + c1, r2 * 9 + c2]) puzzle[i] = 0;
            return { puzzle, solution };
          }
        }
      }
    }
  }
  throw new Error('no deadly rectangle in this grid');
}
