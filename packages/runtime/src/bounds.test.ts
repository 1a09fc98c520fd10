import { buildModel, expand, Graph, identity, reduceMean, reshape } from '@cgar/graph';
import { describe, expect, it } from 'vitest';
import { puzzles, randomModel } from './fixtures.test-helper.js';
import { create } from './node.js';

const { cfg, step } = randomModel();
const D = cfg.hidden;
const S = cfg.prefix + 81;
const init = JSON.stringify(new Array(D).fill(0));

/** A step graph with the right names and metadata whose logits are `[B, 10]`, not `[B, 81, 11]`. */
function wrongShapeStep(config: object = cfg, hInit = init): Uint8Array {
  const g = new Graph('bad_step');
  g.input('tokens', 'int64', ['B', 81]);
  const y = g.input('y', 'float32', ['B', S, D]);
  const z = g.input('z', 'float32', ['B', S, D]);
  const q = reduceMean(reshape(y, ['B', -1]), [1]);
  return buildModel(g, {
    outputs: {
      y_next: identity(y),
      z_next: identity(z),
      logits: expand(reshape(q, ['B', 1]), ['B', 10]),
      q_halt: q,
    },
    metadata: {
      'cgar.graph': 'step',
      'cgar.config': JSON.stringify(config),
      'cgar.h_init': hInit,
      'cgar.l_init': init,
    },
  }).bytes;
}

describe('untrusted models are bounded before they cost anything', () => {
  it('refuses a config that declares absurd sizes, naming the field', async () => {
    await expect(create(wrongShapeStep({ ...cfg, hidden: 300_000_000 }))).rejects.toThrow(
      /config field 'hidden' is 300000000/,
    );
    await expect(create(wrongShapeStep({ ...cfg, nSup: 1e9 }))).rejects.toThrow(/'nSup'/);
  });

  it('throws by the one error rule: missing fields a TypeError, sizes out of range a RangeError', async () => {
    await expect(create(wrongShapeStep({ ...cfg, hidden: 300_000_000 }))).rejects.toThrow(RangeError);
    const { nSup: _, ...noNSup } = cfg;
    const missing = create(wrongShapeStep(noNSup));
    await expect(missing).rejects.toThrow(TypeError);
    await expect(missing).rejects.toThrow("create: the model: config field 'nSup' is missing");
    const both = create(wrongShapeStep({ ...noNSup, cells: 4 }));
    await expect(both).rejects.toThrow(RangeError);
    await expect(both).rejects.toThrow(/2 problems:.*'nSup' is missing.*it has 4 cells/s);
    const { cells: __, ...noCells } = cfg;
    await expect(create(wrongShapeStep(noCells))).rejects.toThrow(TypeError);
  });

  it('refuses initial-state metadata longer than the width needs, before parsing it', async () => {
    const long = `[${'0,'.repeat(50 * D)}0]`;
    await expect(create(wrongShapeStep(cfg, long))).rejects.toThrow(/cgar.h_init holds/);
  });

  it('refuses outputs of the wrong shape instead of answering with garbage', async () => {
    const solver = await create(wrongShapeStep());
    await expect(solver.solve(puzzles(2))).rejects.toThrow(
      /output 'logits' has shape \[2, 10\], expected \[2, 81, 11\]/,
    );
  });

  it('caps maxSteps at 4 times the steps the model was trained for', async () => {
    await expect(create(step, { maxSteps: 4 * cfg.nSup + 1 })).rejects.toThrow(RangeError);
    await expect(create(step, { maxSteps: 1e9 })).rejects.toThrow(/trained for 6 steps/);
    await (await create(step, { maxSteps: 4 * cfg.nSup })).release();
  });
});
