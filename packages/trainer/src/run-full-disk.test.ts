import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@cgar/export';
import { generate } from '@cgar/tasks';
import * as ort from 'onnxruntime-node';
import { afterAll, expect, it, vi } from 'vitest';
import { runTraining } from './run.js';

// NOTE: a full disk, simulated: the third metrics append fails the way write(2) does.
let appends = 0;
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  return {
    ...fs,
    appendFileSync: (...args: Parameters<typeof fs.appendFileSync>) => {
      if (++appends === 3)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
          syscall: 'write',
        });
      return fs.appendFileSync(...args);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'cgar-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a failed metrics append (full disk) names the run folder and what is safe', async () => {
  const config = { ...getPreset('cpu-tiny'), n: 1, T: 1, nSup: 2 };
  const run = runTraining(ort, {
    config,
    train: generate({ seed: 1, count: 8, minGivens: 50, maxGivens: 55 }),
    steps: 5,
    batchSize: 2,
    threads: 1,
    outDir: join(dir, 'run'),
  });
  await expect(run).rejects.toThrow(
    /writing in the run folder .*run failed \(ENOSPC: no space left on device, write\); its checkpoint is the last complete one/,
  );
});
