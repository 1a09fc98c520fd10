import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@cgar/cli';
import { describe, expect, it } from 'vitest';

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

describe('cgar build-data, train, eval, export, report, solve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgar-cli-'));
  const data = join(dir, 'data');
  const out = join(dir, 'run');

  it('runs the whole pipeline on a tiny model', async () => {
    const built = await run(
      'build-data',
      'sudoku',
      '--out',
      data,
      '--train',
      '40',
      '--test',
      '8',
      '--min-givens',
      '50',
      '--max-givens',
      '55',
    );
    expect(built.code, built.stderr).toBe(0);
    const cfg = join(dir, 'small.json');
    writeFileSync(cfg, JSON.stringify({ n: 2, T: 2, nSup: 3 }));
    const trained = await run(
      'train',
      '--preset',
      'cpu-tiny',
      '--config',
      cfg,
      '--data',
      data,
      '--steps',
      '6',
      '--batch',
      '4',
      '--out',
      out,
      '--eval-every',
      '3',
      '--curriculum',
      'none',
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/finished at step 6/);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'step')).toHaveLength(6);
    expect(lines.filter((l) => l.type === 'eval').length).toBeGreaterThanOrEqual(2);

    // NOTE: extending a finished run; without a curriculum the run length may change.
    const resumed = await run(
      'train',
      '--preset',
      'cpu-tiny',
      '--config',
      cfg,
      '--data',
      data,
      '--steps',
      '8',
      '--batch',
      '4',
      '--out',
      out,
      '--resume',
      '--curriculum',
      'none',
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/finished at step 8/);

    const evaluated = await run(
      'eval',
      '--checkpoint',
      join(out, 'checkpoint.safetensors'),
      '--data',
      data,
      '--json',
    );
    expect(JSON.parse(evaluated.stdout).count).toBe(8);
    expect(JSON.parse(evaluated.stdout)).not.toHaveProperty('calibration');
    const ckpt = join(out, 'checkpoint.safetensors');
    const calibrated = await run('eval', '--checkpoint', ckpt, '--data', data, '--calibrate', '--json');
    const m = JSON.parse(calibrated.stdout);
    expect(m.calibration.maxLoss).toBe(0.005);
    expect(m.calibration.exact).toBeGreaterThanOrEqual(m.exact - 0.005);
    expect(m.calibration.meanSteps).toBeLessThanOrEqual(16);
    expect(Number.isFinite(m.calibration.threshold)).toBe(true);
    const text = await run('eval', '--checkpoint', ckpt, '--data', data, '--calibrate', '--max-loss', '100');
    // giving up every point allows halting every puzzle at step 1
    expect(text.stdout).toMatch(
      /calibrated \(at most 100 points lost\): q_halt > \S+ {2}exact \S+% {2}mean steps 1\.00/,
    );
    expect(text.stdout).toMatch(/use it with: cgar solve --threshold \S+/);
    const misuse = await run('eval', '--checkpoint', ckpt, '--data', data, '--max-loss', '1');
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toMatch(/--max-loss only applies with --calibrate/);
    const model = join(dir, 'model.onnx');
    expect(
      (await run('export', '--checkpoint', join(out, 'checkpoint.safetensors'), '--out', model)).code,
    ).toBe(0);
    expect(existsSync(model)).toBe(true);
    expect((await run('report', out)).code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<svg/);
    expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('bad input: one clear error, a non-zero exit, nothing partial written', async () => {
    const unknown = await run('train', '--preset', 'cpu-tinny', '--data', data);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown preset 'cpu-tinny' \(did you mean 'cpu-tiny'\?\)/);

    const missing = await run(
      'train',
      '--preset',
      'cpu-tiny',
      '--data',
      join(dir, 'nowhere'),
      '--out',
      join(dir, 'r2'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nowhere/);
    expect(existsSync(join(dir, 'r2'))).toBe(false);

    const broken = join(dir, 'broken');
    await run(
      'build-data',
      'sudoku',
      '--out',
      broken,
      '--train',
      '10',
      '--test',
      '2',
      '--min-givens',
      '50',
      '--max-givens',
      '55',
    );
    truncateSync(join(broken, 'train', 'puzzles.bin'), 100);
    const corrupted = await run('train', '--preset', 'cpu-tiny', '--data', broken, '--out', join(dir, 'r3'));
    expect(corrupted.code).toBe(1);
    expect(corrupted.stderr).toMatch(/cgar build-data/);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ hidden: -1, loss: 'hinge', hiden: 3 }));
    const several = await run(
      'train',
      '--preset',
      'cpu-tiny',
      '--config',
      bad,
      '--data',
      data,
      '--out',
      join(dir, 'r4'),
    );
    expect(several.code).toBe(1);
    expect(several.stderr).toMatch(/3 problem/);
    for (const field of [/hidden is -1/, /loss is 'hinge'/, /hiden/]) expect(several.stderr).toMatch(field);

    const other = await run(
      'train',
      '--preset',
      'cpu-small',
      '--data',
      data,
      '--out',
      out,
      '--resume',
      '--steps',
      '9',
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/hidden: 64 vs 32|hidden: 32 vs 64/);
  });
});

describe('cgar train and Ctrl-C', () => {
  it('SIGINT saves a checkpoint after the current step and exits with 130', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'cgar-sigint-'));
    const data = join(dir, 'data');
    await run(
      'build-data',
      'sudoku',
      '--out',
      data,
      '--train',
      '20',
      '--test',
      '4',
      '--min-givens',
      '50',
      '--max-givens',
      '55',
    );
    const out = join(dir, 'run');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'packages/cli/src/bin.ts',
        'train',
        '--preset',
        'cpu-tiny',
        '--data',
        data,
        '--steps',
        '5000',
        '--batch',
        '2',
        '--out',
        out,
        '--curriculum',
        'none',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const metrics = join(out, 'metrics.jsonl');
    while (!existsSync(metrics) || readFileSync(metrics, 'utf8').split('\n').length < 3) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(stdout).toMatch(/stopped at step \d+/);
    const step = Number(/stopped at step (\d+)/.exec(stdout)![1]);
    expect(step).toBeGreaterThanOrEqual(2);
    const resumed = await run(
      'train',
      '--preset',
      'cpu-tiny',
      '--data',
      data,
      '--steps',
      String(step + 2),
      '--batch',
      '2',
      '--out',
      out,
      '--curriculum',
      'none',
      '--resume',
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`finished at step ${step + 2}`));
  });
});
