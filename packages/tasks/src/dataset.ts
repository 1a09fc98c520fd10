import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRng, deriveSeed, Problems, show } from '@cgar/common';
import { writeFileAtomicSync } from '@cgar/common/node';
import { generatePuzzle, type PuzzleOptions, resolveOptions } from './generator.js';
import { CELLS, checkGrid, gridToString, isValidSolution, type SudokuExample } from './grid.js';
import { solvableBySingles, solve } from './solver.js';
import { difficultyHistogram, givensHistogram } from './stats.js';
import { type ParseOptions, parsePuzzleGrids, parsePuzzles } from './text-format.js';

/** Version of `puzzles.bin` and `manifest.json` written by this package. */
export const DATASET_FORMAT_VERSION = 1;
const MAGIC = 'CGSUDOKU';
const HEADER_BYTES = 16;
const PACKED = 41;
const RECORD_BYTES = 2 * PACKED;
const BIN = 'puzzles.bin';
const MANIFEST = 'manifest.json';
/** Written last by `buildSudokuDataset`: which split files belong to one build. */
const BUILD = 'dataset.json';
/** Far above any data set here; bounds what a manifest may make us read. */
const MAX_PUZZLES = 50_000_000;
const REBUILD = 'rebuild it with `cgar build-data` (or buildSudokuDataset / writeDataset)';

/** Describes one split on disk; `sha256` guards `puzzles.bin` against truncation and corruption. */
export interface DatasetManifest {
  format: 'cgar-sudoku';
  version: number;
  task: 'sudoku';
  split: string;
  count: number;
  seed: number | null;
  generator: Record<string, unknown> | null;
  source: string | null;
  givensHistogram: Record<string, number>;
  /** Search nodes of `solve` (limit 2), power-of-two bins. */
  difficultyHistogram: Record<string, number>;
  /** Puzzles that naked and hidden singles alone do not solve. */
  needSearch: number;
  file: string;
  bytes: number;
  sha256: string;
}

/** What `writeDataset` records besides the data. */
export interface DatasetMeta {
  split?: string;
  seed?: number | null;
  generator?: Record<string, unknown> | null;
  source?: string | null;
}

/** A split in memory. */
export interface SudokuDataset {
  manifest: DatasetManifest;
  examples: SudokuExample[];
}

function pack(grid: ArrayLike<number>, out: Uint8Array, offset: number): void {
  for (let k = 0; k < PACKED; k++) {
    const lo = grid[2 * k] as number;
    const hi = 2 * k + 1 < CELLS ? (grid[2 * k + 1] as number) : 0;
    out[offset + k] = lo | (hi << 4);
  }
}

function unpack(src: Uint8Array, offset: number, out: Uint8Array): boolean {
  for (let k = 0; k < PACKED; k++) {
    const b = src[offset + k] as number;
    const lo = b & 15;
    const hi = b >> 4;
    if (lo > 9 || hi > 9) return false;
    out[2 * k] = lo;
    if (2 * k + 1 < CELLS) out[2 * k + 1] = hi;
  }
  return true;
}

/**
 * Writes one split: `dir/puzzles.bin` (16-byte header `CGSUDOKU`, u32 LE version, u32 LE count; then per
 * example 41 bytes of puzzle and 41 of solution, two cells per byte, low nibble first) and
 * `dir/manifest.json` (counts, seed, options, histograms, SHA-256 of the binary). Both writes are atomic
 * (temporary file, then rename). Difficulty is taken from `nodes` when present, else computed.
 *
 * @example
 * writeDataset('data/mine/train', parsePuzzles(text), { split: 'train', source: 'mine.txt' });
 */
export function writeDataset(
  dir: string,
  examples: readonly (SudokuExample & { nodes?: number })[],
  meta: DatasetMeta = {},
): DatasetManifest {
  if (!Array.isArray(examples)) throw new TypeError(`writeDataset: 'examples' must be an array`);
  const bad: string[] = [];
  examples.forEach((e, i) => {
    try {
      checkGrid('writeDataset', `examples[${i}].puzzle`, e?.puzzle);
      checkGrid('writeDataset', `examples[${i}].solution`, e?.solution, true);
      if (!isValidSolution(e.puzzle, e.solution))
        bad.push(`examples[${i}]: solution is invalid or disagrees with the puzzle`);
    } catch (err) {
      bad.push((err as Error).message.replace('writeDataset: ', ''));
    }
  });
  if (bad.length > 0) {
    const more = bad.length > 10 ? `; ... (${bad.length} in all)` : '';
    throw new RangeError(`writeDataset: ${bad.slice(0, 10).join('; ')}${more}`);
  }
  const bytes = new Uint8Array(HEADER_BYTES + examples.length * RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, DATASET_FORMAT_VERSION, true);
  view.setUint32(12, examples.length, true);
  const nodes: number[] = [];
  let needSearch = 0;
  examples.forEach((e, i) => {
    const offset = HEADER_BYTES + i * RECORD_BYTES;
    pack(e.puzzle, bytes, offset);
    pack(e.solution, bytes, offset + PACKED);
    const n = e.nodes ?? solve(e.puzzle).nodes;
    nodes.push(n);
    if (!solvableBySingles(e.puzzle)) needSearch++;
  });
  const manifest: DatasetManifest = {
    format: 'cgar-sudoku',
    version: DATASET_FORMAT_VERSION,
    task: 'sudoku',
    split: meta.split ?? 'train',
    count: examples.length,
    seed: meta.seed ?? null,
    generator: meta.generator ?? null,
    source: meta.source ?? null,
    givensHistogram: givensHistogram(examples),
    difficultyHistogram: difficultyHistogram(nodes),
    needSearch,
    file: BIN,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(join(dir, BIN), bytes);
  writeFileAtomicSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Reads a split written by `writeDataset`, verifying size, header and SHA-256; a truncated or corrupted
 * file raises an Error naming the file and how to rebuild it.
 *
 * @example
 * const { manifest, examples } = readDataset('data/sudoku/train');
 */
export function readDataset(dir: string): SudokuDataset {
  if (typeof dir !== 'string')
    throw new TypeError(`readDataset: 'dir' must be a path string, got ${typeof dir}`);
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new Error(`readDataset: no ${MANIFEST} in '${dir}'; ${REBUILD}`);
  }
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as DatasetManifest;
  } catch (err) {
    throw new Error(
      `readDataset: '${manifestPath}' is not valid JSON (${(err as Error).message}); ${REBUILD}`,
    );
  }
  if (manifest?.format !== 'cgar-sudoku' || manifest.version !== DATASET_FORMAT_VERSION) {
    throw new Error(
      `readDataset: '${manifestPath}' has format ${manifest?.format} version ${manifest?.version}, ` +
        `expected cgar-sudoku version ${DATASET_FORMAT_VERSION}; ${REBUILD}`,
    );
  }
  const file = manifest.file ?? BIN;
  // NOTE: a manifest is untrusted input: its file stays inside the split's folder, and nothing
  // is read before the size the manifest's count implies is known to be bounded and to match.
  if (typeof file !== 'string' || file === '' || basename(file) !== file || file === '.' || file === '..')
    throw new Error(
      `readDataset: '${manifestPath}' names file ${JSON.stringify(file)}, expected a file name inside '${dir}'; ${REBUILD}`,
    );
  if (!Number.isSafeInteger(manifest.count) || manifest.count < 0 || manifest.count > MAX_PUZZLES)
    throw new Error(
      `readDataset: '${manifestPath}' has count ${manifest.count}, expected an integer in [0, ${MAX_PUZZLES}]; ${REBUILD}`,
    );
  const binPath = join(dir, file);
  if (!existsSync(binPath)) throw new Error(`readDataset: '${binPath}' is missing; ${REBUILD}`);
  const expected = HEADER_BYTES + manifest.count * RECORD_BYTES;
  const stat = statSync(binPath);
  if (!stat.isFile() || stat.size !== expected)
    throw new Error(
      `readDataset: '${binPath}' is ${stat.isFile() ? `truncated or corrupted: ${stat.size} bytes, expected ${expected} for ${manifest.count} puzzles` : 'not a regular file'}; ${REBUILD}`,
    );
  const bytes = new Uint8Array(readFileSync(binPath));
  if (bytes.length !== expected || bytes.length !== manifest.bytes) {
    throw new Error(
      `readDataset: '${binPath}' is truncated or corrupted: ${bytes.length} bytes, expected ${expected} ` +
        `for ${manifest.count} puzzles; ${REBUILD}`,
    );
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== manifest.sha256) {
    throw new Error(
      `readDataset: '${binPath}' is corrupted: SHA-256 ${sha} does not match the manifest; ${REBUILD}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (
    magic !== MAGIC ||
    view.getUint32(8, true) !== DATASET_FORMAT_VERSION ||
    view.getUint32(12, true) !== manifest.count
  ) {
    throw new Error(`readDataset: '${binPath}' has a bad header; ${REBUILD}`);
  }
  const cells = new Uint8Array(manifest.count * 2 * CELLS);
  const examples: SudokuExample[] = [];
  for (let i = 0; i < manifest.count; i++) {
    const puzzle = cells.subarray(2 * i * CELLS, (2 * i + 1) * CELLS);
    const solution = cells.subarray((2 * i + 1) * CELLS, (2 * i + 2) * CELLS);
    const offset = HEADER_BYTES + i * RECORD_BYTES;
    if (!unpack(bytes, offset, puzzle) || !unpack(bytes, offset + PACKED, solution)) {
      throw new Error(`readDataset: '${binPath}' holds a cell above 9 in puzzle ${i}; ${REBUILD}`);
    }
    examples.push({ puzzle, solution });
  }
  return { manifest, examples };
}

/**
 * Reads a puzzle collection in the common text format (see `parsePuzzles`).
 *
 * @example
 * const examples = readPuzzleFile('sudoku-hard.txt');
 */
export function readPuzzleFile(path: string, options: Omit<ParseOptions, 'source'> = {}): SudokuExample[] {
  const examples = parsePuzzles(readFileSync(path, 'utf8'), { ...options, source: path });
  if (examples.length === 0)
    throw new Error(`readPuzzleFile: '${path}' holds no puzzles (only comments or blank lines)`);
  return examples;
}

/**
 * Reads the puzzles of a text file without solving them (see `parsePuzzleGrids`): for solving with
 * a model, where a search per puzzle would cost more than the model.
 *
 * @example
 * const grids = readPuzzleGrids('sudoku-hard.txt').map((g) => g.puzzle);
 */
export function readPuzzleGrids(path: string): { puzzle: Uint8Array; solution?: Uint8Array }[] {
  const grids = parsePuzzleGrids(readFileSync(path, 'utf8'), { source: path });
  if (grids.length === 0)
    throw new Error(`readPuzzleGrids: '${path}' holds no puzzles (only comments or blank lines)`);
  return grids;
}

/** Options of `buildSudokuDataset`. */
export interface BuildOptions extends PuzzleOptions {
  /** Output folder; the splits go to `dir/train` and `dir/test`. */
  dir: string;
  seed: number;
  /** Number of training puzzles. */
  train: number;
  /** Number of test puzzles (default 0). */
  test?: number;
  /** Called every 100 puzzles and at the end of each split. */
  onProgress?: (split: 'train' | 'test', done: number, total: number) => void;
}

/**
 * Generates and writes a train split and a test split. Each split draws from its own seed derived from
 * `seed`; test puzzles sharing a puzzle or a solution grid with train (or repeating within a split) are
 * skipped and replaced, so the splits never overlap.
 *
 * @example
 * buildSudokuDataset({ dir: 'data/sudoku', seed: 1, train: 1000, test: 200, minGivens: 25, maxGivens: 35 });
 * const train = readDataset('data/sudoku/train');
 */
export function buildSudokuDataset(options: BuildOptions): { train: DatasetManifest; test: DatasetManifest } {
  const { dir, seed, train, test = 0, onProgress, ...puzzleOptions } = options;
  const problems = new Problems();
  if (typeof dir !== 'string') problems.type(`'dir' must be a path string, got ${show(dir)}`);
  else if (dir === '') problems.range(`'dir' must be a non-empty path`);
  const count = (name: string, v: unknown, min: number, want: string) => {
    if (typeof v !== 'number') problems.type(`'${name}' must be ${want}, got ${show(v)}`);
    else if (!Number.isSafeInteger(v) || v < min) problems.range(`'${name}' must be ${want}, got ${v}`);
  };
  count('seed', seed, 0, 'an integer in [0, 2^53)');
  count('train', train, 0, 'a non-negative integer');
  count('test', test, 0, 'a non-negative integer');
  const generator = resolveOptions('buildSudokuDataset', puzzleOptions, problems);
  problems.throwIfAny('buildSudokuDataset');
  const seen = new Set<string>();
  const split = (name: 'train' | 'test', count: number): DatasetManifest => {
    const rng = createRng(deriveSeed(seed, name));
    const out = [];
    let duplicatesSkipped = 0;
    while (out.length < count) {
      const p = generatePuzzle(rng, generator);
      const keyP = `p${gridToString(p.puzzle)}`;
      const keyS = `s${gridToString(p.solution)}`;
      if (seen.has(keyP) || seen.has(keyS)) {
        duplicatesSkipped++;
        continue;
      }
      seen.add(keyP);
      seen.add(keyS);
      out.push(p);
      if (onProgress && (out.length % 100 === 0 || out.length === count)) onProgress(name, out.length, count);
    }
    return writeDataset(join(dir, name), out, {
      split: name,
      seed,
      generator: { ...generator, splitSeed: deriveSeed(seed, name), duplicatesSkipped },
    });
  };
  const built = { train: split('train', train), test: split('test', test) };
  // NOTE: written last, so a build killed half-way leaves splits that disagree with it.
  const record: DatasetBuild = {
    format: 'cgar-sudoku-build',
    seed,
    splits: Object.fromEntries(
      Object.entries(built).map(([name, m]) => [name, { count: m.count, sha256: m.sha256 }]),
    ),
  };
  writeFileAtomicSync(join(dir, BUILD), `${JSON.stringify(record, null, 2)}\n`);
  return built;
}

/** `dir/dataset.json`: the splits that one `buildSudokuDataset` call wrote. */
export interface DatasetBuild {
  format: 'cgar-sudoku-build';
  seed: number;
  splits: Record<string, { count: number; sha256: string }>;
}

/**
 * Checks that the splits of a data set folder come from one build, reading only manifests: a
 * `cgar build-data` killed over an older folder can leave a new train split beside an old test
 * split. With `dir/dataset.json` every split must match it; without one (older folders) the
 * splits must agree on seed and generator settings.
 *
 * @example
 * checkDatasetBuild('data/sudoku'); // throws if data/sudoku/train and test are from two builds
 */
export function checkDatasetBuild(dir: string, splits: readonly string[] = ['train', 'test']): void {
  const manifests: [string, DatasetManifest][] = [];
  for (const name of splits) {
    const path = join(dir, name, MANIFEST);
    if (!existsSync(path)) continue;
    try {
      manifests.push([name, JSON.parse(readFileSync(path, 'utf8')) as DatasetManifest]);
    } catch {
      // NOTE: readDataset reports a damaged manifest with its own advice.
    }
  }
  const mixed = (why: string) =>
    new Error(
      `checkDatasetBuild: the splits in '${dir}' are not from one build (${why}); an interrupted cgar build-data? ${REBUILD}`,
    );
  const buildPath = join(dir, BUILD);
  if (existsSync(buildPath)) {
    let build: DatasetBuild;
    try {
      build = JSON.parse(readFileSync(buildPath, 'utf8')) as DatasetBuild;
    } catch (e) {
      throw new Error(
        `checkDatasetBuild: '${buildPath}' is not valid JSON (${(e as Error).message}); ${REBUILD}`,
      );
    }
    for (const [name, m] of manifests) {
      if (build.splits?.[name]?.sha256 !== m.sha256) throw mixed(`'${name}' does not match ${buildPath}`);
    }
    return;
  }
  const settings = (m: DatasetManifest) => {
    const { splitSeed: _, duplicatesSkipped: __, ...rest } = (m.generator ?? {}) as Record<string, unknown>;
    return JSON.stringify({ seed: m.seed, rest });
  };
  const [first, ...others] = manifests;
  for (const [name, m] of others) {
    if (first && settings(m) !== settings(first[1]))
      throw mixed(`'${first[0]}' has seed ${first[1].seed}, '${name}' has seed ${m.seed} or other settings`);
  }
}
