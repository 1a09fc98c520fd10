import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@cgar/export';
import { describe, expect, it } from 'vitest';
import { countsOf, shardRanges, sumShards } from './shards.js';
import { parseSweep, planSweep, readSweepFile } from './sweep-file.js';

describe('sweep files', () => {
  it('reads YAML and JSON alike, and plans seed-major jobs named by run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgar-sweep-file-'));
    const yaml = join(dir, 'small.yaml');
    writeFileSync(
      yaml,
      'preset: cpu-tiny\nconfigs: [baseline, cgar]\nseeds: 2\nsteps: 40\nout: runs/x\ndata:\n  train: 64\n  test: 16\n',
    );
    const json = join(dir, 'small.json');
    writeFileSync(
      json,
      JSON.stringify({
        preset: 'cpu-tiny',
        configs: ['baseline', 'cgar'],
        seeds: [0, 1],
        steps: 40,
        out: 'runs/x',
        data: { train: 64, test: 16 },
      }),
    );
    const a = readSweepFile(yaml);
    expect(readSweepFile(json)).toEqual(a);
    const jobs = planSweep(a);
    expect(jobs.map((j) => j.id)).toEqual([
      'small.baseline-s0',
      'small.cgar-s0',
      'small.baseline-s1',
      'small.cgar-s1',
    ]);
    expect(jobs[1]!.data).toMatchObject({
      runDir: join('runs/x', 'runs', 'cgar-s0'),
      dataDir: join('runs/x', 'data'),
    });
    // NOTE: key for key the fingerprint bench/cgar-table writes into run.json.
    expect(Object.keys(jobs[0]!.data.spec)).toEqual([
      ...[
        'config',
        'seed',
        'preset',
        'model',
        'steps',
        'batch',
        'lr',
        'warmup',
        'evalEvery',
        'data',
        'ep',
        'threads',
      ],
    ]);
    expect(jobs[0]!.data.spec.model).toEqual(getPreset('cpu-tiny'));
    expect(jobs[0]!.data.spec.warmup).toBe(1);
    expect(jobs[0]!.data.spec.evalEvery).toBe(5);
  });

  it('several data settings get a folder each', () => {
    const s = parseSweep(
      {
        preset: 'cpu-tiny',
        configs: ['cgar'],
        out: 'o',
        data: [
          { name: 'easy', minGivens: 45 },
          { name: 'hard', minGivens: 28, maxGivens: 34 },
        ],
      },
      't',
    );
    expect(planSweep(s).map((j) => [j.id, j.data.runDir])).toEqual([
      ['t.easy.cgar-s0', join('o', 'easy', 'runs', 'cgar-s0')],
      ['t.hard.cgar-s0', join('o', 'hard', 'runs', 'cgar-s0')],
    ]);
  });

  it('reports every mistake at once', () => {
    expect(() =>
      parseSweep(
        {
          preset: 'cpu-huge',
          configs: ['cgar', 'nope'],
          steps: 0,
          lr: -1,
          colour: 'red',
          data: { train: 5, hard: true },
        },
        'bad',
      ),
    ).toThrow(
      /^sweep: 6 problems:\n.*unknown key 'colour'.*preset must be one of.*unknown configuration "nope".*steps must be an integer >= 1, got 0.*data: unknown key 'hard'.*lr must be a positive number/s,
    );
  });

  it('throws by the one error rule: TypeError when every problem is a wrong kind, else RangeError', () => {
    const thrown = (raw: unknown): Error => {
      try {
        parseSweep(raw, 'bad');
      } catch (e) {
        return e as Error;
      }
      throw new Error('parseSweep did not throw');
    };
    const types = thrown({ configs: ['cgar'], steps: '20', lr: 'fast', preset: 5 });
    expect(types).toBeInstanceOf(TypeError);
    expect(types.message).toMatch(/^sweep: 3 problems:.*preset must be one of.*got 5.*steps.*got "20".*lr/s);
    const ranges = thrown({ configs: ['cgar'], steps: 0 });
    expect(ranges).toBeInstanceOf(RangeError);
    expect(ranges.message).toBe('sweep: steps must be an integer >= 1, got 0');
    const mixed = thrown({ configs: ['cgar'], steps: '20', lr: -1 });
    expect(mixed).toBeInstanceOf(RangeError);
    expect(mixed).not.toBeInstanceOf(TypeError);
  });
});

describe('evaluation shards', () => {
  it('start on whole batches and add up to the unsharded figures exactly', () => {
    expect(shardRanges(1000, 300)).toEqual([
      [0, 384],
      [384, 768],
      [768, 1000],
    ]);
    expect(shardRanges(100, 10)).toEqual([[0, 100]]);
    const metrics = (
      count: number,
      exact: number,
      cells: number,
      halt: number,
      adaptive: number,
      steps: number,
    ) => ({
      count,
      exact: exact / count,
      cell: cells / (count * 81),
      haltAcc: halt / count,
      exactAdaptive: adaptive / count,
      meanSteps: steps / count,
      stepHistogram: [count - 1, 1],
      byStep: [] as never,
      auc: null,
      rules: {},
    });
    const total = sumShards([
      countsOf(metrics(3, 1, 200, 2, 1, 5), 81),
      countsOf(metrics(7, 6, 500, 7, 5, 9), 81),
    ]);
    expect(total).toEqual({
      count: 10,
      exact: 7 / 10,
      cell: 700 / 810,
      haltAcc: 9 / 10,
      exactAdaptive: 6 / 10,
      meanSteps: 14 / 10,
      stepHistogram: [8, 2],
    });
  });
});
