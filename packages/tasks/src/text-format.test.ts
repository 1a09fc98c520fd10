import { describe, expect, it } from 'vitest';
import { givensConflict, gridToString, parseGrid } from './grid.js';
import {
  INKALA,
  INKALA_SOLUTION,
  NORVIG_17,
  NORVIG_17_SOLUTION,
  ROYLE_17,
  ROYLE_17_SOLUTION,
  WIKI,
} from './puzzles.test-helper.js';
import { PuzzleFormatError, parsePuzzleGrids, parsePuzzles } from './text-format.js';

describe('parsePuzzles', () => {
  it('reads puzzles, comments, blank lines and optional solutions', () => {
    const text = [
      '# a collection',
      INKALA,
      '',
      `${ROYLE_17}\t${ROYLE_17_SOLUTION}`,
      `  ${NORVIG_17},${NORVIG_17_SOLUTION}  `,
      '   # indented comment',
      `${WIKI}\r`,
    ].join('\n');
    const examples = parsePuzzles(text);
    expect(examples.map((e) => gridToString(e.puzzle))).toEqual([
      INKALA,
      ROYLE_17.replaceAll('0', '.'),
      NORVIG_17,
      WIKI,
    ]);
    expect(gridToString(examples[0]?.solution as Uint8Array)).toBe(INKALA_SOLUTION);
    expect(gridToString(examples[2]?.solution as Uint8Array)).toBe(NORVIG_17_SOLUTION);
  });

  it('names every bad line with its number and problem, in one error', () => {
    const wrongSolution = `${INKALA.slice(0, 80)}9`;
    const lines = [
      '# header',
      INKALA.slice(1), // line 2: too short
      `${INKALA.slice(0, 80)}x`, // line 3: bad character
      `${INKALA} ${INKALA_SOLUTION.slice(0, 80)}5`, // line 4: solution invalid
      `55${'.'.repeat(79)}`, // line 5: no solution
      '.'.repeat(81), // line 6: many solutions
      `${INKALA} ${INKALA_SOLUTION} extra`, // line 7: too many fields
      wrongSolution, // line 8: no solution
      WIKI, // line 9: fine
    ];
    let error: unknown;
    try {
      parsePuzzles(lines.join('\n'), { source: 'mine.txt' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PuzzleFormatError);
    const e = error as PuzzleFormatError;
    expect(e.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(e.message).toContain('7 bad lines in mine.txt');
    expect(e.message).toContain('mine.txt:2: puzzle has 80 characters, expected 81');
    expect(e.message).toContain("mine.txt:3: puzzle has 'x' at column 81");
    expect(e.message).toContain('mine.txt:4: solution is not a valid grid or disagrees with the givens');
    expect(e.message).toContain('mine.txt:5: puzzle has no solution');
    expect(e.message).toContain('mine.txt:6: puzzle has more than one solution');
    expect(e.message).toContain('mine.txt:7: found 3 fields');
  });

  it('accepts ambiguous puzzles when asked', () => {
    const [e] = parsePuzzles('.'.repeat(81), { requireUnique: false });
    expect(e?.solution.every((d) => d >= 1 && d <= 9)).toBe(true);
  });

  it('returns no puzzles for comments only and rejects non-strings', () => {
    expect(parsePuzzles('# nothing\n\n')).toEqual([]);
    expect(() => parsePuzzles(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('parsePuzzleGrids', () => {
  // NOTE: no clashing givens, yet no solution: only a search could tell, and this parser does none.
  const unsolvable = `12345678.${'.'.repeat(8)}9${'.'.repeat(63)}`;
  const clash = `55${'.'.repeat(79)}`;

  it('reads puzzles without searching: an unsolvable puzzle with no clash passes', () => {
    const grids = parsePuzzleGrids(`# two\n${unsolvable}\n${clash.replace('55', '5.')}\n`);
    expect(grids.map((g) => gridToString(g.puzzle))).toEqual([unsolvable, `5.${'.'.repeat(79)}`]);
    expect(grids[0]!.solution).toBeUndefined();
  });

  it('rejects clashing givens, naming the line and the clash', () => {
    expect(() => parsePuzzleGrids(`${unsolvable}\n${clash}\n`, { source: 'f.txt' })).toThrow(
      /f\.txt:2: puzzle has no solution \(two 5s in row 1\)/,
    );
    expect(givensConflict(parseGrid(`5${'.'.repeat(8)}5${'.'.repeat(71)}`))).toBe('two 5s in column 1');
    expect(givensConflict(parseGrid(`5${'.'.repeat(9)}5${'.'.repeat(70)}`))).toBe('two 5s in box 1');
  });
});
