import { describe, expect, it } from 'vitest';
import { generate } from './generator.js';
import { decodeGrid, encodePuzzle, encodeSolution, isValidSolution, type SudokuExample } from './grid.js';
import { type Batch, createLoader } from './loader.js';
import { solve } from './solver.js';
import type { Task } from './task.js';

const examples = generate({ seed: 31, count: 37, minGivens: 26, maxGivens: 34 });
const draw = (loader: ReturnType<typeof createLoader>, counts: number[]): Batch[] =>
  counts.map((c) => loader.next(c));

describe('createLoader', () => {
  it('yields the same sequence for the same seed, another for another seed', () => {
    const a = draw(createLoader(examples, { batchSize: 8, seed: 1 }), [8, 8, 8]);
    const b = draw(createLoader({ examples }, { batchSize: 8, seed: 1 }), [8, 8, 8]);
    const c = draw(createLoader(examples, { batchSize: 8, seed: 2 }), [8, 8, 8]);
    expect(b).toEqual(a);
    expect(c.map((x) => x.inputs)).not.toEqual(a.map((x) => x.inputs));
  });

  it('resumes exactly from a JSON state, across epoch boundaries', () => {
    const loader = createLoader(examples, { batchSize: 16, seed: 3 });
    draw(loader, [16, 16, 3]);
    const saved = JSON.parse(JSON.stringify(loader.state()));
    expect(saved).toMatchObject({ epoch: 0, position: 35, size: 37, seed: 3 });
    const expected = draw(loader, [5, 16, 1, 40]);
    const fresh = createLoader(examples, { batchSize: 16, seed: 3 });
    fresh.restore(saved);
    expect(draw(fresh, [5, 16, 1, 40])).toEqual(expected);
    // Restoring into the loader itself rewinds it, too.
    loader.restore(saved);
    expect(draw(loader, [5, 16, 1, 40])).toEqual(expected);
  });

  it('visits every example once per epoch and reshuffles between epochs', () => {
    const loader = createLoader(examples, { batchSize: 37, seed: 4, augment: false });
    const e0 = Array.from(loader.next().indices);
    const e1 = Array.from(loader.next().indices);
    expect(loader.epoch).toBe(1);
    expect(loader.position).toBe(37);
    expect([...e0].sort((x, y) => x - y)).toEqual(examples.map((_, i) => i));
    expect([...e1].sort((x, y) => x - y)).toEqual(examples.map((_, i) => i));
    expect(e1).not.toEqual(e0);
    const ordered = createLoader(examples, { batchSize: 5, seed: 4, shuffle: false, augment: false });
    expect(Array.from(ordered.next().indices)).toEqual([0, 1, 2, 3, 4]);
  });

  it('encodes exactly without augmentation and validly with it', () => {
    const plain = createLoader(examples, { batchSize: 4, seed: 5, augment: false }).next();
    for (let k = 0; k < 4; k++) {
      const e = examples[plain.indices[k] as number] as SudokuExample;
      expect(plain.inputs.subarray(k * 81, (k + 1) * 81)).toEqual(encodePuzzle(e.puzzle));
      expect(plain.labels.subarray(k * 81, (k + 1) * 81)).toEqual(encodeSolution(e.solution));
    }
    const aug = createLoader(examples, { batchSize: 20, seed: 5 }).next();
    expect(aug.inputs).toHaveLength(20 * 81);
    for (let k = 0; k < 20; k++) {
      const puzzle = decodeGrid(aug.inputs, k * 81);
      const solution = decodeGrid(aug.labels, k * 81);
      expect(isValidSolution(puzzle, solution)).toBe(true);
      expect(solve(puzzle).solutions).toBe(1);
      expect(Math.min(...aug.labels.subarray(k * 81, (k + 1) * 81))).toBe(2);
    }
  });

  it('returns exactly the count asked, zero included', () => {
    const loader = createLoader(examples, { batchSize: 8, seed: 6 });
    expect(loader.next(0).count).toBe(0);
    expect(loader.next(3).indices).toHaveLength(3);
    expect(loader.position).toBe(3);
  });

  it('drives any Task', () => {
    const echo: Task<number> = {
      name: 'echo',
      vocabSize: 4,
      seqLen: 2,
      encodeInput: (e, out = new Int32Array(2), o = 0) => out.fill(e, o, o + 2),
      encodeLabels: (e, out = new Int32Array(2), o = 0) => out.fill(3 - e, o, o + 2),
      augment: (e) => e,
    };
    const b = createLoader([0, 1, 2], { batchSize: 3, seed: 1, task: echo, shuffle: false }).next();
    expect(Array.from(b.inputs)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(b.labels)).toEqual([3, 3, 2, 2, 1, 1]);
  });

  it('rejects bad options and states that do not fit', () => {
    expect(() => createLoader([], { batchSize: 0, seed: -1 })).toThrow(RangeError);
    expect(() => createLoader([], { batchSize: 0, seed: -1 })).toThrow(
      /^createLoader: 3 problems:\n {2}- 'dataset' is empty\n {2}- 'batchSize' must be an integer >= 1, got 0\n {2}- 'seed' must be/,
    );
    // NOTE: the one error rule: a TypeError only when every problem is a value of the wrong kind.
    expect(() => createLoader({} as never, { batchSize: '8' as never, seed: 1 })).toThrow(TypeError);
    expect(() => createLoader({} as never, { batchSize: 0, seed: 1 })).toThrow(RangeError);
    const loader = createLoader(examples, { batchSize: 8, seed: 1 });
    const other = createLoader(examples.slice(1), { batchSize: 8, seed: 2 });
    const restore = () => loader.restore(other.state());
    expect(restore).toThrow(/seed 2, but this loader has seed 1\n {2}- dataset size 36/);
    expect(restore).toThrow(/Create the loader with the same dataset and seed/);
    expect(restore).not.toThrow(RangeError);
    expect(() => loader.next(-1)).toThrow(RangeError);
  });
});
