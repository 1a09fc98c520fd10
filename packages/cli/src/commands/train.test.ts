import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressBar, threadsFlag } from '../flags.js';
import { main } from '../main.js';
import { newRunFolder } from './train.js';

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
  };
  return main(argv, io).then((code) => ({ code, stdout, stderr }));
}

const dir = mkdtempSync(join(tmpdir(), 'cgar-train-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const built = await run('build-data', 'sudoku', '--out', data, '--train', '12', '--test', '2');
  expect(built.code, built.stderr).toBe(0);
});

const tiny = ['--preset', 'cpu-tiny', '--data', data, '--batch', '2', '--curriculum', 'none'];

describe('cgar train --config', () => {
  it.each([
    ['broken.json', '{"n": 2,', /--config .*broken\.json: not valid JSON/],
    [
      'vocab.json',
      '{"vocab": 5}',
      /--config .*vocab\.json: [\s\S]*vocab is 5; Sudoku tokens need at least 11/,
    ],
    ['cells.json', '{"cells": 82}', /--config .*cells\.json: [\s\S]*cells is 82; a Sudoku grid has 81 cells/],
    [
      'hidden.json',
      '{"hidden": 1e12}',
      /--config .*hidden\.json: [\s\S]*hidden is 1000000000000, expected at most/,
    ],
    ['array.json', '[1, 2]', /--config .*array\.json: expected a JSON object of config fields/],
  ])('%s is refused, naming the file and the field', async (name, text, message) => {
    writeFileSync(join(dir, name), text);
    const r = await run('train', ...tiny, '--config', join(dir, name), '--out', join(dir, `c-${name}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, `c-${name}`))).toBe(false);
  });

  it('a missing file is named', async () => {
    const r = await run('train', ...tiny, '--config', join(dir, 'nope.json'), '--out', join(dir, 'c-nope'));
    expect(r.stderr).toMatch(/--config .*nope\.json: cannot read it/);
  });
});

describe('cgar train run folders', () => {
  it('refuses to start over a run without --resume or --force; --force starts over', async () => {
    const out = join(dir, 'a');
    expect((await run('train', ...tiny, '--steps', '2', '--out', out)).code).toBe(0);
    const again = await run('train', ...tiny, '--steps', '1', '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /already holds a run \(checkpoint\.safetensors and metrics\.jsonl\).*--resume.*--force/,
    );
    const forced = await run('train', ...tiny, '--steps', '1', '--out', out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/finished at step 1/);
  });

  it('--resume checks the folder, the checkpoint and the batch size', async () => {
    const typo = await run('train', ...tiny, '--steps', '2', '--out', join(dir, 'typo'), '--resume');
    expect([typo.code, typo.stderr]).toEqual([2, expect.stringMatching(/typo does not exist/)]);
    const noOut = await run('train', ...tiny, '--steps', '2', '--resume');
    expect(noOut.stderr).toMatch(/--resume needs --out DIR/);
    const out = join(dir, 'b');
    mkdirSync(out);
    const empty = await run('train', ...tiny, '--out', out, '--resume');
    expect(empty.stderr).toMatch(/nothing to resume/);
    expect((await run('train', ...tiny, '--steps', '2', '--out', out)).code).toBe(0);
    const other = await run('train', ...tiny, '--steps', '3', '--out', out, '--resume', '--batch', '3');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/trained with --batch 2, not 3; resume with --batch 2/);
  });

  it('the default --out is a new folder for every run', () => {
    const now = new Date('2026-12-02T10:20:30Z');
    expect(newRunFolder('cpu-tiny', now)).toBe(join('runs', 'cpu-tiny-20261202-102030'));
  });

  it('SIGTERM saves a checkpoint after the current step and exits with 143', async () => {
    const out = join(dir, 'term');
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/cli/src/bin.ts', 'train', ...tiny, '--steps', '5000', '--out', out],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const metrics = join(out, 'metrics.jsonl');
    while (!existsSync(metrics) || readFileSync(metrics, 'utf8').split('\n').length < 3)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(143);
    expect(stdout).toMatch(/stopped at step \d+/);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });
});

describe('flags', () => {
  it('--threads is capped at 4 times the CPUs', () => {
    expect(threadsFlag('8', 2)).toBe(8);
    expect(() => threadsFlag('999', 2)).toThrow(/--threads 999 is more than 4 times this machine's 2 CPUs/);
  });

  it('off a terminal the progress bar writes its first line, one per 5% and the last, not one per step', () => {
    const lines: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => void lines.push(t) };
    for (let i = 1; i <= 1000; i++) progressBar(io, i, 1000, 'x', false);
    expect(lines.length).toBe(21);
    expect(lines.at(-1)).toMatch(/1000\/1000/);
    for (let i = 1; i <= 10; i++) progressBar(io, i, 10, 'y', false);
    expect(lines.length).toBe(31);
  });
});

describe('cgar eval', () => {
  it('refuses a data set whose splits come from two builds, before loading anything', async () => {
    const mixed = join(dir, 'mixed');
    expect((await run('build-data', 'sudoku', '--out', mixed, '--train', '12', '--test', '2')).code).toBe(0);
    const other = join(dir, 'other');
    const built = await run(
      'build-data',
      'sudoku',
      '--out',
      other,
      '--train',
      '12',
      '--test',
      '2',
      '--seed',
      '9',
    );
    expect(built.code, built.stderr).toBe(0);
    // NOTE: what an interrupted rebuild over an old folder leaves: one split from each build.
    rmSync(join(mixed, 'test'), { recursive: true });
    cpSync(join(other, 'test'), join(mixed, 'test'), { recursive: true });
    const r = await run('eval', '--checkpoint', join(dir, 'none.safetensors'), '--data', mixed);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not from one build/);
  });
});
