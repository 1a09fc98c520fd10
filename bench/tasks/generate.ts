// Benchmark of @cgar/tasks. Run from the repository root: `npm run bench -w bench/tasks`
// (or `npm run bench` in this folder). Prints one JSON object per measurement.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoader, difficultyHistogram, generate, givensHistogram, parseGrid, solve } from '@cgar/tasks';
import { buildSudokuDataset, readDataset } from '@cgar/tasks/node';

const report = (name: string, figures: Record<string, unknown>) =>
  console.log(JSON.stringify({ name, ...figures }));
const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

console.log(JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, cores: cpus().length }));

{
  const t0 = performance.now();
  const puzzles = generate({ seed: 1, count: 10_000, minGivens: 25, maxGivens: 35 });
  const s = seconds(t0);
  const nodes = puzzles.map((p) => p.nodes);
  report('generate 10,000 unique puzzles, 25-35 givens', {
    seconds: s,
    perSecond: Math.round(10_000 / s),
    needSearch: nodes.filter((n) => n > 1).length / nodes.length,
    nodesMedian: quantile(nodes, 0.5),
    nodesP99: quantile(nodes, 0.99),
    nodesMax: Math.max(...nodes),
    givens: givensHistogram(puzzles),
    difficulty: difficultyHistogram(nodes),
  });
}

for (const [label, opts] of [
  ['generate 1,000, 22-26 givens', { minGivens: 22, maxGivens: 26 }],
  ['generate 1,000, 25-35 givens, requireSearch', { minGivens: 25, maxGivens: 35, requireSearch: true }],
  ['generate 1,000, 45-55 givens (easy)', { minGivens: 45, maxGivens: 55 }],
] as const) {
  const t0 = performance.now();
  const puzzles = generate({ seed: 2, count: 1000, ...opts });
  report(label, { seconds: seconds(t0), difficulty: difficultyHistogram(puzzles.map((p) => p.nodes)) });
}

const dir = mkdtempSync(join(tmpdir(), 'cgar-bench-'));
try {
  let t0 = performance.now();
  const m = buildSudokuDataset({ dir, seed: 1, train: 10_000, test: 1000, minGivens: 25, maxGivens: 35 });
  report('buildSudokuDataset train 10,000 + test 1,000, 25-35 givens (generate, dedupe, write)', {
    seconds: seconds(t0),
    trainBytes: m.train.bytes,
  });
  t0 = performance.now();
  const train = readDataset(join(dir, 'train'));
  report('readDataset 10,000 (sha256 check + unpack)', { seconds: seconds(t0) });
  const loader = createLoader(train, { batchSize: 768, seed: 1 });
  t0 = performance.now();
  for (let i = 0; i < 50; i++) loader.next();
  const s = seconds(t0);
  report('loader: 50 batches of 768 with augmentation', {
    seconds: s,
    examplesPerSecond: Math.round((50 * 768) / s),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const [label, text] of [
  [
    'Inkala 2012 (21 givens)',
    '8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..',
  ],
  ['Norvig 17-clue', '4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......'],
] as const) {
  const grid = parseGrid(text);
  const reps = 200;
  const t0 = performance.now();
  let nodes = 0;
  for (let i = 0; i < reps; i++) nodes = solve(grid).nodes;
  report(`solve + prove unique: ${label}`, {
    microsecondsEach: Math.round(((performance.now() - t0) * 1000) / reps),
    nodes,
  });
}
