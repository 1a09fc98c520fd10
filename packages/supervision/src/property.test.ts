import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchScalarWeight, stepWeights, supervisionWeights } from './weights.js';

const nSup = fc.integer({ min: 1, max: 64 });
// NOTE: within about 1e-12 of 1, lambda^k for neighbouring k can round to the same double, so the
// strict-decrease property is drawn away from that band; lambda = 1 itself is drawn often.
const lambda = fc.oneof(fc.double({ min: 1e-3, max: 1 - 1e-9, noNaN: true }), fc.constant(1));
const batch = (n: number) =>
  fc.array(fc.integer({ min: 1, max: n }), { maxLength: 64 }).map((t) => Int32Array.from(t));

describe('properties', () => {
  it('per-sample tables average 1, decrease strictly for lambda < 1 and are flat for lambda = 1', () => {
    fc.assert(
      fc.property(nSup, lambda, (n, l) => {
        const table = stepWeights({ nSup: n, lambda: l });
        const mean = table.reduce((s, v) => s + v, 0) / n;
        expect(Math.abs(mean - 1)).toBeLessThan(1e-12);
        for (let k = 1; k < n; k++) {
          if (l < 1) expect(table[k]!).toBeLessThan(table[k - 1]!);
          else expect(table[k]).toBe(table[0]);
        }
      }),
    );
  });

  it('each sample gets the table entry of its own step', () => {
    fc.assert(
      fc.property(
        nSup.chain((n) => fc.tuple(fc.constant(n), batch(n))),
        lambda,
        ([n, t], l) => {
          const table = stepWeights({ nSup: n, lambda: l });
          const w = supervisionWeights(t, { nSup: n, lambda: l });
          t.forEach((step, i) => {
            expect(w[i]).toBe(Math.fround(table[step - 1]!));
          });
        },
      ),
    );
  });

  it('batch-scalar is one value lambda^floor(mean(t - 1)) for the whole batch', () => {
    fc.assert(
      fc.property(
        nSup.chain((n) => fc.tuple(fc.constant(n), batch(n))),
        lambda,
        ([n, t], l) => {
          fc.pre(t.length > 0);
          const carried = Array.from(t).reduce((s, v) => s + v - 1, 0);
          const expected = l ** Math.floor(carried / t.length);
          expect(batchScalarWeight(t, { nSup: n, lambda: l })).toBe(expected);
          const w = supervisionWeights(t, { nSup: n, lambda: l, mode: 'batch-scalar' });
          expect(new Set(w).size).toBe(1);
          expect(w[0]).toBe(Math.fround(expected));
        },
      ),
    );
  });

  it('adaptive weights average 1 over the steps for any non-negative statistics', () => {
    fc.assert(
      fc.property(
        nSup.chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })), { minLength: n, maxLength: n }),
          ),
        ),
        lambda,
        ([n, stats], l) => {
          const table = stepWeights({
            nSup: n,
            lambda: l,
            mode: 'adaptive',
            stats: stats.map((s) => s ?? Number.NaN),
          });
          const mean = table.reduce((s, v) => s + v, 0) / n;
          expect(Math.abs(mean - 1)).toBeLessThan(1e-9);
          table.forEach((v) => {
            expect(v).toBeGreaterThanOrEqual(0);
          });
        },
      ),
    );
  });

  it('every out-of-range step is caught', () => {
    fc.assert(
      fc.property(nSup, fc.integer({ min: -100, max: 200 }), (n, bad) => {
        fc.pre(bad < 1 || bad > n);
        expect(() => supervisionWeights(Int32Array.of(1, bad), { nSup: n })).toThrow(
          `stepIndices[1] = ${bad}`,
        );
      }),
    );
  });
});
