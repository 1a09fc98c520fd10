import { createRng } from '@cgar/common';
import { describe, expect, it } from 'vitest';
import { applyTransform, augmentSudoku, randomTransform } from './augment.js';
import { generate } from './generator.js';
import { countGivens, isValidSolution, parseGrid } from './grid.js';
import { INKALA, INKALA_SOLUTION } from './puzzles.test-helper.js';
import { solve } from './solver.js';

describe('augmentSudoku', () => {
  it('keeps puzzles valid and the solution the unique solution', () => {
    const rng = createRng(9);
    const examples = [
      { puzzle: parseGrid(INKALA), solution: parseGrid(INKALA_SOLUTION) },
      ...generate({ seed: 8, count: 50, minGivens: 22, maxGivens: 30 }),
    ];
    for (const e of examples) {
      for (let k = 0; k < 4; k++) {
        const a = augmentSudoku(e, rng);
        expect(countGivens(a.puzzle)).toBe(countGivens(e.puzzle));
        expect(isValidSolution(a.puzzle, a.solution)).toBe(true);
        const r = solve(a.puzzle);
        expect(r.solutions).toBe(1);
        expect(r.solution).toEqual(a.solution);
      }
    }
  });

  it('is reproducible from the rng and does not modify its input', () => {
    const e = { puzzle: parseGrid(INKALA), solution: parseGrid(INKALA_SOLUTION) };
    const before = e.puzzle.slice();
    expect(augmentSudoku(e, createRng(3))).toEqual(augmentSudoku(e, createRng(3)));
    expect(e.puzzle).toEqual(before);
  });
});

const box = (i: number) => ((((i / 9) | 0) / 3) | 0) * 3 + (((i % 9) / 3) | 0);

describe('randomTransform', () => {
  it('keeps blanks blank, maps cells one to one, keeps boxes whole and transposes half the time', () => {
    const rng = createRng(4);
    let transposed = 0;
    for (let n = 0; n < 400; n++) {
      const t = randomTransform(rng);
      expect(t.digitMap[0]).toBe(0);
      expect([...t.digitMap.subarray(1)].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(new Set(t.cellMap).size).toBe(81);
      for (let b = 0; b < 9; b++) {
        const cells = Array.from(
          { length: 9 },
          (_, k) => (((b / 3) | 0) * 3 + ((k / 3) | 0)) * 9 + (b % 3) * 3 + (k % 3),
        );
        expect(new Set(cells.map((i) => box(t.cellMap[i] as number))).size).toBe(1);
      }
      // Cells 0 and 1 share a row; after a transpose their sources share a column.
      const [a, b] = [t.cellMap[0] as number, t.cellMap[1] as number];
      if (a % 9 === b % 9) transposed++;
    }
    expect(transposed).toBeGreaterThan(160);
    expect(transposed).toBeLessThan(240);
  });

  it('applies to digit grids with blanks', () => {
    const t = randomTransform(createRng(1));
    const out = applyTransform(parseGrid(INKALA), t);
    expect(countGivens(out)).toBe(21);
  });
});
