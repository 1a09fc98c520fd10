import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCurriculum, deriveStages, stagedSchedule } from '@cgar/curriculum';
import { getPreset } from '@cgar/export';
import { createWeighting } from '@cgar/supervision';
import { generate } from '@cgar/tasks';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { TrainerOptions } from './options.js';
import { NonFiniteLossError, Trainer } from './trainer.js';

const config = { ...getPreset('cpu-tiny'), n: 2, T: 2, nSup: 4 };
const train = generate({ seed: 1, count: 64, minGivens: 50, maxGivens: 55 });
const test = generate({ seed: 2, count: 24, minGivens: 50, maxGivens: 55 });
const base = (steps: number): TrainerOptions => ({
  config,
  train,
  steps,
  batchSize: 8,
  seed: 3,
  threads: 1,
  lr: { lr: 3e-3, warmup: 2 },
  plugins: [
    createCurriculum(stagedSchedule(deriveStages({ n: 2, T: 2 })), { totalSteps: steps }),
    createWeighting({ nSup: config.nSup }),
  ],
});

describe('Trainer', () => {
  it('a tiny model learns: the loss falls by half and held-out cell accuracy passes 0.8 (chance 1/9)', async () => {
    const trainer = await Trainer.create(ort, { ...base(400), batchSize: 16, plugins: [] });
    const before = await trainer.evaluate(test, { raw: true });
    const losses: number[] = [];
    while (!trainer.done) losses.push((await trainer.step()).loss);
    const after = await trainer.evaluate(test, { raw: true });
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-20))).toBeLessThan(0.5 * mean(losses.slice(0, 20)));
    expect(after.cell).toBeGreaterThan(0.8);
    expect(after.cell).toBeGreaterThan(before.cell + 0.1);
    expect(after.meanSteps).toBeLessThanOrEqual(config.nSup);
  });

  it('a resumed run continues exactly as an uninterrupted one (losses step by step)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgar-resume-'));
    const straight = await Trainer.create(ort, base(10));
    const expected: number[] = [];
    while (!straight.done) expected.push((await straight.step()).loss);

    const first = await Trainer.create(ort, base(10));
    const got: number[] = [];
    for (let i = 0; i < 5; i++) got.push((await first.step()).loss);
    await first.save(join(dir, 'ckpt.safetensors'));
    const resumed = await Trainer.resume(ort, join(dir, 'ckpt.safetensors'), base(10));
    expect(resumed.stepCount).toBe(5);
    while (!resumed.done) got.push((await resumed.step()).loss);
    expect(got).toEqual(expected);
  });

  it('stops on a non-finite loss without applying the update', async () => {
    const poison = {
      name: 'poison',
      onStepStart: (ctx: { weights?: Float32Array }) => {
        ctx.weights = new Float32Array(8).fill(Number.NaN);
      },
    };
    const trainer = await Trainer.create(ort, { ...base(3), plugins: [poison] });
    const before = Float32Array.from(trainer.params.get('inner.lm_head.weight')!.data);
    await expect(trainer.step()).rejects.toThrow(NonFiniteLossError);
    expect(Array.from(trainer.params.get('inner.lm_head.weight')!.data)).toEqual(Array.from(before));
  });

  it('a missing execution provider fails with advice', async () => {
    await expect(Trainer.create(ort, { ...base(2), ep: 'cuda' })).rejects.toThrow(
      /'cuda' is not available.*ONNXRUNTIME_NODE_INSTALL=cuda12/,
    );
  });

  it('reports every bad option at once', async () => {
    await expect(
      Trainer.create(ort, { ...base(1), plugins: [], steps: 0, batchSize: -1, explore: 2 }),
    ).rejects.toThrow(
      /'steps' must be a positive integer.*'batchSize' must be a positive integer.*'explore' must be in \[0, 1\]/s,
    );
  });
});
