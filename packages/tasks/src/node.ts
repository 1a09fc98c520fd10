/**
 * `@cgar/tasks/node`: the dataset files (write, read and check a dataset folder, read a puzzle
 * collection from disk). Node only: they use `node:fs`, `node:crypto` and `node:path`. Everything
 * else (grids, solver, generator, augmentation, text parsing, loader, PRNG) is in the browser-safe
 * root entry `@cgar/tasks`.
 */
export type {
  BuildOptions,
  DatasetBuild,
  DatasetManifest,
  DatasetMeta,
  SudokuDataset,
} from './dataset.js';
export {
  buildSudokuDataset,
  checkDatasetBuild,
  DATASET_FORMAT_VERSION,
  readDataset,
  readPuzzleFile,
  readPuzzleGrids,
  writeDataset,
} from './dataset.js';
