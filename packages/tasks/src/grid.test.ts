import { describe, expect, it } from 'vitest';
import {
  countGivens,
  decodeGrid,
  encodePuzzle,
  encodeSolution,
  formatGrid,
  gradeAnswer,
  gridToString,
  isValidSolution,
  parseGrid,
} from './grid.js';
import { INKALA, INKALA_SOLUTION, WIKI } from './puzzles.test-helper.js';

describe('encoding', () => {
  it('maps blank to 1 and digits d to d + 1 (docs/design.md section 1)', () => {
    const ids = encodePuzzle(parseGrid(WIKI));
    expect(Array.from(ids.subarray(0, 5))).toEqual([6, 4, 1, 1, 8]);
    const labels = encodeSolution(parseGrid(INKALA_SOLUTION));
    expect(Math.min(...labels)).toBe(2);
    expect(Math.max(...labels)).toBe(10);
  });

  it('writes at an offset into a shared buffer', () => {
    const out = new Int32Array(200);
    encodePuzzle(parseGrid(WIKI), out, 81);
    expect(out[80]).toBe(0);
    expect(out[81]).toBe(6);
    expect(out[161]).toBe(10);
    expect(out[162]).toBe(0);
  });

  it('round-trips through decodeGrid; pad and blank decode to 0', () => {
    const g = parseGrid(INKALA);
    expect(decodeGrid(encodePuzzle(g))).toEqual(g);
    const ids = new Int32Array(81).fill(2);
    ids[3] = 0;
    ids[4] = 1;
    const d = decodeGrid(ids);
    expect([d[2], d[3], d[4]]).toEqual([1, 0, 0]);
    ids[5] = 11;
    expect(() => decodeGrid(ids)).toThrow(/id at cell 5 is 11/);
  });

  it('rejects blanks in a solution and bad grids, listing the bad cells', () => {
    expect(() => encodeSolution(parseGrid(INKALA))).toThrow(RangeError);
    expect(() => encodePuzzle(new Uint8Array(80))).toThrow(/81 cells, got 80/);
    expect(() => encodePuzzle(Uint8Array.from({ length: 81 }, (_, i) => (i < 2 ? 12 : 0)))).toThrow(
      /\[0\]=12, \[1\]=12/,
    );
  });
});

describe('text', () => {
  it('parses . and 0 as blanks and round-trips formatGrid', () => {
    const g = parseGrid(INKALA);
    expect(countGivens(g)).toBe(21);
    expect(parseGrid(INKALA.replaceAll('.', '0'))).toEqual(g);
    const pretty = formatGrid(g);
    expect(pretty.split('\n')).toHaveLength(11);
    expect(pretty.split('\n')[0]).toBe('8 . . | . . . | . . .');
    expect(pretty.split('\n')[3]).toBe('------+-------+------');
    expect(parseGrid(pretty)).toEqual(g);
    expect(gridToString(g)).toBe(INKALA);
  });

  it('reports wrong lengths and characters together', () => {
    expect(() => parseGrid('x'.repeat(80))).toThrow(
      /found 80 cells, expected 81; bad characters 'x' at cell 0/,
    );
  });
});

describe('isValidSolution', () => {
  it('accepts the solution and rejects conflicts or disagreement with givens', () => {
    const p = parseGrid(INKALA);
    const s = parseGrid(INKALA_SOLUTION);
    expect(isValidSolution(p, s)).toBe(true);
    const swapped = s.slice();
    [swapped[0], swapped[1]] = [swapped[1] as number, swapped[0] as number];
    expect(isValidSolution(new Uint8Array(81), swapped)).toBe(false);
    const other = parseGrid(INKALA_SOLUTION);
    expect(
      isValidSolution(
        Uint8Array.from(p, (v, i) => (i === 0 ? 9 : v)),
        other,
      ),
    ).toBe(false);
    expect(isValidSolution(p, p)).toBe(false);
  });
});

describe('gradeAnswer', () => {
  it('counts the cells that match the solution; blanks are never right', () => {
    const s = parseGrid(INKALA_SOLUTION);
    expect(gradeAnswer(s, s)).toEqual({ exact: true, cellsRight: 81 });
    const puzzle = parseGrid(INKALA);
    expect(gradeAnswer(puzzle, s)).toEqual({ exact: false, cellsRight: countGivens(puzzle) });
    const swapped = s.slice();
    [swapped[0], swapped[1]] = [swapped[1] as number, swapped[0] as number];
    expect(gradeAnswer(swapped, s)).toEqual({ exact: false, cellsRight: 79 });
    expect(gradeAnswer(new Uint8Array(81), s)).toEqual({ exact: false, cellsRight: 0 });
  });
});
