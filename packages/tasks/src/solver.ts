import type { Rng } from '@cgar/common';
import { CELLS, checkGrid } from './grid.js';

/** Result of `solve`. */
export interface SearchResult {
  /** Solutions found, capped at `limit` (so 0, 1 or 2 with the default). */
  solutions: number;
  /** The first solution found, when there is one. */
  solution?: Uint8Array;
  /** Search nodes visited (1 = solved or refuted by propagation alone). The difficulty rating. */
  nodes: number;
}

// NOTE: a cell holds a 9-bit candidate mask; FLAG marks a cell whose single candidate is placed
// (its digit has been, or is queued to be, removed from its 20 peers).
const ALL = 0x1ff;
const FLAG = 0x200;
const PEERS = new Uint8Array(CELLS * 20);
const UNITS = new Uint8Array(27 * 9);
const POPCOUNT = new Uint8Array(512);
for (let m = 1; m < 512; m++) POPCOUNT[m] = (POPCOUNT[m >> 1] as number) + (m & 1);
for (let i = 0; i < 9; i++) {
  for (let j = 0; j < 9; j++) {
    UNITS[i * 9 + j] = i * 9 + j;
    UNITS[(9 + i) * 9 + j] = j * 9 + i;
    UNITS[(18 + i) * 9 + j] = (((i / 3) | 0) * 3 + ((j / 3) | 0)) * 9 + (i % 3) * 3 + (j % 3);
  }
}
for (let cell = 0; cell < CELLS; cell++) {
  const r = (cell / 9) | 0;
  const c = cell % 9;
  let k = 0;
  for (let o = 0; o < CELLS; o++) {
    if (o === cell) continue;
    const orow = (o / 9) | 0;
    const ocol = o % 9;
    const sameBox = ((orow / 3) | 0) === ((r / 3) | 0) && ((ocol / 3) | 0) === ((c / 3) | 0);
    if (orow === r || ocol === c || sameBox) PEERS[cell * 20 + k++] = o;
  }
}

// One 81-cell frame per search depth; solving is synchronous, so module-level buffers are safe.
const stack = new Uint16Array(CELLS * (CELLS + 1));
const queue = new Uint8Array(CELLS);
const solutionBuf = new Uint8Array(CELLS);
let filled = 0;
let nodes = 0;
let found = 0;
let limit = 2;
let useHidden = true;
let branchRng: Rng | undefined;

function place(base: number, cell: number, bit: number): boolean {
  stack[base + cell] = bit | FLAG;
  filled++;
  let head = 0;
  let tail = 0;
  queue[tail++] = cell;
  while (head < tail) {
    const c = queue[head++] as number;
    const b = (stack[base + c] as number) & ALL;
    const p0 = c * 20;
    for (let k = 0; k < 20; k++) {
      const p = base + (PEERS[p0 + k] as number);
      const m = stack[p] as number;
      if ((m & b) === 0) continue;
      if (m & FLAG) return false;
      const nm = m & ~b;
      if (nm === 0) return false;
      if ((nm & (nm - 1)) === 0) {
        stack[p] = nm | FLAG;
        filled++;
        queue[tail++] = p - base;
      } else {
        stack[p] = nm;
      }
    }
  }
  return true;
}

/** One pass of hidden singles over the 27 units: -1 contradiction, 0 nothing placed, 1 placed. */
function hiddenPass(base: number): number {
  let changed = 0;
  for (let u = 0; u < 243; u += 9) {
    let once = 0;
    let twice = 0;
    for (let k = 0; k < 9; k++) {
      const m = (stack[base + (UNITS[u + k] as number)] as number) & ALL;
      twice |= once & m;
      once |= m;
    }
    if (once !== ALL) return -1;
    let exact = once & ~twice;
    while (exact !== 0) {
      const bit = exact & -exact;
      exact ^= bit;
      let k = 0;
      while (k < 9 && ((stack[base + (UNITS[u + k] as number)] as number) & bit) === 0) k++;
      if (k === 9) return -1;
      const cell = UNITS[u + k] as number;
      if ((stack[base + cell] as number) & FLAG) continue;
      if (!place(base, cell, bit)) return -1;
      changed = 1;
    }
  }
  return changed;
}

function propagate(base: number): boolean {
  if (!useHidden) return true;
  for (;;) {
    if (filled === CELLS) return true;
    const r = hiddenPass(base);
    if (r < 0) return false;
    if (r === 0) return true;
  }
}

const bitsBuf = new Uint16Array(9 * (CELLS + 1));

function search(depth: number): void {
  nodes++;
  const base = depth * CELLS;
  if (!propagate(base)) return;
  if (filled === CELLS) {
    found++;
    if (found === 1) {
      for (let i = 0; i < CELLS; i++) solutionBuf[i] = 32 - Math.clz32((stack[base + i] as number) & ALL);
    }
    return;
  }
  let best = -1;
  let bestCount = 10;
  for (let i = 0; i < CELLS; i++) {
    const m = stack[base + i] as number;
    if (m & FLAG) continue;
    const n = POPCOUNT[m] as number;
    if (n < bestCount) {
      bestCount = n;
      best = i;
      if (n === 2) break;
    }
  }
  const mask = (stack[base + best] as number) & ALL;
  const b0 = depth * 9;
  let nbits = 0;
  for (let m = mask; m !== 0; m &= m - 1) bitsBuf[b0 + nbits++] = m & -m;
  if (branchRng) branchRng.shuffle(bitsBuf.subarray(b0, b0 + nbits));
  const saved = filled;
  const nextBase = base + CELLS;
  for (let j = 0; j < nbits; j++) {
    stack.copyWithin(nextBase, base, nextBase);
    filled = saved;
    if (place(nextBase, best, bitsBuf[b0 + j] as number)) search(depth + 1);
    if (found >= limit) return;
  }
}

/** Loads givens into frame 0; false if they contradict each other. */
function setup(puzzle: ArrayLike<number>, excludeCell: number, excludeDigit: number): boolean {
  stack.fill(ALL, 0, CELLS);
  filled = 0;
  nodes = 0;
  found = 0;
  if (excludeCell >= 0) stack[excludeCell] = ALL & ~(1 << (excludeDigit - 1));
  for (let i = 0; i < CELLS; i++) {
    const d = puzzle[i] as number;
    if (d === 0) continue;
    const bit = 1 << (d - 1);
    const m = stack[i] as number;
    if (m & FLAG) {
      if ((m & ALL) !== bit) return false;
      continue;
    }
    if ((m & bit) === 0 || !place(0, i, bit)) return false;
  }
  return true;
}

function run(
  puzzle: ArrayLike<number>,
  lim: number,
  excludeCell = -1,
  excludeDigit = 0,
  rng?: Rng,
): SearchResult {
  limit = lim;
  useHidden = true;
  branchRng = rng;
  try {
    if (!setup(puzzle, excludeCell, excludeDigit)) return { solutions: 0, nodes: 1 };
    search(0);
  } finally {
    branchRng = undefined;
  }
  const result: SearchResult = { solutions: found, nodes };
  if (found > 0) result.solution = solutionBuf.slice();
  return result;
}

/**
 * Solves a 9x9 Sudoku (bitmask candidates, naked and hidden singles, minimum-remaining-values branching)
 * and counts its solutions up to `limit` (default 2: enough to tell unique from ambiguous).
 *
 * @example
 * const { solutions, solution, nodes } = solve(parseGrid('8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..'));
 * // solutions === 1: unique; nodes is the difficulty rating
 */
export function solve(puzzle: ArrayLike<number>, options: { limit?: number } = {}): SearchResult {
  checkGrid('solve', 'puzzle', puzzle);
  const lim = options.limit ?? 2;
  if (!Number.isInteger(lim) || lim < 1) {
    throw new RangeError(`solve: 'options.limit' must be an integer >= 1, got ${lim}`);
  }
  return run(puzzle, lim);
}

/**
 * True when propagation alone (naked singles, plus hidden singles unless `hiddenSingles: false`)
 * fills the whole grid without search. Used as a difficulty filter (docs/design.md section 1).
 *
 * @example
 * solvableBySingles(puzzle); // easy puzzle -> true
 * solvableBySingles(puzzle, { hiddenSingles: false }); // naked singles only
 */
export function solvableBySingles(
  puzzle: ArrayLike<number>,
  options: { hiddenSingles?: boolean } = {},
): boolean {
  checkGrid('solvableBySingles', 'puzzle', puzzle);
  useHidden = options.hiddenSingles ?? true;
  try {
    return setup(puzzle, -1, 0) && propagate(0) && filled === CELLS;
  } finally {
    useHidden = true;
  }
}

/**
 * Internal: does `puzzle` have a solution with a digit other than `digit` at `cell`? When `puzzle` with
 * `digit` at `cell` has a unique solution, "no" means the puzzle without that clue is still unique.
 */
export function hasOtherSolution(puzzle: ArrayLike<number>, cell: number, digit: number): boolean {
  return run(puzzle, 1, cell, digit).solutions > 0;
}

/** Internal: a random complete grid, by search over the empty grid with shuffled branch order. */
export function randomFullGrid(rng: Rng): Uint8Array {
  const result = run(new Uint8Array(CELLS), 1, -1, 0, rng);
  return result.solution as Uint8Array;
}
