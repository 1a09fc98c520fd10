import { CELLS, givensConflict, isValidSolution, type SudokuExample } from './grid.js';
import { solve } from './solver.js';

/** Options of `parsePuzzles`. */
export interface ParseOptions {
  /** Named in error messages (a file name). Default `'input'`. */
  source?: string;
  /** Reject puzzles with more than one solution (default true). Their stored solution is the first found. */
  requireUnique?: boolean;
}

/** One bad line of a puzzle file. */
export interface LineProblem {
  line: number;
  message: string;
}

/** Thrown by `parsePuzzles` with every bad line (1-based line numbers). */
export class PuzzleFormatError extends Error {
  readonly problems: LineProblem[];
  constructor(source: string, problems: LineProblem[]) {
    const shown = problems.slice(0, 20).map((p) => `  ${source}:${p.line}: ${p.message}`);
    if (problems.length > 20) shown.push(`  ... and ${problems.length - 20} more`);
    super(
      `parsePuzzles: ${problems.length} bad line${problems.length === 1 ? '' : 's'} in ${source}:\n` +
        `${shown.join('\n')}\nFix or remove these lines (format: 81 cells per line, '.' or '0' for blanks, ` +
        `optional 81-digit solution after whitespace or a comma, '#' starts a comment line).`,
    );
    this.name = 'PuzzleFormatError';
    this.problems = problems;
  }
}

function parseCells(field: string, what: string, allowBlank: boolean): Uint8Array | string {
  if (field.length !== CELLS) return `${what} has ${field.length} characters, expected 81`;
  const out = new Uint8Array(CELLS);
  for (let i = 0; i < CELLS; i++) {
    const ch = field[i] as string;
    if (ch >= '1' && ch <= '9') out[i] = ch.charCodeAt(0) - 48;
    else if (!(allowBlank && (ch === '.' || ch === '0'))) {
      return `${what} has '${ch}' at column ${i + 1}, expected ${allowBlank ? "1-9, '.' or '0'" : '1-9'}`;
    }
  }
  return out;
}

/**
 * Parses the common text format of Sudoku collections: one 81-character puzzle per line (`1`-`9`, `.` or
 * `0` for blanks), optionally followed by its 81-digit solution after whitespace or a comma. Empty lines
 * and lines starting with `#` are skipped. Missing solutions are computed; given ones are checked. Every
 * bad line is collected into one `PuzzleFormatError` naming line numbers and problems.
 *
 * @example
 * const examples = parsePuzzles('# two puzzles\n' + p1 + '\n' + p2 + ',' + s2 + '\n');
 */
export function parsePuzzles(text: string, options: ParseOptions = {}): SudokuExample[] {
  if (typeof text !== 'string')
    throw new TypeError(`parsePuzzles: 'text' must be a string, got ${typeof text}`);
  const source = options.source ?? 'input';
  const requireUnique = options.requireUnique ?? true;
  const examples: SudokuExample[] = [];
  const problems: LineProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const message = parseLine(line, requireUnique, examples);
    if (message) problems.push({ line: n + 1, message });
  }
  if (problems.length > 0) throw new PuzzleFormatError(source, problems);
  return examples;
}

function parseLine(line: string, requireUnique: boolean, examples: SudokuExample[]): string | undefined {
  const fields = line.split(/[\s,]+/);
  if (fields.length > 2) return `found ${fields.length} fields, expected a puzzle and an optional solution`;
  const puzzle = parseCells(fields[0] as string, 'puzzle', true);
  if (typeof puzzle === 'string') return puzzle;
  if (fields.length === 2) {
    const solution = parseCells(fields[1] as string, 'solution', false);
    if (typeof solution === 'string') return solution;
    if (!isValidSolution(puzzle, solution)) {
      return 'solution is not a valid grid or disagrees with the givens';
    }
    if (requireUnique && solve(puzzle).solutions !== 1) return 'puzzle has more than one solution';
    examples.push({ puzzle, solution });
    return undefined;
  }
  const result = solve(puzzle);
  if (result.solutions === 0) return 'puzzle has no solution';
  if (requireUnique && result.solutions > 1) return 'puzzle has more than one solution';
  examples.push({ puzzle, solution: result.solution as Uint8Array });
  return undefined;
}

/**
 * Parses puzzles in the same text format as {@link parsePuzzles} without solving them: each line's
 * givens are checked for clashes (two equal digits in a unit), and a given solution is checked,
 * so reading a file costs no search. Every bad line is collected into one `PuzzleFormatError`.
 *
 * @example
 * const grids = parsePuzzleGrids(text, { source: 'hard.txt' });
 */
export function parsePuzzleGrids(
  text: string,
  options: Pick<ParseOptions, 'source'> = {},
): { puzzle: Uint8Array; solution?: Uint8Array }[] {
  if (typeof text !== 'string')
    throw new TypeError(`parsePuzzleGrids: 'text' must be a string, got ${typeof text}`);
  const out: { puzzle: Uint8Array; solution?: Uint8Array }[] = [];
  const problems: LineProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/[\s,]+/);
    const puzzle = parseCells(fields[0] as string, 'puzzle', true);
    const solution = fields.length === 2 ? parseCells(fields[1] as string, 'solution', false) : undefined;
    const message =
      fields.length > 2
        ? `found ${fields.length} fields, expected a puzzle and an optional solution`
        : typeof puzzle === 'string'
          ? puzzle
          : typeof solution === 'string'
            ? solution
            : givensConflict(puzzle)
              ? `puzzle has no solution (${givensConflict(puzzle)})`
              : solution && !isValidSolution(puzzle, solution)
                ? 'solution is not a valid grid or disagrees with the givens'
                : undefined;
    if (message) problems.push({ line: n + 1, message });
    else if (solution instanceof Uint8Array) out.push({ puzzle: puzzle as Uint8Array, solution });
    else out.push({ puzzle: puzzle as Uint8Array });
  }
  if (problems.length > 0) throw new PuzzleFormatError(options.source ?? 'input', problems);
  return out;
}
