import { describe, expect, it } from 'vitest';
import { parseSweep, planSweep } from './sweep-file.js';
import { checkSpec, type RunSpec, SweepConfigError } from './train-run.js';

const sweep = parseSweep(
  { preset: 'cpu-tiny', configs: ['cgar'], steps: 8, data: { train: 4, test: 2 } },
  't',
);
const spec: RunSpec = planSweep(sweep)[0]!.data.spec;

const thrown = (s: unknown): Error => {
  try {
    checkSpec(s as RunSpec);
  } catch (e) {
    return e as Error;
  }
  throw new Error('checkSpec did not throw');
};

describe('checkSpec: one error rule', () => {
  it('accepts a planned run', () => {
    expect(() => checkSpec(spec)).not.toThrow();
  });

  it('throws a SweepConfigError (a RangeError) for values out of range, listing every one', () => {
    const e = thrown({ ...spec, config: 'nope', steps: 0 });
    expect(e).toBeInstanceOf(SweepConfigError);
    expect(e).toBeInstanceOf(RangeError);
    expect(e.name).toBe('SweepConfigError');
    expect(e.message).toMatch(
      /^run nope-s0: 2 problems:\n {2}- unknown configuration 'nope'.*steps must be an integer >= 1, got 0/s,
    );
  });

  it('throws a SweepConfigError when wrong kinds and ranges are mixed', () => {
    expect(thrown({ ...spec, steps: '8', lr: -1 })).toBeInstanceOf(SweepConfigError);
  });

  it('throws a TypeError when every problem is a value of the wrong kind', () => {
    const e = thrown({ ...spec, steps: '8', threads: 'one' });
    expect(e).toBeInstanceOf(TypeError);
    expect(e).not.toBeInstanceOf(SweepConfigError);
    expect(e.message).toMatch(/steps must be a number, got "8".*threads must be a number or null/s);
  });
});
