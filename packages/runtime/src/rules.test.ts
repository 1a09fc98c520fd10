import { buildHaltingGraph, buildStepGraph, sudokuValid } from '@cgar/export';
import { buildModel, Graph, GraphSession, hostTensor } from '@cgar/graph';
import { generate, isValidSolution } from '@cgar/tasks';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { puzzles, randomModel } from './fixtures.test-helper.js';
import { shouldHalt } from './host.js';
import { create } from './node.js';
import { isSolvedGrid } from './puzzles.js';
import type { SolveResult } from './types.js';

/** Answer grids (digits) with the puzzles they answer: right ones and each kind of wrong one. */
function cases() {
  const out: { puzzle: Uint8Array; answer: Uint8Array; what: string }[] = [];
  for (const ex of generate({ seed: 3, count: 4, minGivens: 25, maxGivens: 35 })) {
    const { puzzle, solution } = ex;
    out.push({ puzzle, answer: solution, what: 'the solution' });
    const swapped = Uint8Array.from(solution);
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    out.push({ puzzle: new Uint8Array(81), answer: swapped, what: 'two cells of a row swapped' });
    const blank = Uint8Array.from(solution);
    blank[40] = 0;
    out.push({ puzzle, answer: blank, what: 'a cell left blank' });
    const given = puzzle.findIndex((d) => d > 0);
    const moved = Uint8Array.from(puzzle);
    moved[given] = (puzzle[given]! % 9) + 1;
    out.push({ puzzle: moved, answer: solution, what: 'a given not kept' });
    const shifted = solution.map((d, i) => (i < 9 ? d : solution[i - 9]!));
    out.push({ puzzle: new Uint8Array(81), answer: shifted, what: 'rows right, columns wrong' });
  }
  return out;
}

describe('the verified rule: Sudoku verification', () => {
  it('agrees in graph ops, in the runtime and in @cgar/tasks on right and wrong answers', async () => {
    const all = cases();
    const B = all.length;
    const g = new Graph('verify');
    const preds = g.input('preds', 'int64', ['B', 81]);
    const tokens = g.input('tokens', 'int64', ['B', 81]);
    const session = await GraphSession.create(
      ortNode,
      buildModel(g, { outputs: { valid: sudokuValid(g, preds, tokens) } }),
    );
    const ids = (grids: Uint8Array[]) =>
      hostTensor(
        'int64',
        [B, 81],
        BigInt64Array.from(grids.flatMap((gr) => Array.from(gr, (d) => BigInt(d + 1)))),
      );
    const answers = all.map((c) => c.answer);
    const puzzleIds = ids(all.map((c) => c.puzzle));
    const out = await session.run({ preds: ids(answers), tokens: puzzleIds });
    const graph = Array.from(out.valid!.data as Uint8Array, Boolean);
    const runtime = all.map((c, i) => isSolvedGrid(puzzleIds.data as BigInt64Array, i * 81, c.answer));
    const tasks = all.map((c) => isValidSolution(c.puzzle, c.answer));
    expect(graph).toEqual(tasks);
    expect(runtime).toEqual(tasks);
    expect(all.filter((_, i) => tasks[i]).map((c) => c.what)).toEqual(new Array(4).fill('the solution'));
  });
});

describe('halting rules: graph and host modes agree', () => {
  const model = randomModel();
  const both = { halting: model.halting, step: model.step };
  const batch = puzzles(12);
  const summary = (rs: SolveResult[]) => rs.map((r) => [r.grid, r.steps, r.haltedBy]);

  it.each([
    [{ stable: 2 }],
    [{ stable: 3 }],
    [{ verified: true }],
    [{ verified: true, stable: 2 }],
    [{ threshold: 0, stable: 3, verified: true }],
  ])('%j', async (halting) => {
    const graph = await (await create(both, { mode: 'graph', halting })).solve(batch);
    const host = await (await create(both, { mode: 'host', halting })).solve(batch);
    expect(summary(host)).toEqual(summary(graph));
  });

  it('stable: k halts every sample at step k when the answer never changes, in both modes', async () => {
    // NOTE: a zero lm_head predicts the same (padding) answer at every step.
    const flat = randomModel();
    flat.params.get('inner.lm_head.weight')!.data.fill(0);
    const models = {
      halting: buildHaltingGraph(flat.cfg, flat.params).bytes,
      step: buildStepGraph(flat.cfg, flat.params).bytes,
    };
    for (const mode of ['graph', 'host'] as const)
      for (const stable of [2, 4]) {
        const rs = await (await create(models, { mode, halting: { stable } })).solve(batch);
        expect(rs.map((r) => [r.steps, r.haltedBy])).toEqual(new Array(batch.length).fill([stable, 'rule']));
      }
  });

  it('stable: k halts after the answer is the same k steps in a row', async () => {
    const solver = await create(both, { mode: 'host', halting: 'fixed' });
    const stable = await create(both, { mode: 'host', halting: { stable: 2 } });
    const [first] = await stable.solve([batch[0]!]);
    const grids: string[] = [];
    for await (const s of solver.trace(batch[0]!)) grids.push(s.grid);
    const k = grids.findIndex((g, i) => i > 0 && g === grids[i - 1]);
    expect(first!.steps).toBe(k === -1 ? grids.length : k + 1);
  });

  it('rejects rules that are not rules, naming the field', async () => {
    await expect(create(both, { halting: {} })).rejects.toThrow(/sets no rule/);
    await expect(create(both, { halting: { stable: 1 } })).rejects.toThrow(
      /'halting.stable' must be an integer >= 2/,
    );
    await expect(create(both, { halting: { verified: 'yes' as never } })).rejects.toThrow(TypeError);
  });
});

describe('shouldHalt', () => {
  const state = (qHalt: number, held: number, valid = false) => ({ qHalt, held, valid: () => valid });

  it('halts when any part that is set says so; parts left out, and stable 0, are off', () => {
    expect(shouldHalt({ threshold: 0 }, state(0.1, 1))).toBe(true);
    expect(shouldHalt({ threshold: 0 }, state(0, 5, true))).toBe(false);
    expect(shouldHalt({ stable: 3 }, state(9, 2))).toBe(false);
    expect(shouldHalt({ stable: 3 }, state(-9, 3))).toBe(true);
    expect(shouldHalt({ stable: 0 }, state(9, 9))).toBe(false);
    expect(shouldHalt({ verified: true }, state(-9, 1, true))).toBe(true);
    expect(shouldHalt({}, state(9, 9, true))).toBe(false);
  });

  it('runs the verifier only when the rule has verified and no other part halted first', () => {
    let calls = 0;
    const s = { qHalt: 1, held: 1, valid: () => ++calls > 0 };
    shouldHalt({ threshold: 0, verified: true }, s);
    shouldHalt({ stable: 2 }, { ...s, qHalt: -1 });
    expect(calls).toBe(0);
    shouldHalt({ threshold: 0, verified: true }, { ...s, qHalt: -1 });
    expect(calls).toBe(1);
  });
});
