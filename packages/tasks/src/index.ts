// NOTE: the root entry imports nothing from Node (browser-safe); the dataset files are in `./node`.

export type { Rng, RngState } from '@cgar/common';
export { createRng, deriveSeed } from '@cgar/common';
export type { SudokuTransform } from './augment.js';
export { applyTransform, augmentSudoku, randomTransform } from './augment.js';
export type { GeneratedPuzzle, GenerateOptions, PuzzleOptions } from './generator.js';
export { generate, generatePuzzle } from './generator.js';
export type { AnswerGrade, SudokuExample } from './grid.js';
export {
  BLANK_ID,
  CELLS,
  countGivens,
  decodeGrid,
  encodePuzzle,
  encodeSolution,
  formatGrid,
  givensConflict,
  gradeAnswer,
  gridToString,
  isValidSolution,
  PAD_ID,
  parseGrid,
  SUDOKU_VOCAB_SIZE,
} from './grid.js';
export type { Batch, Loader, LoaderOptions, LoaderState } from './loader.js';
export { createLoader } from './loader.js';
export type { SearchResult } from './solver.js';
export { solvableBySingles, solve } from './solver.js';
export { difficultyBin, difficultyHistogram, givensHistogram } from './stats.js';
export type { Task } from './task.js';
export { sudokuTask } from './task.js';
export type { LineProblem, ParseOptions } from './text-format.js';
export { PuzzleFormatError, parsePuzzleGrids, parsePuzzles } from './text-format.js';
