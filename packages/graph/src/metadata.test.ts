import { describe, expect, it } from 'vitest';
import { hostTensor } from './dtype.js';
import { Graph } from './graph.js';
import { readModelMetadata, scanModel } from './metadata.js';
import { matmul } from './ops/matmul.js';
import { buildModel } from './serialize.js';

function model(weights: Float32Array) {
  const g = new Graph('m');
  const x = g.input('x', 'float32', ['B', 2]);
  const w = g.param('w', hostTensor('float32', [2, 2], weights));
  return buildModel(g, { outputs: { y: matmul(x, w) }, metadata: { 'cgar.graph': 'halting' } }).bytes;
}

describe('readModelMetadata and scanModel', () => {
  it('a truncated file is reported as truncated, not as a model without metadata', () => {
    const bytes = model(Float32Array.from([1, 2, 3, 4]));
    expect(readModelMetadata(bytes)).toEqual({ 'cgar.graph': 'halting' });
    for (const cut of [bytes.length - 1, bytes.length - 20, Math.floor(bytes.length / 2)]) {
      expect(() => readModelMetadata(bytes.subarray(0, cut))).toThrow(/the file is truncated/);
      expect(() => scanModel(bytes.subarray(0, cut))).toThrow(/the file is truncated/);
    }
  });

  it('reads the outputs with their dims and names float weights that are not finite', () => {
    expect(scanModel(model(Float32Array.from([1, 2, 3, 4])))).toEqual({
      outputs: [{ name: 'y', dims: ['B', 2] }],
      nonFinite: [],
    });
    expect(scanModel(model(Float32Array.from([1, Number.NaN, 3, 4]))).nonFinite).toEqual(['w']);
    expect(scanModel(model(Float32Array.from([1, 2, Number.NEGATIVE_INFINITY, 4]))).nonFinite).toEqual(['w']);
  });
});
