import { createRng, Problems, type Rng, show } from '@cgar/common';
import { CELLS, type SudokuExample } from './grid.js';
import { hasOtherSolution, randomFullGrid, solve } from './solver.js';

/** A generated puzzle with its unique solution. */
export interface GeneratedPuzzle extends SudokuExample {
  /** Number of clues. */
  givens: number;
  /** Search nodes `solve` needs to solve it and prove uniqueness (1 = singles suffice). */
  nodes: number;
}

/** Options shared by `generate` and `generatePuzzle`. */
export interface PuzzleOptions {
  /** Fewest givens, inclusive (default 25). Random clue removal rarely reaches below about 22. */
  minGivens?: number;
  /** Most givens, inclusive (default 35). Each puzzle's target is drawn uniformly in the range. */
  maxGivens?: number;
  /** Reject puzzles whose rating is below this many search nodes (default 1: keep all). */
  minNodes?: number;
  /** Reject puzzles that naked and hidden singles alone solve (default false). */
  requireSearch?: boolean;
  /** Fresh full grids tried per puzzle before giving up with a RangeError (default 1000). */
  maxAttempts?: number;
}

/** Options of `generate`. */
export interface GenerateOptions extends PuzzleOptions {
  seed: number;
  count: number;
}

/**
 * Internal: options with defaults, validated. Problems go to `problems` (thrown at once, under `fn`,
 * when the caller passes none): a `TypeError` when all are wrong kinds, else a `RangeError`.
 */
export function resolveOptions(fn: string, o: PuzzleOptions, problems?: Problems): Required<PuzzleOptions> {
  const r = {
    minGivens: o.minGivens ?? 25,
    maxGivens: o.maxGivens ?? 35,
    minNodes: o.minNodes ?? 1,
    requireSearch: o.requireSearch ?? false,
    maxAttempts: o.maxAttempts ?? 1000,
  };
  const found = problems ?? new Problems();
  const intIn = (name: string, v: unknown, lo: number, hi: number) => {
    if (typeof v !== 'number') found.type(`'${name}' must be an integer in [${lo}, ${hi}], got ${show(v)}`);
    else if (!Number.isInteger(v) || v < lo || v > hi)
      found.range(`'${name}' must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  intIn('minGivens', r.minGivens, 17, 81);
  intIn('maxGivens', r.maxGivens, 17, 81);
  intIn('minNodes', r.minNodes, 1, Number.MAX_SAFE_INTEGER);
  intIn('maxAttempts', r.maxAttempts, 1, Number.MAX_SAFE_INTEGER);
  if (r.minGivens > r.maxGivens)
    found.range(`'minGivens' (${r.minGivens}) exceeds 'maxGivens' (${r.maxGivens})`);
  if (typeof r.requireSearch !== 'boolean')
    found.type(`'requireSearch' must be a boolean, got ${show(r.requireSearch)}`);
  if (!problems) found.throwIfAny(fn);
  return r;
}

/**
 * Generates one unique-solution puzzle from `rng`: fill a random full grid, draw a target number of
 * givens, remove clues in random order while the solution stays unique, and start over from a fresh
 * grid when the target cannot be reached or the difficulty filter rejects the result.
 *
 * @example
 * const p = generatePuzzle(createRng(1), { minGivens: 25, maxGivens: 30 });
 */
export function generatePuzzle(rng: Rng, options: PuzzleOptions = {}): GeneratedPuzzle {
  const o = resolveOptions('generatePuzzle', options);
  return generateResolved(rng, o);
}

function generateResolved(rng: Rng, o: Required<PuzzleOptions>): GeneratedPuzzle {
  // NOTE: the target is drawn once per puzzle, not per attempt, so hard-to-reach low targets are not
  // under-represented: the givens stay uniform over the range.
  const target = o.minGivens + rng.int(o.maxGivens - o.minGivens + 1);
  const order = new Uint8Array(CELLS);
  let unreached = 0;
  let tooEasy = 0;
  for (let attempt = 0; attempt < o.maxAttempts; attempt++) {
    const solution = randomFullGrid(rng);
    const puzzle = solution.slice();
    for (let i = 0; i < CELLS; i++) order[i] = i;
    rng.shuffle(order);
    let givens = CELLS;
    for (let k = 0; k < CELLS && givens > target; k++) {
      const cell = order[k] as number;
      const digit = puzzle[cell] as number;
      puzzle[cell] = 0;
      if (hasOtherSolution(puzzle, cell, digit)) puzzle[cell] = digit;
      else givens--;
    }
    if (givens !== target) {
      unreached++;
      continue;
    }
    const { nodes } = solve(puzzle);
    if (nodes < o.minNodes || (o.requireSearch && nodes === 1)) {
      tooEasy++;
      continue;
    }
    return { puzzle, solution, givens, nodes };
  }
  throw new RangeError(
    `generatePuzzle: no puzzle with ${target} givens after ${o.maxAttempts} grids ` +
      `(${unreached} got stuck above ${target} givens, ${tooEasy} were rejected as too easy); ` +
      `raise 'minGivens', lower 'minNodes' or drop 'requireSearch', raise 'maxAttempts', ` +
      'or bring hard puzzles from a collection with parsePuzzles/readPuzzleFile',
  );
}

/**
 * Generates `count` unique-solution puzzles, reproducibly from `seed`.
 *
 * @example
 * const puzzles = generate({ seed: 1, count: 100, minGivens: 25, maxGivens: 35 });
 * puzzles[0].givens; // 25..35
 */
export function generate(options: GenerateOptions): GeneratedPuzzle[] {
  const { seed, count } = options;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`generate: 'count' must be a non-negative integer, got ${count}`);
  }
  const rng = createRng(seed);
  const o = resolveOptions('generate', options);
  const out: GeneratedPuzzle[] = [];
  for (let i = 0; i < count; i++) out.push(generateResolved(rng, o));
  return out;
}
