import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildSudokuDataset,
  checkDatasetBuild,
  readDataset,
  readPuzzleFile,
  writeDataset,
} from './dataset.js';
import { generate } from './generator.js';
import { gridToString, parseGrid } from './grid.js';
import { INKALA, INKALA_SOLUTION, WIKI } from './puzzles.test-helper.js';
import { solve } from './solver.js';

const root = mkdtempSync(join(tmpdir(), 'cgar-tasks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writeDataset / readDataset', () => {
  const examples = generate({ seed: 21, count: 50, minGivens: 25, maxGivens: 35 });

  it('round-trips puzzles and solutions and records a manifest', () => {
    const dir = join(root, 'rt');
    const manifest = writeDataset(dir, examples, { split: 'train', seed: 21, generator: { minGivens: 25 } });
    const back = readDataset(dir);
    expect(back.manifest).toEqual(manifest);
    expect(back.examples.map((e) => gridToString(e.puzzle))).toEqual(
      examples.map((e) => gridToString(e.puzzle)),
    );
    expect(back.examples.map((e) => gridToString(e.solution))).toEqual(
      examples.map((e) => gridToString(e.solution)),
    );
    expect(manifest).toMatchObject({
      format: 'cgar-sudoku',
      version: 1,
      split: 'train',
      count: 50,
      seed: 21,
    });
    expect(manifest.bytes).toBe(16 + 50 * 82);
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    const sum = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);
    expect(sum(manifest.givensHistogram)).toBe(50);
    expect(sum(manifest.difficultyHistogram)).toBe(50);
    expect(manifest.difficultyHistogram['1']).toBe(examples.filter((e) => e.nodes === 1).length);
    expect(manifest.needSearch).toBe(examples.filter((e) => e.nodes > 1).length);
  });

  it('computes the rating when examples carry no node count', () => {
    const dir = join(root, 'plain');
    const m = writeDataset(dir, [{ puzzle: parseGrid(INKALA), solution: parseGrid(INKALA_SOLUTION) }]);
    const nodes = solve(parseGrid(INKALA)).nodes;
    expect(Object.keys(m.difficultyHistogram)).toHaveLength(1);
    const [lo, hi] = (Object.keys(m.difficultyHistogram)[0] as string).split('-').map(Number);
    expect(nodes >= (lo as number) && nodes <= (hi as number)).toBe(true);
    expect(m.givensHistogram).toEqual({ '21': 1 });
  });

  it('rejects a truncated file, a flipped byte and a missing manifest, saying how to rebuild', () => {
    const dir = join(root, 'bad');
    writeDataset(dir, examples);
    const bin = join(dir, 'puzzles.bin');
    const good = readFileSync(bin);
    truncateSync(bin, good.length - 10);
    expect(() => readDataset(dir)).toThrow(/puzzles\.bin' is truncated or corrupted.*cgar build-data/);
    const flipped = Buffer.from(good);
    flipped[100] = (flipped[100] as number) ^ 1;
    writeFileSync(bin, flipped);
    expect(() => readDataset(dir)).toThrow(/is corrupted: SHA-256 .* does not match.*cgar build-data/);
    expect(() => readDataset(join(root, 'nowhere'))).toThrow(
      /no manifest\.json in .*nowhere.*cgar build-data/,
    );
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect(() => readDataset(dir)).toThrow(/is not valid JSON/);
  });

  it("keeps a manifest's file inside its folder and bounds its size before reading", () => {
    const dir = join(root, 'hostile');
    writeDataset(dir, examples.slice(0, 2));
    const good = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const withManifest = (patch: object) =>
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...good, ...patch }));
    for (const file of ['../../../../etc/passwd', '/dev/zero', 'sub/puzzles.bin', '..']) {
      withManifest({ file });
      expect(() => readDataset(dir)).toThrow(/names file .*, expected a file name inside/);
    }
    withManifest({ count: 1e12 });
    expect(() => readDataset(dir)).toThrow(/has count 1000000000000, expected an integer in \[0, /);
    mkdirSync(join(dir, 'folder.bin'));
    withManifest({ file: 'folder.bin' });
    expect(() => readDataset(dir)).toThrow(/folder\.bin' is not a regular file/);
  });

  it('leaves no temporary files behind', () => {
    const dir = join(root, 'rt');
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'puzzles.bin']);
  });

  it('validates every example before writing', () => {
    const bad = [
      { puzzle: parseGrid(WIKI), solution: parseGrid(INKALA_SOLUTION) },
      { puzzle: new Uint8Array(80), solution: new Uint8Array(81) },
    ];
    expect(() => writeDataset(join(root, 'never'), bad)).toThrow(
      /examples\[0\]: solution is invalid.*'examples\[1\]\.puzzle' must have 81 cells/,
    );
  });
});

describe('buildSudokuDataset', () => {
  it('writes disjoint train and test splits, reproducibly', () => {
    const opts = { seed: 5, train: 120, test: 40, minGivens: 28, maxGivens: 32 };
    const a = buildSudokuDataset({ dir: join(root, 'a'), ...opts });
    const b = buildSudokuDataset({ dir: join(root, 'b'), ...opts });
    expect(b).toEqual(a);
    expect(a.train.count).toBe(120);
    expect(a.test.count).toBe(40);
    expect(a.test.generator).toMatchObject({ minGivens: 28, maxGivens: 32, duplicatesSkipped: 0 });
    const train = readDataset(join(root, 'a', 'train')).examples;
    const test = readDataset(join(root, 'a', 'test')).examples;
    const keys = new Set(train.flatMap((e) => [gridToString(e.puzzle), gridToString(e.solution)]));
    for (const e of test) {
      expect(keys.has(gridToString(e.puzzle))).toBe(false);
      expect(keys.has(gridToString(e.solution))).toBe(false);
    }
    expect(new Set(train.map((e) => gridToString(e.puzzle))).size).toBe(120);
  });

  it('records the build last, so splits of two builds (an interrupted rebuild) are refused', () => {
    const opts = { train: 6, test: 3, minGivens: 50, maxGivens: 55 };
    const dir = join(root, 'mixed');
    buildSudokuDataset({ dir, seed: 1, ...opts });
    expect(JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'))).toMatchObject({ seed: 1 });
    expect(() => checkDatasetBuild(dir)).not.toThrow();
    // a rebuild with seed 2 killed after its train split: train is new, test and dataset.json old
    buildSudokuDataset({ dir: join(root, 'other'), seed: 2, ...opts });
    rmSync(join(dir, 'train'), { recursive: true });
    cpSync(join(root, 'other', 'train'), join(dir, 'train'), { recursive: true });
    expect(() => checkDatasetBuild(dir)).toThrow(
      /not from one build \('train' does not match .*dataset\.json\)/,
    );
    // an older folder without dataset.json: the split manifests' seeds must agree
    rmSync(join(dir, 'dataset.json'));
    expect(() => checkDatasetBuild(dir)).toThrow(/'train' has seed 2, 'test' has seed 1/);
  });

  it('reports every bad option at once, the error class by kind', () => {
    expect(() => buildSudokuDataset({ dir: '', seed: -1, train: 1.5, minGivens: 90 })).toThrow(
      /buildSudokuDataset: 5 problems:\n {2}- 'dir' must be a non-empty path\n {2}- 'seed' must be .*\n {2}- 'train' must be .*\n {2}- 'minGivens' must be an integer in \[17, 81\]/,
    );
    expect(() => buildSudokuDataset({ dir: join(root, 'x'), seed: 1, train: 1, minGivens: 90 })).toThrow(
      RangeError,
    );
    expect(() => buildSudokuDataset({ dir: 7 as unknown as string, seed: 1, train: 1 })).toThrow(TypeError);
  });
});

describe('readPuzzleFile', () => {
  it('reads a text collection and names the file in errors', () => {
    const path = join(root, 'mine.txt');
    writeFileSync(path, `# mine\n${INKALA}\n${WIKI}\n`);
    expect(readPuzzleFile(path)).toHaveLength(2);
    writeFileSync(path, `# mine\n${INKALA.slice(3)}\n`);
    expect(() => readPuzzleFile(path)).toThrow(/mine\.txt:2: puzzle has 78 characters/);
    writeFileSync(path, '# nothing\n');
    expect(() => readPuzzleFile(path)).toThrow(/holds no puzzles/);
  });
});
