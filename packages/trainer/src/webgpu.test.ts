import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHaltingGraph, getPreset, type TrmConfig, type TrmParams } from '@cgar/export';
import { GraphSession, type HostTensor, hostTensor } from '@cgar/graph';
import { expectAllClose } from '@cgar/graph/testing';
import { encodePuzzle, generate } from '@cgar/tasks';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type ExecutionProvider, Trainer } from './index.js';
import { SWIFTSHADER_ICD, sessionOptions } from './providers.js';

// NOTE: onnxruntime-node's WebGPU provider over Chromium's SwiftShader Vulkan driver, a software
// GPU: slow (the first run compiles every shader), so the model is as small as a TRM gets.
const hasIcd = existsSync(SWIFTSHADER_ICD);
if (!hasIcd) {
  const message = `WebGPU (node): no SwiftShader Vulkan driver at ${SWIFTSHADER_ICD} (\`apt-get install chromium\`); the WebGPU test is SKIPPED`;
  if (process.env.CI === 'true') throw new Error(`${message.replace('is SKIPPED', 'cannot run')} under CI`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
} else {
  process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'cgar-xdg-'));
}

const config: TrmConfig = {
  ...getPreset('cpu-tiny'),
  hidden: 16,
  interMultiple: 16,
  heads: 1,
  layers: 1,
  n: 2,
  T: 1,
  nSup: 2,
};
const train = generate({ seed: 1, count: 8, minGivens: 50, maxGivens: 55 });
const STEPS = 3;
// NOTE: the tolerances of this test, stated once: float32 kernels that sum in another order.
const LOSS_RTOL = 1e-4;
const PARAM_ATOL = 1e-4;

async function trainOn(ep: ExecutionProvider) {
  const trainer = await Trainer.create(ort, {
    config,
    train,
    steps: STEPS,
    batchSize: 2,
    seed: 3,
    threads: 1,
    ep,
    lr: { lr: 1e-3, warmup: 0 },
    ema: false,
  });
  const losses: number[] = [];
  while (!trainer.done) losses.push((await trainer.step()).loss);
  await trainer.release();
  return { losses, params: trainer.params };
}

async function halting(ep: ExecutionProvider, params: TrmParams): Promise<Record<string, HostTensor>> {
  const session = await GraphSession.create(ort, buildHaltingGraph(config, params), {
    sessionOptions: sessionOptions(ep, 1),
  });
  const puzzles = generate({ seed: 2, count: 2, minGivens: 50, maxGivens: 55 });
  const tokens = BigInt64Array.from(puzzles.flatMap((p) => Array.from(encodePuzzle(p.puzzle), BigInt)));
  const feeds: Record<string, HostTensor> = {};
  for (const sig of session.inputs) {
    if (sig.name === 'tokens') feeds.tokens = hostTensor('int64', [2, config.cells], tokens);
    else if (sig.name === 'max_steps') feeds[sig.name] = hostTensor('int64', [], BigInt64Array.of(2n));
    // NOTE: any other scalar (threshold, rule switches) at 0: the same feeds on both providers.
    else if (sig.dtype === 'int64') feeds[sig.name] = hostTensor('int64', [], BigInt64Array.of(0n));
    else feeds[sig.name] = hostTensor('float32', [], Float32Array.of(0));
  }
  const out = await session.run(feeds);
  await session.release();
  return out;
}

describe.skipIf(!hasIcd)(
  'WebGPU provider (onnxruntime-node over SwiftShader) against the CPU provider',
  () => {
    it(`${STEPS} AdamW steps of a tiny TRM give the same losses (rtol ${LOSS_RTOL}) and parameters (atol ${PARAM_ATOL}), and the halting graph the same answers`, async () => {
      const cpu = await trainOn('cpu');
      const gpu = await trainOn('webgpu');
      let worstLoss = 0;
      cpu.losses.forEach((l, i) => {
        worstLoss = Math.max(worstLoss, Math.abs(gpu.losses[i]! - l) / Math.abs(l));
      });
      let worstParam = 0;
      for (const [name, p] of cpu.params) {
        const q = gpu.params.get(name)!;
        expectAllClose(q, p, { atol: PARAM_ATOL, rtol: 0, label: `param ${name}` });
        for (let i = 0; i < p.data.length; i++)
          worstParam = Math.max(worstParam, Math.abs(q.data[i]! - p.data[i]!));
      }
      console.log(
        `WebGPU vs CPU over ${STEPS} steps: losses ${gpu.losses.join(', ')} vs ${cpu.losses.join(', ')}; ` +
          `largest loss difference ${worstLoss.toExponential(2)} (relative), parameter ${worstParam.toExponential(2)} (absolute)`,
      );
      expect(worstLoss).toBeLessThanOrEqual(LOSS_RTOL);

      const a = await halting('cpu', cpu.params);
      const b = await halting('webgpu', cpu.params);
      expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
      for (const [name, t] of Object.entries(a)) {
        if (t.dtype === 'float32') {
          expectAllClose(b[name]!, t, { atol: 1e-4, rtol: 1e-4, label: `halting ${name}` });
          const diff = Math.max(
            ...Array.from(t.data as Float32Array, (v, i) => Math.abs(v - Number(b[name]!.data[i]))),
          );
          console.log(`WebGPU vs CPU, halting graph: largest difference in ${name} ${diff.toExponential(2)}`);
        } else
          expect(Array.from(b[name]!.data as ArrayLike<unknown>), `halting ${name}`).toEqual(
            Array.from(t.data as ArrayLike<unknown>),
          );
      }
    });
  },
);
