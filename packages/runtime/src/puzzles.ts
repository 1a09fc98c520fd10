import { errorFor, type ProblemKind, Problems } from '@cgar/common';
import { BLANK_ID, CELLS, isValidSolution, SUDOKU_VOCAB_SIZE } from '@cgar/tasks';
import type { Puzzle } from './types.js';

// NOTE: the Sudoku encoding (cells, token ids, grid text, the verifier) is `@cgar/tasks`' own, so
// the runtime reads puzzles exactly as the training data was written. This module only adds what a
// solver needs on top: one call that checks a whole batch of mixed inputs and reports every bad one.

/**
 * `CELLS`: 81, the runtime serves 9x9 Sudoku models. `digitsToString`: the grid as 81 characters,
 * `.` for blanks (`gridToString` of `@cgar/tasks`).
 */
export { CELLS, gridToString as digitsToString } from '@cgar/tasks';
/** Token ids: 0 padding, 1 blank, digit d -> d + 1 (`SUDOKU_VOCAB_SIZE` of `@cgar/tasks`). */
export const VOCAB = SUDOKU_VOCAB_SIZE;
const BLANK = BigInt(BLANK_ID);

interface Problem {
  kind: Exclude<ProblemKind, 'state'>;
  text: string;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
}

function fromString(text: string, out: BigInt64Array, at: number): string | undefined {
  const cells = text.replace(/[\s|+-]/g, '');
  if (cells.length !== CELLS) return `has ${cells.length} cells, expected 81`;
  const bad: string[] = [];
  for (let i = 0; i < CELLS; i++) {
    const ch = cells[i]!;
    if (ch === '.' || ch === '0') out[at + i] = BLANK;
    else if (ch >= '1' && ch <= '9') out[at + i] = BigInt(ch.charCodeAt(0) - 47);
    else bad.push(`'${ch}' at cell ${i}`);
  }
  if (bad.length === 0) return undefined;
  return `has unknown character ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` (${bad.length} in all)` : ''}; use 1-9 for digits and '.' or '0' for blanks`;
}

function fromNumbers(cells: ArrayLike<number | bigint>, tokens: boolean, out: BigInt64Array, at: number) {
  const bad: string[] = [];
  for (let i = 0; i < CELLS; i++) {
    const v = Number(cells[i]);
    const ok = Number.isInteger(v) && (tokens ? v >= 1 && v < VOCAB : v >= 0 && v <= 9);
    if (ok) out[at + i] = BigInt(tokens ? v : v + 1);
    else bad.push(`${String(cells[i])} at cell ${i}`);
  }
  if (bad.length === 0) return undefined;
  const what = tokens ? 'token id' : 'digit';
  const allowed = tokens ? `1..${VOCAB - 1} (1 blank, digit d -> d + 1)` : '0..9 (0 blank)';
  return `has unknown ${what} ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` (${bad.length} in all)` : ''}; expected ${allowed}`;
}

function encodeOne(p: unknown, out: BigInt64Array, at: number): Problem | undefined {
  if (typeof p === 'string') {
    const text = fromString(p, out, at);
    return text ? { kind: 'range', text } : undefined;
  }
  const tokens = p instanceof Int32Array || p instanceof BigInt64Array;
  if (!(tokens || p instanceof Uint8Array || Array.isArray(p))) {
    return {
      kind: 'type',
      text: `is ${describe(p)}; expected a string, a Uint8Array or number[] of digits, or an Int32Array/BigInt64Array of token ids`,
    };
  }
  const cells = p as ArrayLike<number | bigint>;
  if (cells.length !== CELLS) return { kind: 'range', text: `has ${cells.length} cells, expected 81` };
  const text = fromNumbers(cells, tokens, out, at);
  return text ? { kind: 'range', text } : undefined;
}

/**
 * Checks a batch of puzzles and encodes it as token ids `[B * 81]`. Collects every bad sample,
 * then throws once by the one error rule of `@cgar/common`'s `Problems`: a `TypeError` when every
 * bad sample has the wrong kind, else a `RangeError`. The first 10 are listed; the class counts all.
 *
 * @example
 * encodePuzzles('solve', ['53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79']);
 */
export function encodePuzzles(fn: string, puzzles: unknown): BigInt64Array {
  if (!Array.isArray(puzzles)) {
    const hint =
      typeof puzzles === 'string' || ArrayBuffer.isView(puzzles) ? '; wrap a single puzzle in [ ]' : '';
    throw new TypeError(`${fn}: 'puzzles' must be an array of puzzles, got ${describe(puzzles)}${hint}`);
  }
  if (puzzles.length === 0) throw new RangeError(`${fn}: 'puzzles' is empty; pass at least one puzzle`);
  const out = new BigInt64Array(puzzles.length * CELLS);
  const problems: Problem[] = [];
  puzzles.forEach((p, i) => {
    const problem = encodeOne(p, out, i * CELLS);
    if (problem) problems.push({ kind: problem.kind, text: `puzzle ${i} ${problem.text}` });
  });
  if (problems.length === 0) return out;
  const shown = new Problems();
  for (const p of problems.slice(0, 10)) shown.add(p.kind, p.text);
  const more = problems.length > 10 ? `... (${problems.length} bad puzzles in all)` : '';
  throw errorFor(
    problems.map((p) => p.kind),
    shown.error(fn, more)!.message,
  );
}

/** Checks and encodes one puzzle (for `trace`); errors name it `puzzle`. */
export function encodePuzzle(fn: string, puzzle: Puzzle): BigInt64Array {
  try {
    return encodePuzzles(fn, [puzzle]);
  } catch (e) {
    const msg = (e as Error).message.replace(`${fn}: puzzle 0 `, `${fn}: 'puzzle' `);
    throw e instanceof TypeError ? new TypeError(msg) : e instanceof RangeError ? new RangeError(msg) : e;
  }
}

/** Token id -> digit: ids 2..10 are digits 1..9, anything else shows as blank. */
export function idToDigit(id: number): number {
  return id >= 2 && id < VOCAB ? id - 1 : 0;
}

/**
 * Sudoku's verifier (`isValidSolution` of `@cgar/tasks`): true when `digits` is a complete grid
 * whose rows, columns and boxes each hold 1..9 once and which keeps every given of the puzzle
 * (`tokens` from `offset`, as token ids).
 */
export function isSolvedGrid(tokens: BigInt64Array, offset: number, digits: Uint8Array): boolean {
  const puzzle = new Uint8Array(CELLS);
  for (let i = 0; i < CELLS; i++) puzzle[i] = idToDigit(Number(tokens[offset + i]));
  return isValidSolution(puzzle, digits);
}
