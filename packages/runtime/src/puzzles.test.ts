import { describe, expect, it } from 'vitest';
import { digitsToString, encodePuzzle, encodePuzzles } from './puzzles.js';

const WIKI = '53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79';
const digits = Uint8Array.from(WIKI, (c) => (c === '.' ? 0 : Number(c)));
const ids = Int32Array.from(digits, (d) => d + 1);

describe('encodePuzzles', () => {
  it('encodes strings, digit arrays and token id arrays to the same ids', () => {
    const boxed = `${WIKI.slice(0, 3)} | ${WIKI.slice(3, 40)}\n${WIKI.slice(40).replaceAll('.', '0')}`;
    const out = encodePuzzles('solve', [
      WIKI,
      boxed,
      digits,
      Array.from(digits),
      ids,
      BigInt64Array.from(ids, BigInt),
    ]);
    const expected = Array.from(ids, BigInt);
    for (let i = 0; i < 6; i++) expect(Array.from(out.subarray(i * 81, (i + 1) * 81))).toEqual(expected);
  });

  it.each([
    ['an empty batch', [], RangeError, "solve: 'puzzles' is empty"],
    ['a single string', WIKI, TypeError, 'wrap a single puzzle in [ ]'],
    ['a wrong length', [WIKI, WIKI.slice(1)], RangeError, 'puzzle 1 has 80 cells, expected 81'],
    [
      'an unknown character',
      [WIKI.replace('5', 'x')],
      RangeError,
      "puzzle 0 has unknown character 'x' at cell 0",
    ],
    [
      'a digit out of range',
      [digits, Uint8Array.from(digits, (d, i) => (i === 4 ? 12 : d))],
      RangeError,
      'puzzle 1 has unknown digit 12 at cell 4',
    ],
    [
      'padding as a token id',
      [Int32Array.from(ids, (v, i) => (i === 2 ? 0 : v))],
      RangeError,
      'puzzle 0 has unknown token id 0 at cell 2',
    ],
    [
      'a token id past the vocab',
      [BigInt64Array.from(ids, (v, i) => BigInt(i === 80 ? 11 : v))],
      RangeError,
      'token id 11 at cell 80',
    ],
    ['a wrong kind', [WIKI, 42], TypeError, 'puzzle 1 is number'],
  ])('rejects %s', (_, input, Kind, message) => {
    expect(() => encodePuzzles('solve', input)).toThrow(Kind);
    expect(() => encodePuzzles('solve', input)).toThrow(message);
  });

  it('reports every bad sample at once, by the one error rule: wrong kinds mixed with ranges give a RangeError', () => {
    const bad = [WIKI.slice(2), WIKI, { cells: 81 }, WIKI.replace('3', '?')];
    expect(() => encodePuzzles('solve', bad)).toThrow(RangeError);
    expect(() => encodePuzzles('solve', bad)).toThrow(
      /^solve: 3 problems:.*puzzle 0 has 79 cells.*puzzle 2 is object.*puzzle 3 has unknown character '\?'/s,
    );
  });

  it('throws a TypeError only when every bad sample has the wrong kind', () => {
    const bad = [42, WIKI, null];
    expect(() => encodePuzzles('solve', bad)).toThrow(TypeError);
    expect(() => encodePuzzles('solve', bad)).toThrow(/puzzle 0 is number.*puzzle 2 is null/s);
  });

  it('lists the first 10 bad samples, and the class counts them all', () => {
    const bad = [...Array.from({ length: 10 }, () => 7), 'x'];
    let caught: unknown;
    try {
      encodePuzzles('solve', bad);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as Error).message).toContain('... (11 bad puzzles in all)');
    expect((caught as Error).message).not.toContain('puzzle 10');
  });

  it('names a single puzzle as such', () => {
    expect(() => encodePuzzle('trace', 'abc')).toThrow("trace: 'puzzle' has 3 cells, expected 81");
  });

  it('prints digits with dots for blanks', () => {
    expect(digitsToString(digits)).toBe(WIKI);
  });
});
