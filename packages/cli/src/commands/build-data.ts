import { buildSudokuDataset } from '@cgar/tasks/node';
import { defineCommand, UsageError } from '../command.js';
import { numberFlag, progressBar } from '../flags.js';

export const buildData = defineCommand({
  summary: 'Generate a Sudoku data set (train and test splits) with a manifest',
  usage:
    'build-data sudoku --out DIR [--train N] [--test N] [--seed S] [--min-givens G] [--max-givens G] [--require-search]',
  description:
    'Writes DIR/train and DIR/test: unique-solution puzzles made from seeded random grids, each\n' +
    'split with its own seed and no puzzle in both. --require-search keeps only puzzles that\n' +
    'naked and hidden singles alone cannot solve (harder ones).',
  positionals: true,
  options: {
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'output folder' },
    train: { type: 'string', valueName: 'N', description: 'training puzzles (default 10000)' },
    test: { type: 'string', valueName: 'N', description: 'held-out puzzles (default 1000)' },
    seed: { type: 'string', valueName: 'S', description: 'random seed (default 0)' },
    'min-givens': { type: 'string', valueName: 'G', description: 'fewest clues (default 25)' },
    'max-givens': { type: 'string', valueName: 'G', description: 'most clues (default 35)' },
    'require-search': { type: 'boolean', description: 'keep only puzzles that singles cannot solve' },
  },
  async run({ values, positionals, io }) {
    if (positionals[0] !== 'sudoku')
      throw new UsageError(`build-data needs the task name 'sudoku', got '${positionals[0] ?? ''}'`);
    if (!values.out) throw new UsageError('--out DIR is required');
    const t0 = performance.now();
    const { train, test } = buildSudokuDataset({
      dir: values.out,
      seed: numberFlag('seed', values.seed, false) ?? 0,
      train: numberFlag('train', values.train, true) ?? 10_000,
      test: numberFlag('test', values.test, true) ?? 1000,
      minGivens: numberFlag('min-givens', values['min-givens'], true) ?? 25,
      maxGivens: numberFlag('max-givens', values['max-givens'], true) ?? 35,
      requireSearch: values['require-search'] ?? false,
      onProgress: (split, done, total) => progressBar(io, done, total, split),
    });
    io.stdout(
      `wrote ${train.count} training and ${test.count} test puzzles to ${values.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  },
});
