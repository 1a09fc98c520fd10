import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, initParams } from '@cgar/export';
import { saveCheckpoint } from '@cgar/export/node';
import { generate } from '@cgar/tasks';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunOptions, runTraining } from './run.js';
import {
  checkResumable,
  checkRunFolder,
  LOCK_FILE,
  lockRunFolder,
  readJsonLines,
  removeStaleTemps,
} from './run-folder.js';

const root = mkdtempSync(join(tmpdir(), 'cgar-run-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => mkdtempSync(join(root, `r${n++}-`));

const config = { ...getPreset('cpu-tiny'), n: 1, T: 1, nSup: 2 };
const options = (outDir: string, steps = 2): RunOptions => ({
  config,
  train: generate({ seed: 1, count: 8, minGivens: 50, maxGivens: 55 }),
  test: generate({ seed: 2, count: 2, minGivens: 50, maxGivens: 55 }),
  steps,
  batchSize: 2,
  threads: 1,
  outDir,
  onWarning: () => {},
});

describe('lockRunFolder', () => {
  it('a second lock on the same folder fails at once, naming the pid that holds it', () => {
    const dir = fresh();
    const unlock = lockRunFolder(dir);
    expect(() => lockRunFolder(dir)).toThrow(new RegExp(`in use by this process \\(pid ${process.pid}\\)`));
    unlock();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("another live process's lock is refused with its pid; a dead process's lock is taken over", async () => {
    const dir = fresh();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1e9)']);
    const info = (pid: number) => JSON.stringify({ pid, host: hostname(), since: 'x' });
    writeFileSync(join(dir, LOCK_FILE), info(child.pid!));
    expect(() => lockRunFolder(dir)).toThrow(new RegExp(`in use by another run \\(pid ${child.pid} `));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const unlock = lockRunFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    unlock();
  });

  it('runTraining refuses a folder locked by a live run', async () => {
    const dir = fresh();
    const unlock = lockRunFolder(dir);
    await expect(runTraining(ort, options(dir))).rejects.toThrow(/already in use/);
    unlock();
  });
});

describe('checkRunFolder', () => {
  it('refuses to start over an existing run without --resume or --force', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'metrics.jsonl'), '{"type":"step","step":1}\n');
    expect(() => checkRunFolder(dir, {})).toThrow(/already holds a run \(metrics.jsonl\).*--resume.*--force/);
    expect(() => checkRunFolder(dir, { force: true })).not.toThrow();
  });

  it('--resume needs the folder and its checkpoint', () => {
    expect(() => checkRunFolder(join(root, 'typo'), { resume: true })).toThrow(/typo does not exist/);
    expect(() => checkRunFolder(fresh(), { resume: true })).toThrow(/nothing to resume/);
  });
});

describe('checkResumable', () => {
  it('rejects a checkpoint without trainer state, and one of another batch size', async () => {
    const dir = fresh();
    const bare = join(dir, 'bare.safetensors');
    await saveCheckpoint(bare, { config, step: 3, params: initParams(config, 0) });
    expect(() => checkResumable(bare, 2)).toThrow(/no trainer state \(cgar.state\)/);
    await runTraining(ort, options(dir));
    const ckpt = join(dir, 'checkpoint.safetensors');
    expect(() => checkResumable(ckpt, 2)).not.toThrow();
    expect(() => checkResumable(ckpt, 1)).toThrow(/--batch 2, not 1; resume with --batch 2/);
    expect(() => checkResumable(ckpt, 4)).toThrow(/--batch 2, not 4/);
  });
});

describe('metrics and temporary files', () => {
  it('a torn last metrics line is dropped with a warning; a torn middle line names file and line', () => {
    const dir = fresh();
    const path = join(dir, 'm.jsonl');
    writeFileSync(path, '{"step":1}\n{"step":2}\n{"step":3,"lo');
    const warnings: string[] = [];
    expect(readJsonLines(path, (w) => warnings.push(w))).toEqual([{ step: 1 }, { step: 2 }]);
    expect(warnings[0]).toMatch(/m\.jsonl:3: dropped a torn last line/);
    writeFileSync(path, '{"step":1}\n{"st\n{"step":3}\n');
    expect(() => readJsonLines(path)).toThrow(/m\.jsonl:2: not a JSON line/);
  });

  it('resume after a torn metrics line continues with a warning, and a finished run gets no second eval', async () => {
    const dir = fresh();
    await runTraining(ort, options(dir));
    appendFileSync(join(dir, 'metrics.jsonl'), '{"type":"step","time":1.5,"lo');
    const warnings: string[] = [];
    const again = await runTraining(ort, {
      ...options(dir),
      resume: true,
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings.join()).toMatch(/metrics\.jsonl:\d+: dropped a torn last line/);
    await runTraining(ort, { ...options(dir), resume: true });
    const records = readJsonLines<{ type: string }>(join(dir, 'metrics.jsonl'));
    expect(records.filter((r) => r.type === 'eval')).toHaveLength(1);
    expect(again.lastEval?.exact).toBeTypeOf('number');
  });

  it('a run folder that cannot be made is named in the error', async () => {
    const file = join(fresh(), 'a-file');
    writeFileSync(file, '');
    await expect(runTraining(ort, options(join(file, 'run')))).rejects.toThrow(
      /cannot create the run folder .*a-file\/run: ENOTDIR/,
    );
  });

  it('temporary files left by a killed writer are removed when a run takes the folder', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'checkpoint.safetensors.tmp-999999-abcdef'), 'partial');
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    expect(removeStaleTemps(dir)).toEqual([join(dir, 'checkpoint.safetensors.tmp-999999-abcdef')]);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  });
});
