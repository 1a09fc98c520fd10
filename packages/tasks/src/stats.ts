import { countGivens, type SudokuExample } from './grid.js';

/**
 * Count of puzzles per number of givens, keyed by the number (ascending).
 *
 * @example
 * givensHistogram(puzzles); // { '25': 912, '26': 905, ... }
 */
export function givensHistogram(examples: readonly SudokuExample[]): Record<string, number> {
  const counts = new Map<number, number>();
  for (const e of examples) {
    const g = countGivens(e.puzzle);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  const out: Record<string, number> = {};
  for (const g of [...counts.keys()].sort((a, b) => a - b)) out[String(g)] = counts.get(g) as number;
  return out;
}

/** The power-of-two bin of a node count: `'1'`, `'2-3'`, `'4-7'`, `'8-15'`, ... */
export function difficultyBin(nodes: number): string {
  if (nodes <= 1) return '1';
  const lo = 2 ** Math.floor(Math.log2(nodes));
  return `${lo}-${lo * 2 - 1}`;
}

/**
 * Count of puzzles per difficulty bin (search nodes, power-of-two bins, ascending).
 *
 * @example
 * difficultyHistogram([1, 1, 3, 9]); // { '1': 2, '2-3': 1, '8-15': 1 }
 */
export function difficultyHistogram(nodes: readonly number[]): Record<string, number> {
  const sorted = [...nodes].sort((a, b) => a - b);
  const out: Record<string, number> = {};
  for (const n of sorted) {
    const bin = difficultyBin(n);
    out[bin] = (out[bin] ?? 0) + 1;
  }
  return out;
}
