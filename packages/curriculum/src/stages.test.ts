import { describe, expect, it } from 'vitest';
import {
  checkStages,
  deriveStages,
  PAPER_STAGES,
  paperSchedule,
  stagedSchedule,
  validateStages,
} from './stages.js';

describe('paper schedule boundaries', () => {
  const s = paperSchedule();
  it.each([
    [{ step: 0, totalSteps: 1000 }, 0, 2, 1],
    [{ step: 299, totalSteps: 1000 }, 0, 2, 1],
    [{ step: 300, totalSteps: 1000 }, 1, 4, 2],
    [0.3, 1, 4, 2],
    [{ step: 3, totalSteps: 10 }, 1, 4, 2],
    [{ step: 599, totalSteps: 1000 }, 1, 4, 2],
    [0.6, 2, 6, 3],
    [{ step: 6, totalSteps: 10 }, 2, 6, 3],
    [{ step: 999, totalSteps: 1000 }, 2, 6, 3],
    [{ step: 1000, totalSteps: 1000 }, 2, 6, 3],
    [1, 2, 6, 3],
    [{ epoch: 0.9, totalEpochs: 3 }, 1, 4, 2],
  ])('depthAt(%j) is stage %i at (%i, %i)', (progress, stage, n, T) => {
    expect(s.depthAt(progress)).toEqual({ n, T, stage });
  });

  it('rounds nothing: with 7 steps, step 2 (0.286) is stage 0 and step 3 (0.429) stage 1', () => {
    expect(s.depthAt({ step: 2, totalSteps: 7 }).stage).toBe(0);
    expect(s.depthAt({ step: 3, totalSteps: 7 }).stage).toBe(1);
  });

  it('evaluates at the full depth', () => {
    expect(s.evaluationDepth()).toEqual({ n: 6, T: 3 });
    expect(
      stagedSchedule(
        [
          { until: 0.5, n: 1, T: 1 },
          { n: 2, T: 2 },
        ],
        { full: { n: 6, T: 3 } },
      ).evaluationDepth(),
    ).toEqual({ n: 6, T: 3 });
  });

  it('rejects progress outside [0, 1] and steps past the end', () => {
    expect(() => s.depthAt(1.01)).toThrow(RangeError);
    expect(() => s.depthAt(-0.1)).toThrow(/outside \[0, 1\]/);
    expect(() => s.depthAt({ step: 11, totalSteps: 10 })).toThrow(/step = 11 is past totalSteps = 10/);
    expect(() => s.depthAt({ step: 1.5, totalSteps: 0 })).toThrow(/2 problems/);
    expect(() => s.depthAt('half' as unknown as number)).toThrow(TypeError);
  });
});

describe('deriveStages', () => {
  it('gives the paper stages for (6, 3)', () => {
    expect(deriveStages({ n: 6, T: 3 })).toEqual(PAPER_STAGES);
  });

  it.each([
    [{ n: 1, T: 1 }, [1, 1], [1, 1]],
    [{ n: 2, T: 2 }, [2, 1], [2, 2]],
    [{ n: 4, T: 2 }, [2, 1], [3, 2]],
    [{ n: 9, T: 6 }, [3, 2], [6, 4]],
    [{ n: 12, T: 4 }, [4, 2], [8, 3]],
    [{ n: 3, T: 5 }, [2, 2], [2, 4]],
  ])('full %j: stages %j then %j', (full, [n1, T1], [n2, T2]) => {
    expect(deriveStages(full)).toEqual([
      { until: 0.3, n: n1, T: T1 },
      { until: 0.6, n: n2, T: T2 },
      { n: full.n, T: full.T },
    ]);
  });

  it('takes other bounds and rejects a bad full depth', () => {
    expect(deriveStages({ n: 6, T: 3 }, [0.2, 0.5]).map((s) => s.until)).toEqual([0.2, 0.5, undefined]);
    expect(() => deriveStages({ n: 0, T: 2.5 })).toThrow(/2 problems/);
  });
});

describe('stage validation', () => {
  it.each([
    [
      [
        { until: 0.6, n: 2, T: 1 },
        { until: 0.3, n: 4, T: 2 },
        { n: 6, T: 3 },
      ],
      /stages\[1\]\.until = 0\.3 is not above/,
    ],
    [
      [
        { until: 0, n: 2, T: 1 },
        { n: 6, T: 3 },
      ],
      /stages\[0\]\.until = 0 is outside \(0, 1\]/,
    ],
    [
      [
        { until: 1.5, n: 2, T: 1 },
        { n: 6, T: 3 },
      ],
      /stages\[0\]\.until = 1\.5 is outside/,
    ],
    [
      [
        { until: 0.5, n: 2.5, T: 1 },
        { n: 6, T: 3 },
      ],
      /stages\[0\]\.n = 2\.5 is not a positive integer/,
    ],
    [
      [
        { until: 0.5, n: 2, T: 0 },
        { n: 6, T: 3 },
      ],
      /stages\[0\]\.T = 0 is not a positive integer/,
    ],
    [
      [
        { until: 0.5, n: -2, T: 1 },
        { n: 6, T: 3 },
      ],
      /stages\[0\]\.n = -2/,
    ],
    [
      [
        { until: 0.5, n: 2, T: 1 },
        { until: 1, n: 6, T: 3 },
      ],
      /stages\[1\] is the last stage but has until = 1/,
    ],
    [
      [
        { n: 2, T: 1 },
        { n: 6, T: 3 },
      ],
      /stages\[0\] has no until/,
    ],
    [
      [
        { untill: 0.5, n: 2, T: 1 },
        { n: 6, T: 3 },
      ],
      /unknown key 'untill'/,
    ],
    [[], /stages is empty/],
  ])('%j', (stages, message) => {
    expect(() => validateStages(stages)).toThrow(RangeError);
    expect(() => stagedSchedule(stages)).toThrow(message);
  });

  it('throws TypeError when every problem is a wrong kind', () => {
    expect(() => validateStages('stages')).toThrow(TypeError);
    expect(() =>
      validateStages([
        { until: '0.3', n: 2, T: 1 },
        { n: 6, T: 3 },
      ]),
    ).toThrow(TypeError);
    expect(() => validateStages([null, { n: '6', T: 3 }])).toThrow(/2 problems/);
  });

  it('reports every problem at once', () => {
    const problems = checkStages([
      { until: 0.6, n: 2.5, T: 1 },
      { until: 0.3, n: 4, T: 0 },
      { until: 1, n: 6, T: 3 },
    ]);
    expect(problems).toHaveLength(4);
    expect(() =>
      validateStages([
        { until: 0.6, n: 2.5, T: 1 },
        { until: 0.3, n: 4, T: 0 },
        { until: 1, n: 6, T: 3 },
      ]),
    ).toThrow(/validateStages: 4 problems:\n {2}- stages\[0\]\.n = 2\.5/);
    expect(checkStages(PAPER_STAGES)).toEqual([]);
  });

  it('validates an override of the full depth', () => {
    expect(() => stagedSchedule(PAPER_STAGES, { full: { n: 6, T: 0 } })).toThrow(/options\.full\.T = 0/);
  });
});
