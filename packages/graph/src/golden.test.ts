import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, it } from 'vitest';
import { gradients } from './autodiff.js';
import { type HostTensor, hostTensor } from './dtype.js';
import type { Value } from './graph.js';
import { adamw, buildTrainStep } from './optim.js';
import { TrainStepRunner } from './runner.js';
import { buildModel } from './serialize.js';
import { GraphSession } from './session.js';
import { expectAllClose } from './testing.js';
import { twoBlockModel } from './two-block.js';

// Golden fixtures written by fixtures/make_two_block.py (PyTorch autograd, float64): a model of
// two post-norm blocks (token-mixing SwiGLU, channel SwiGLU, rms norm) with the TRM loss.

interface Json {
  shape: number[];
  data: number[];
}
interface Fixture {
  config: {
    batch: number;
    cells: number;
    hidden: number;
    vocab: number;
    blocks: number;
    rmsEps: number;
    haltWeight: number;
    loss: 'softmax' | 'stablemax';
    adamw: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number };
  };
  params: Record<string, Json>;
  inputs: Record<'tokens' | 'labels' | 'w', Json>;
  expect: Record<string, Json> & { grads: Record<string, Json>; params_after_2: Record<string, Json> };
}

const ref = (j: Json) => ({ dims: j.shape, data: j.data });
const f32 = (j: Json) => hostTensor('float32', j.shape, Float32Array.from(j.data));
const i64 = (j: Json) => hostTensor('int64', j.shape, BigInt64Array.from(j.data.map(BigInt)));

for (const variant of ['softmax', 'stablemax']) {
  const fx = JSON.parse(
    readFileSync(new URL(`../fixtures/two_block_${variant}.json`, import.meta.url), 'utf8'),
  ) as Fixture;
  const feeds = { tokens: i64(fx.inputs.tokens), labels: i64(fx.inputs.labels), w: f32(fx.inputs.w) };
  const close = { rtol: 1e-5, atol: 1e-6 };

  describe(`two-block model vs PyTorch autograd (${variant})`, () => {
    it('forward pass and every gradient match within 1e-5 relative (float32)', async () => {
      const m = twoBlockModel(
        fx.config,
        Object.fromEntries(Object.entries(fx.params).map(([k, j]) => [k, f32(j)])),
      );
      const names = Object.keys(fx.params);
      const grads = gradients(
        m.loss,
        names.map((n) => m.p[n]!),
      );
      const outputs: Record<string, Value> = {
        loss: m.loss,
        logits: m.logits,
        q_halt: m.qHalt,
        lm: m.lm,
        halt: m.halt,
        correct: m.correct,
      };
      names.forEach((n, i) => {
        outputs[`grad/${n}`] = grads[i]!;
      });
      const session = await GraphSession.create(ort, buildModel(m.g, { outputs }));
      const out = await session.run(feeds);
      for (const k of ['loss', 'logits', 'q_halt', 'lm', 'halt', 'correct']) {
        expectAllClose(out[k]!, ref(fx.expect[k]!), { ...close, label: k });
      }
      for (const n of names)
        expectAllClose(out[`grad/${n}`]!, ref(fx.expect.grads[n]!), { ...close, label: `grad ${n}` });
    });

    it('two AdamW steps give the same parameters', async () => {
      const m = twoBlockModel(
        fx.config,
        Object.fromEntries(Object.entries(fx.params).map(([k, j]) => [k, f32(j)])),
      );
      const { lr, ...opts } = fx.config.adamw;
      const model = buildTrainStep(m.g, { loss: m.loss, optimizer: adamw(opts) });
      const runner = await TrainStepRunner.create(ort, model);
      await runner.step(feeds, { lr });
      const second = await runner.step(feeds, { lr });
      expectAllClose(second.loss!, ref(fx.expect.loss_step2!), { ...close, label: 'loss at step 2' });
      for (const [n, j] of Object.entries(fx.expect.params_after_2)) {
        expectAllClose(runner.params.get(n) as HostTensor, ref(j), {
          ...close,
          label: `param ${n} after 2 steps`,
        });
      }
    });
  });
}
