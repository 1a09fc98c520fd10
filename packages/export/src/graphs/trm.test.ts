import { readFileSync } from 'node:fs';
import {
  buildModel,
  Graph,
  GraphSession,
  gradients,
  type HostTensor,
  hostTensor,
  TrainStepRunner,
  type Value,
} from '@cgar/graph';
import { expectAllClose } from '@cgar/graph/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { TrmConfig } from '../config.js';
import type { TrmParams } from '../params.js';
import { decodeSafetensors } from '../safetensors.js';
import { buildStepGraph, buildTrainGraph } from './build.js';
import { createNet, declareParams, embedInput, supervisionStep, trmLoss } from './trm.js';

// Fixtures from fixtures/make_trm_fixtures.py: a PyTorch reference written from the SPEC,
// float64, for tiny configs of both mixers with P=1 and P=16 at depth (n, T) = (2, 2).
const CASES = ['trm_mlp_p1_softmax', 'trm_mlp_p16_stablemax', 'trm_attn_p1_softmax', 'trm_attn_p16_softmax'];

function load(name: string) {
  const { tensors, metadata } = decodeSafetensors(
    new Uint8Array(readFileSync(new URL(`../../fixtures/${name}.safetensors`, import.meta.url))),
  );
  const cfg = JSON.parse(metadata.config!) as TrmConfig;
  const adam = JSON.parse(metadata.adamw!) as {
    lr: number;
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
  };
  const depth = JSON.parse(metadata.depth!) as { n: number; T: number };
  const group = (prefix: string) =>
    new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  return {
    cfg,
    adam,
    depth,
    params: group('param/') as TrmParams,
    input: Object.fromEntries(group('input/')) as Record<string, HostTensor>,
    expect: Object.fromEntries(group('expect/')) as Record<string, HostTensor>,
    grad: group('grad/'),
    after1: group('after1/'),
  };
}

// NOTE: 12 block applications in float32 against a float64 reference: errors of order 1e-5 on O(1) values.
const tol = { rtol: 1e-4, atol: 1e-4 };

for (const name of CASES) {
  describe(`TRM vs the PyTorch reference: ${name}`, () => {
    const fx = load(name);
    const { tokens, y, z, labels, w } = fx.input;

    it('one supervision step (step graph, parameters embedded): y, z, logits, q_halt within 1e-4', async () => {
      const session = await GraphSession.create(ort, buildStepGraph(fx.cfg, fx.params, { depth: fx.depth }));
      const out = await session.run({ tokens: tokens!, y: y!, z: z! });
      for (const k of ['y', 'z', 'logits', 'q_halt'])
        expectAllClose(out[k === 'y' || k === 'z' ? `${k}_next` : k]!, fx.expect[k]!, { ...tol, label: k });
    });

    it('the loss and the gradient of every trained parameter (last cycle only)', async () => {
      const g = new Graph('check');
      const p = declareParams(g, fx.params);
      const tok = g.input('tokens', 'int64', ['B', fx.cfg.cells]);
      const x = embedInput(fx.cfg, p, tok);
      const S = fx.cfg.prefix + fx.cfg.cells;
      const carry = {
        y: g.input('y', 'float32', ['B', S, fx.cfg.hidden]),
        z: g.input('z', 'float32', ['B', S, fx.cfg.hidden]),
      };
      const out = supervisionStep(fx.cfg, p, createNet(fx.cfg, p), x, carry, fx.depth);
      const l = trmLoss(
        fx.cfg,
        out.logits,
        out.qHalt,
        g.input('labels', 'int64', ['B', fx.cfg.cells]),
        g.input('w', 'float32', ['B']),
      );
      const names = [...fx.grad.keys()];
      const grads = gradients(
        l.loss,
        names.map((n) => p[n]!),
      );
      const outputs: Record<string, Value> = { loss: l.loss, lm: l.lm, correct: l.correct };
      names.forEach((n, i) => {
        outputs[`grad/${n}`] = grads[i]!;
      });
      const session = await GraphSession.create(ort, buildModel(g, { outputs }));
      const res = await session.run({ tokens: tokens!, y: y!, z: z!, labels: labels!, w: w! });
      for (const k of ['loss', 'lm', 'correct']) expectAllClose(res[k]!, fx.expect[k]!, { ...tol, label: k });
      for (const n of names)
        expectAllClose(res[`grad/${n}`]!, fx.grad.get(n)!, { ...tol, label: `grad ${n}` });
    });

    it('the train graph: loss, new carry and parameters after one AdamW step', async () => {
      const { lr, ...adam } = fx.adam;
      const model = buildTrainGraph(fx.cfg, fx.params, { depth: fx.depth, optimizer: adam });
      expect(model.inputs.map((s) => s.name)).toEqual(
        expect.arrayContaining(['tokens', 'labels', 'y', 'z', 'w', 'lr', 'step']),
      );
      const runner = await TrainStepRunner.create(ort, model, fx.params);
      const m = await runner.step({ tokens: tokens!, labels: labels!, y: y!, z: z!, w: w! }, { lr });
      expectAllClose(m.loss!, fx.expect.loss!, { ...tol, label: 'loss' });
      expectAllClose(m.y_next!, fx.expect.y!, { ...tol, label: 'y' });
      for (const [n, t] of fx.after1)
        expectAllClose(runner.params.get(n)!, t, { ...tol, label: `after one step: ${n}` });
      // H_init and L_init are not trained: the train graph does not even take them.
      expect(model.paramOutputs.has('inner.H_init')).toBe(false);
    });
  });
}

describe('step graph input checks', () => {
  it('rejects tokens of the wrong length by name', async () => {
    const fx = load('trm_mlp_p1_softmax');
    const session = await GraphSession.create(ort, buildStepGraph(fx.cfg, fx.params, { depth: fx.depth }));
    const bad = hostTensor('int64', [2, 80], new BigInt64Array(160));
    await expect(session.run({ tokens: bad, y: fx.input.y!, z: fx.input.z! })).rejects.toThrow(
      /feed 'tokens' has shape \[2, 80\], expected \[B, 81\]/,
    );
  });
});
