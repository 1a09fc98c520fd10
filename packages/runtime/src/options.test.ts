import { describe, expect, it } from 'vitest';
import { checkOptions } from './options.js';

/** The one error rule of `@cgar/common`'s `Problems`, as `create` applies it to its options. */
describe('checkOptions: the class of the error follows the kinds of the problems', () => {
  const thrown = (options: unknown): Error => {
    try {
      checkOptions(options);
    } catch (e) {
      return e as Error;
    }
    throw new Error('checkOptions did not throw');
  };

  it('throws a TypeError when every problem is a value of the wrong kind', () => {
    const e = thrown({ maxSteps: '4', threads: 'two' });
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(
      /^create: 2 problems:\n {2}- 'maxSteps' must be a number.*'threads' must be a number/s,
    );
  });

  it('throws a RangeError when every problem is a value out of range', () => {
    const e = thrown({ maxSteps: 0 });
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("create: 'maxSteps' must be an integer >= 1, got 0");
  });

  it('throws a RangeError, listing both, when wrong kinds and ranges are mixed', () => {
    const e = thrown({ maxSteps: '4', batchSize: -1 });
    expect(e).toBeInstanceOf(RangeError);
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/'maxSteps' must be a number.*'batchSize' must be an integer >= 1/s);
  });

  it('accepts good options and no options', () => {
    expect(checkOptions(undefined)).toEqual({});
    expect(checkOptions({ maxSteps: 8, halting: 'fixed' })).toEqual({ maxSteps: 8, halting: 'fixed' });
  });
});
