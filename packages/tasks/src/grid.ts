/** Number of cells of a 9x9 grid. */
export const CELLS = 81;
/** Token id of padding (ignored by the loss). docs/design.md section 1. */
export const PAD_ID = 0;
/** Token id of a blank cell. */
export const BLANK_ID = 1;
/** Vocabulary size: pad, blank, digits 1..9 as ids 2..10. */
export const SUDOKU_VOCAB_SIZE = 11;

/** A puzzle with its solution: 81 digits each, row-major, 0 = blank (never in a solution). */
export interface SudokuExample {
  puzzle: Uint8Array;
  solution: Uint8Array;
}

/**
 * Checks a grid argument: array-like of 81 integers in 0..9 (1..9 when `complete`).
 * Throws TypeError for a wrong kind or length, RangeError listing every bad cell.
 */
export function checkGrid(fn: string, name: string, grid: unknown, complete = false): void {
  if (grid === null || typeof grid !== 'object' || typeof (grid as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`${fn}: '${name}' must be a Uint8Array of 81 digits, got ${describe(grid)}`);
  }
  const cells = grid as ArrayLike<number>;
  if (cells.length !== CELLS) {
    throw new TypeError(`${fn}: '${name}' must have 81 cells, got ${cells.length}`);
  }
  const low = complete ? 1 : 0;
  const bad: string[] = [];
  for (let i = 0; i < CELLS; i++) {
    const v = cells[i];
    if (!Number.isInteger(v) || (v as number) < low || (v as number) > 9) bad.push(`[${i}]=${v}`);
  }
  if (bad.length > 0) {
    const shown = bad.slice(0, 8).join(', ') + (bad.length > 8 ? `, ... (${bad.length} in all)` : '');
    throw new RangeError(`${fn}: '${name}' cells must be digits ${low}..9, got ${shown}`);
  }
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/**
 * Encodes a puzzle as the token ids of docs/design.md section 1: blank -> 1, digit d -> d + 1.
 *
 * @example
 * encodePuzzle(parseGrid('53..7....' + '.'.repeat(72)))[0]; // 6
 */
export function encodePuzzle(
  puzzle: ArrayLike<number>,
  out: Int32Array = new Int32Array(CELLS),
  offset = 0,
): Int32Array {
  checkGrid('encodePuzzle', 'puzzle', puzzle);
  for (let i = 0; i < CELLS; i++) out[offset + i] = (puzzle[i] as number) + 1;
  return out;
}

/**
 * Encodes a solved grid as labels: digit d -> id d + 1 (2..10). Blanks are rejected.
 *
 * @example
 * encodeSolution(solution); // Int32Array(81) of ids 2..10
 */
export function encodeSolution(
  solution: ArrayLike<number>,
  out: Int32Array = new Int32Array(CELLS),
  offset = 0,
): Int32Array {
  checkGrid('encodeSolution', 'solution', solution, true);
  for (let i = 0; i < CELLS; i++) out[offset + i] = (solution[i] as number) + 1;
  return out;
}

/**
 * Decodes 81 token ids back to digits: ids 2..10 -> 1..9; pad (0) and blank (1) -> 0, so a model's
 * raw argmax can be shown. Ids above 10 raise a RangeError.
 *
 * @example
 * decodeGrid(encodePuzzle(puzzle)); // equals puzzle
 */
export function decodeGrid(ids: ArrayLike<number>, offset = 0): Uint8Array {
  if (ids === null || typeof ids !== 'object' || ids.length < offset + CELLS) {
    throw new TypeError(`decodeGrid: 'ids' must hold 81 ids from offset ${offset}`);
  }
  const out: Uint8Array = new Uint8Array(CELLS);
  for (let i = 0; i < CELLS; i++) {
    const id = ids[offset + i] as number;
    if (!Number.isInteger(id) || id < 0 || id >= SUDOKU_VOCAB_SIZE) {
      throw new RangeError(`decodeGrid: id at cell ${i} is ${id}, expected 0..10`);
    }
    out[i] = id < 2 ? 0 : id - 1;
  }
  return out;
}

/**
 * Parses a grid from text: 81 cells of `1`..`9`, with `.` or `0` for blanks. Whitespace and the box
 * characters `|`, `+`, `-` are ignored, so the output of `formatGrid` parses back.
 *
 * @example
 * const g = parseGrid('8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..');
 */
export function parseGrid(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`parseGrid: 'text' must be a string, got ${typeof text}`);
  const cells = text.replace(/[\s|+-]/g, '');
  const out: Uint8Array = new Uint8Array(CELLS);
  const bad: string[] = [];
  for (let i = 0; i < cells.length && i < CELLS; i++) {
    const ch = cells[i] as string;
    if (ch === '.' || ch === '0') continue;
    if (ch >= '1' && ch <= '9') out[i] = ch.charCodeAt(0) - 48;
    else bad.push(`'${ch}' at cell ${i}`);
  }
  const problems: string[] = [];
  if (cells.length !== CELLS) problems.push(`found ${cells.length} cells, expected 81`);
  if (bad.length > 0) problems.push(`bad characters ${bad.slice(0, 5).join(', ')}`);
  if (problems.length > 0) {
    throw new RangeError(`parseGrid: ${problems.join('; ')} (use 1-9 for digits and '.' or '0' for blanks)`);
  }
  return out;
}

/** The grid as one line of 81 characters, `.` for blanks. */
export function gridToString(grid: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < CELLS; i++) s += grid[i] ? String(grid[i]) : '.';
  return s;
}

/**
 * Pretty 9x9 text with box lines, `.` for blanks.
 *
 * @example
 * console.log(formatGrid(puzzle));
 * // 8 . . | . . . | . . .
 * // . . 3 | 6 . . | . . .
 * // ...
 */
export function formatGrid(grid: ArrayLike<number>): string {
  checkGrid('formatGrid', 'grid', grid);
  const lines: string[] = [];
  for (let r = 0; r < 9; r++) {
    if (r === 3 || r === 6) lines.push('------+-------+------');
    const parts: string[] = [];
    for (let c = 0; c < 9; c++) {
      if (c === 3 || c === 6) parts.push('|');
      const v = grid[r * 9 + c] as number;
      parts.push(v ? String(v) : '.');
    }
    lines.push(parts.join(' '));
  }
  return lines.join('\n');
}

/** Number of non-blank cells. */
export function countGivens(grid: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < CELLS; i++) if (grid[i]) n++;
  return n;
}

/**
 * True when `solution` is a complete valid grid (each row, column and box holds 1..9) that agrees
 * with every given of `puzzle`. Does not check uniqueness (use `solve`).
 *
 * @example
 * isValidSolution(puzzle, solve(puzzle).solution!); // true
 */
export function isValidSolution(puzzle: ArrayLike<number>, solution: ArrayLike<number>): boolean {
  if (puzzle.length !== CELLS || solution.length !== CELLS) return false;
  const rows = new Uint16Array(9);
  const cols = new Uint16Array(9);
  const boxes = new Uint16Array(9);
  for (let i = 0; i < CELLS; i++) {
    const d = solution[i] as number;
    const p = puzzle[i] as number;
    if (!Number.isInteger(d) || d < 1 || d > 9) return false;
    if (p !== 0 && p !== d) return false;
    const bit = 1 << (d - 1);
    const r = (i / 9) | 0;
    const c = i % 9;
    const b = ((r / 3) | 0) * 3 + ((c / 3) | 0);
    if ((rows[r] as number) & bit || (cols[c] as number) & bit || (boxes[b] as number) & bit) return false;
    rows[r] = (rows[r] as number) | bit;
    cols[c] = (cols[c] as number) | bit;
    boxes[b] = (boxes[b] as number) | bit;
  }
  return true;
}

/** How an answer compares with the known solution. */
export interface AnswerGrade {
  /** Every cell right. */
  readonly exact: boolean;
  /** How many of the 81 cells are right. */
  readonly cellsRight: number;
}

/**
 * Grades an answer against the solution, cell by cell: the one grading of a model's answer
 * (exact accuracy and cell accuracy) used by the trainer's evaluation and the runtime's benches.
 * `answer` holds digits, 0 where the model predicts no digit (never right); `solution` holds 1..9.
 * Not checked: it runs on every answer of every step.
 *
 * @example
 * gradeAnswer(solution, solution); // { exact: true, cellsRight: 81 }
 */
export function gradeAnswer(answer: ArrayLike<number>, solution: ArrayLike<number>): AnswerGrade {
  let cellsRight = 0;
  for (let i = 0; i < CELLS; i++) if (answer[i] === solution[i]) cellsRight++;
  return { exact: cellsRight === CELLS, cellsRight };
}

/**
 * The first clash among a puzzle's givens (the same digit twice in a row, column or box), or
 * `undefined`. Cheap: it does not search, so a puzzle without a clash may still have no solution.
 *
 * @example
 * givensConflict(parseGrid('55' + '.'.repeat(79))); // 'two 5s in row 1'
 */
export function givensConflict(puzzle: ArrayLike<number>): string | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < CELLS; i++) {
    const d = puzzle[i] as number;
    if (d === 0) continue;
    const r = (i / 9) | 0;
    const c = i % 9;
    const units = [`row ${r + 1}`, `column ${c + 1}`, `box ${((r / 3) | 0) * 3 + ((c / 3) | 0) + 1}`];
    for (const unit of units) {
      const key = `${unit}:${d}`;
      if (seen.has(key)) return `two ${d}s in ${unit}`;
      seen.set(key, i);
    }
  }
  return undefined;
}
