import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactAt, stat, summarizeConfigs, summarizeRun } from './summary.js';

const evalRecord = (step: number, exact: number) => ({
  type: 'eval',
  step,
  time: 100 + step,
  count: 4,
  exact,
  cell: 0.5,
  haltAcc: 1,
  exactAdaptive: exact,
  meanSteps: 2,
  stepHistogram: [1, 3],
});

/** A run of 6 steps: 3 at (2,1) then 3 at (6,3); each depth's first step is slow (session build). */
function fakeRun(final = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgar-table-'));
  const seconds = [5, 1, 1, 9, 2, 2];
  const lines = seconds.map((s, i) => ({
    type: 'step',
    step: i + 1,
    time: 0,
    seconds: s,
    loss: 1,
    n: i < 3 ? 2 : 6,
    T: i < 3 ? 1 : 3,
    stage: i < 3 ? 0 : 2,
  }));
  const records: object[] = [...lines.slice(0, 3), evalRecord(3, 0.25), ...lines.slice(3)];
  if (final) records.push(evalRecord(6, 0.5));
  writeFileSync(join(dir, 'metrics.jsonl'), `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return dir;
}

describe('summarizeRun', () => {
  it('counts the first step of each depth as its median step', () => {
    const run = summarizeRun(fakeRun(), 'cgar', 0, 6)!;
    expect(run.rawTrainSeconds).toBe(20);
    expect(run.trainSeconds).toBe(1 + 1 + 1 + 2 + 2 + 2);
    expect(run.warmupSeconds).toBe(11);
    expect(run.curve.map((p) => [p.step, p.trainSeconds, p.exact])).toEqual([
      [3, 3, 0.25],
      [6, 9, 0.5],
    ]);
    expect(run.depth).toEqual([
      { n: 2, T: 1, fromStep: 0, toStep: 3, fromSeconds: 0, toSeconds: 3 },
      { n: 6, T: 3, fromStep: 3, toStep: 6, fromSeconds: 3, toSeconds: 9 },
    ]);
    expect(run.final.stepHistogram).toEqual([1, 3]);
  });

  it('is undefined until the final evaluation exists', () => {
    expect(summarizeRun(fakeRun(false), 'cgar', 0, 6)).toBeUndefined();
    expect(summarizeRun(fakeRun(), 'cgar', 0, 7)).toBeUndefined();
  });
});

describe('summarizeConfigs', () => {
  it('averages seeds, sums histograms and divides by the baseline time', () => {
    const a = summarizeRun(fakeRun(), 'baseline', 0, 6)!;
    const b = { ...summarizeRun(fakeRun(), 'cgar', 0, 6)!, trainSeconds: 4.5 };
    const c = { ...summarizeRun(fakeRun(), 'cgar', 1, 6)!, trainSeconds: 4.5 };
    const rows = summarizeConfigs([a, b, c], ['baseline', 'pdc', 'cgar'], { baseline: 1, cgar: 1.54 });
    expect(rows.map((r) => r.config)).toEqual(['baseline', 'cgar']);
    expect(rows[1]!.speedup).toBe(2);
    expect(rows[1]!.bound).toBe(1.54);
    expect(rows[1]!.histogram).toEqual([2, 6]);
    expect(rows[1]!.seeds).toEqual([0, 1]);
    // the baseline's curve is (3 s, 25%), (9 s, 50%): at 4.5 s it is a quarter of the way up
    expect(rows[1]!.baselineExactAtTime).toBeCloseTo(0.25 + 0.25 * (1.5 / 6), 12);
    expect(rows[0]!.baselineExactAtTime).toBeCloseTo(0.5, 12);
  });

  it('exactAt interpolates from 0% at 0 s and is undefined past the curve', () => {
    const p = (trainSeconds: number, exact: number) => ({
      step: 0,
      trainSeconds,
      exact,
      cell: 0,
      haltAcc: 0,
      exactAdaptive: 0,
      meanSteps: 0,
    });
    const curve = [p(10, 0.2), p(20, 0.6)];
    expect(exactAt(curve, 5)).toBeCloseTo(0.1, 12);
    expect(exactAt(curve, 15)).toBeCloseTo(0.4, 12);
    expect(exactAt(curve, 20)).toBeCloseTo(0.6, 12);
    expect(exactAt(curve, 25)).toBeUndefined();
    expect(exactAt([], 1)).toBeUndefined();
  });

  it('stat uses the sample standard deviation', () => {
    expect(stat([1, 3])).toEqual({ mean: 2, std: Math.SQRT2, min: 1, max: 3, n: 2 });
    expect(stat([5]).std).toBe(0);
  });
});
