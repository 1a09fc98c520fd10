import type { Rng } from '@cgar/common';
import { augmentSudoku } from './augment.js';
import { CELLS, encodePuzzle, encodeSolution, SUDOKU_VOCAB_SIZE, type SudokuExample } from './grid.js';

/**
 * A puzzle task as the trainer sees it: fixed-length token sequences over a small vocabulary, with a
 * validity-preserving augmentation. Sudoku implements it; Maze and ARC can follow.
 */
export interface Task<E> {
  readonly name: string;
  /** Token ids are `0 .. vocabSize - 1`; id 0 is padding, ignored by the loss. */
  readonly vocabSize: number;
  /** Cells per example (the model adds its own prefix positions). */
  readonly seqLen: number;
  /** Writes the input ids of `example` at `out[offset .. offset + seqLen)`. */
  encodeInput(example: E, out?: Int32Array, offset?: number): Int32Array;
  /** Writes the label ids of `example` at `out[offset .. offset + seqLen)`. */
  encodeLabels(example: E, out?: Int32Array, offset?: number): Int32Array;
  /** A randomly transformed copy that is still a valid example. */
  augment(example: E, rng: Rng): E;
}

/**
 * Sudoku 9x9 with the docs/design.md section 1 vocabulary (0 pad, 1 blank, digits 1..9 as ids 2..10).
 *
 * @example
 * const ids = sudokuTask.encodeInput(example); // Int32Array(81)
 * const labels = sudokuTask.encodeLabels(sudokuTask.augment(example, createRng(1)));
 */
export const sudokuTask: Task<SudokuExample> = {
  name: 'sudoku',
  vocabSize: SUDOKU_VOCAB_SIZE,
  seqLen: CELLS,
  encodeInput: (example, out, offset) => encodePuzzle(example.puzzle, out, offset),
  encodeLabels: (example, out, offset) => encodeSolution(example.solution, out, offset),
  augment: augmentSudoku,
};
