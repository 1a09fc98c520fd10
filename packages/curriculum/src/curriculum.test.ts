import { describe, expect, it } from 'vitest';
import { createCurriculum, type StageChangeEvent } from './curriculum.js';
import type { StepContext } from './index.js';
import { paperSchedule, stagedSchedule } from './stages.js';

const collect = (totalSteps = 10) => {
  const events: StageChangeEvent[] = [];
  const c = createCurriculum(paperSchedule(), { totalSteps, onStageChange: (e) => events.push(e) });
  return { c, events };
};

describe('createCurriculum', () => {
  it('sends one event per stage, at the first step of each', () => {
    const { c, events } = collect();
    for (let step = 0; step < 10; step++) c.advance(step);
    expect(events.map((e) => [e.step, e.previousStage, e.stage, e.depth.n, e.depth.T])).toEqual([
      [0, null, 0, 2, 1],
      [3, 0, 1, 4, 2],
      [6, 1, 2, 6, 3],
    ]);
    expect(events[1]!.previousDepth).toEqual({ n: 2, T: 1 });
    expect(c.evaluationDepth()).toEqual({ n: 6, T: 3 });
  });

  it('sets ctx.depth and ctx.stage as a trainer plugin', () => {
    const c = createCurriculum(paperSchedule());
    const ctx: StepContext = { step: 450, totalSteps: 1000 };
    c.onStepStart(ctx);
    expect([ctx.depth, ctx.stage]).toEqual([{ n: 4, T: 2 }, 1]);
    expect(c.name).toBe('curriculum');
  });

  it('resumes mid-run in the same stage, without a spurious event', () => {
    const first = collect();
    for (let step = 0; step <= 4; step++) first.c.advance(step);
    const saved = JSON.parse(JSON.stringify(first.c.state()));
    const second = collect();
    second.c.restore(saved);
    expect(second.c.stage).toBe(1);
    expect(second.c.advance(5)).toEqual({ n: 4, T: 2, stage: 1 });
    expect(second.events).toEqual([]);
    second.c.advance(6);
    expect(second.events.map((e) => [e.previousStage, e.stage, e.previousDepth])).toEqual([
      [1, 2, { n: 4, T: 2 }],
    ]);
  });

  it('refuses a state from another schedule, run length or package', () => {
    const { c } = collect();
    c.advance(4);
    const saved = c.state();
    const other = createCurriculum(
      stagedSchedule([
        { until: 0.5, n: 2, T: 1 },
        { n: 6, T: 3 },
      ]),
      { totalSteps: 10 },
    );
    expect(() => other.restore(saved)).toThrow(/saved with another schedule/);
    expect(() => createCurriculum(paperSchedule(), { totalSteps: 20 }).restore(saved)).toThrow(
      /totalSteps = 10/,
    );
    expect(() => c.restore({ kind: 'other' })).toThrow(TypeError);
    expect(() => c.restore({ ...saved, stage: 2 })).toThrow(
      /state says stage 2 at step 4, the schedule says 1/,
    );
  });

  it('holds one run length', () => {
    const c = createCurriculum(paperSchedule());
    expect(() => c.advance(0)).toThrow(/totalSteps is missing/);
    c.advance(0, 100);
    expect(c.advance(1).stage).toBe(0);
    expect(() => c.advance(2, 200)).toThrow(/totalSteps = 200 differs from the run's 100/);
    expect(() => createCurriculum(paperSchedule(), { totalSteps: 0 })).toThrow(RangeError);
    expect(() => createCurriculum({} as never)).toThrow(TypeError);
  });

  it('removes a listener', () => {
    const c = createCurriculum(paperSchedule(), { totalSteps: 10 });
    const seen: number[] = [];
    const off = c.onStageChange((e) => seen.push(e.stage));
    c.advance(0);
    off();
    c.advance(5);
    expect(seen).toEqual([0]);
  });
});
