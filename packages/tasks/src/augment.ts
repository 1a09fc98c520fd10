import type { Rng } from '@cgar/common';
import { CELLS, checkGrid, type SudokuExample } from './grid.js';

/** A validity-preserving Sudoku symmetry: `out[i] = digitMap[grid[cellMap[i]]]`. */
export interface SudokuTransform {
  /** Length 10; `digitMap[0] === 0` (blank stays blank), 1..9 permuted. */
  digitMap: Uint8Array;
  /** Length 81; the source cell of each output cell. */
  cellMap: Uint8Array;
}

/**
 * Draws a random symmetry, in the order of docs/design.md section 1: permute digits 1..9; transpose with
 * probability 0.5; shuffle the 3 bands, then the 3 rows inside each band; shuffle the 3 stacks, then
 * the 3 columns inside each stack.
 *
 * @example
 * const t = randomTransform(createRng(7));
 * const puzzle2 = applyTransform(puzzle, t);
 */
export function randomTransform(rng: Rng): SudokuTransform {
  const digitMap = new Uint8Array(10);
  const digits = rng.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (let d = 1; d <= 9; d++) digitMap[d] = digits[d - 1] as number;
  const transpose = rng.next() < 0.5;
  const rowSrc = lineOrder(rng);
  const colSrc = lineOrder(rng);
  const cellMap = new Uint8Array(CELLS);
  for (let r = 0; r < 9; r++) {
    for (let c = 0; c < 9; c++) {
      const sr = rowSrc[r] as number;
      const sc = colSrc[c] as number;
      cellMap[r * 9 + c] = transpose ? sc * 9 + sr : sr * 9 + sc;
    }
  }
  return { digitMap, cellMap };
}

/** Source line of each output line: bands (or stacks) shuffled, then lines within each. */
function lineOrder(rng: Rng): number[] {
  const groups = rng.shuffle([0, 1, 2]);
  const order: number[] = [];
  for (const g of groups) for (const i of rng.shuffle([0, 1, 2])) order.push(g * 3 + i);
  return order;
}

/**
 * Applies a transform to a grid of digits (0 = blank).
 *
 * @example
 * applyTransform(solution, randomTransform(rng)); // still a valid solved grid
 */
export function applyTransform(
  grid: ArrayLike<number>,
  t: SudokuTransform,
  out: Uint8Array = new Uint8Array(CELLS),
): Uint8Array {
  checkGrid('applyTransform', 'grid', grid);
  for (let i = 0; i < CELLS; i++) out[i] = t.digitMap[grid[t.cellMap[i] as number] as number] as number;
  return out;
}

/**
 * Augments a puzzle and its solution with one shared random transform; validity and uniqueness are kept.
 *
 * @example
 * const { puzzle, solution } = augmentSudoku(example, createRng(1));
 */
export function augmentSudoku(example: SudokuExample, rng: Rng): SudokuExample {
  const t = randomTransform(rng);
  return { puzzle: applyTransform(example.puzzle, t), solution: applyTransform(example.solution, t) };
}
