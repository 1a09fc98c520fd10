import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactAt, stat, summarizeConfigs, summarizeRun } from './summary.js';

const rules = (verified: number, learned: number) => ({
  learned: { exact: learned, meanSteps: 16 },
  stable2: { exact: verified, meanSteps: 4 },
  verified: { exact: verified, meanSteps: 6 },
});

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
function fakeRun(final = true, { slow = 1, withRules = false } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgar-table-'));
  const seconds = [5, 1, 1, 9, 2, 2].map((s) => s * slow);
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
  if (final)
    records.push({ ...evalRecord(6, 0.5), ...(withRules ? { rules: rules(0.75, 0.5), auc: 0.9 } : {}) });
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

  it("leaves out the time of runs on a loaded or a quicker machine than the baseline's, not their accuracy", () => {
    const a = summarizeRun(fakeRun(), 'baseline', 0, 6)!;
    const b = summarizeRun(fakeRun(true, { slow: 2 }), 'baseline', 1, 6)!;
    const c = summarizeRun(fakeRun(), 'baseline', 2, 6)!;
    expect(b.deepStepSeconds).toBe(2 * a.deepStepSeconds);
    const quick = summarizeRun(fakeRun(true, { slow: 0.8 }), 'pdc', 0, 6)!;
    const ok = summarizeRun(fakeRun(true, { slow: 1.2 }), 'cgar', 0, 6)!;
    const [base, pdc, cgar] = summarizeConfigs([a, b, c, quick, ok], ['baseline', 'pdc', 'cgar'], {});
    expect(base!.seeds).toEqual([0, 1, 2]);
    expect(base!.timedSeeds).toEqual([0, 2]);
    expect(base!.trainSeconds.mean).toBe(a.trainSeconds);
    expect(base!.curve.at(-1)!.trainSeconds).toBe(a.trainSeconds);
    expect(base!.exact.n).toBe(3);
    // 0.8x the baseline's step: another machine; no timed seed, so no time comparison
    expect(pdc!.timedSeeds).toEqual([]);
    expect(pdc!.speedup).toBeUndefined();
    expect(pdc!.baselineExactAtTime).toBeUndefined();
    expect(pdc!.timeToBaselineFinal).toBeUndefined();
    expect(pdc!.trainSeconds.mean).toBeCloseTo(0.8 * a.trainSeconds, 12);
    // 1.2x: within the contention factor, timed
    expect(cgar!.timedSeeds).toEqual([0]);
    expect(cgar!.speedup).toBeCloseTo(1 / 1.2, 12);
  });

  it('picks the best rule by exact, then steps, and reads heldout.json of the final checkpoint only', () => {
    const dir = fakeRun(true, { withRules: true });
    const h = { dataSeed: 2, count: 10, exact: 0.4, haltAcc: 1, auc: 0.8, rules: rules(0.6, 0.3) };
    writeFileSync(join(dir, 'heldout.json'), JSON.stringify({ ...h, checkpointStep: 6 }));
    const run = summarizeRun(dir, 'cgar', 0, 6)!;
    expect(run.heldout).toEqual(h);
    const [row] = summarizeConfigs([run], ['cgar'], {});
    // stable2 and verified tie on exact; stable2 takes fewer steps
    expect(row!.bestRule).toMatchObject({ name: 'stable2', seeds: 1 });
    expect(row!.bestRule!.exact.mean).toBe(0.75);
    expect(row!.auc!.mean).toBe(0.9);
    expect(row!.heldout).toMatchObject({ seeds: [0], dataSeed: 2, count: 10 });
    expect(row!.heldout!.learned.exact.mean).toBe(0.3);
    expect(row!.heldout!.best.name).toBe('stable2');
    writeFileSync(join(dir, 'heldout.json'), JSON.stringify({ ...h, checkpointStep: 3 }));
    expect(summarizeRun(dir, 'cgar', 0, 6)!.heldout).toBeUndefined();
  });

  it("gives the time a row's curve reaches the baseline's final accuracy, over the baseline's time", () => {
    const base = summarizeRun(fakeRun(), 'baseline', 0, 6)!;
    const fast = {
      ...base,
      config: 'pdc' as const,
      curve: [{ ...base.curve[0]!, trainSeconds: 2, exact: 0.5 }],
    };
    const slow = { ...base, config: 'hsw' as const, curve: [{ ...base.curve[0]!, exact: 0.4 }] };
    const rows = summarizeConfigs([base, fast, slow], ['baseline', 'pdc', 'hsw'], {});
    expect(rows[0]!.timeToBaselineFinal).toBe(1);
    // the baseline ends at 50% after 9 s; pdc's curve reaches 50% at 2 s
    expect(rows[1]!.timeToBaselineFinal).toBeCloseTo(2 / 9, 12);
    expect(rows[2]!.timeToBaselineFinal).toBeUndefined();
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
