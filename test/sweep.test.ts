import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Io, main } from '@cgar/cli';
import {
  connectRedis,
  enqueue,
  findRedisServer,
  formatStatus,
  type JobStatus,
  jobStatus,
  type LocalRedis,
  type PlannedJob,
  parseSweep,
  planSweep,
  type RunSummary,
  startLocalRedis,
  startWorker,
  type TrainOutcome,
  trainRun,
} from '@cgar/sweep';
import { buildSudokuDataset } from '@cgar/tasks/node';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Sweeps on a real redis-server (Debian's `redis-server`, started here on a free 127.0.0.1 port)
 * with `cgar worker` processes, on tiny runs. Without redis-server the tests are skipped with a
 * loud notice, except under CI (`CI=true`), where that is a failure: `.ci/run` installs it.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages', 'cli', 'src', 'bin.ts');

function redisServer(): string | undefined {
  const found = findRedisServer();
  if (found) return found;
  const message =
    'sweep tests: no redis-server found (set REDIS_SERVER or `apt-get install redis-server`); the Redis-backed tests are SKIPPED';
  if (process.env.CI === 'true') throw new Error(`${message.replace('are SKIPPED', 'cannot run')} under CI`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  return undefined;
}

const server = redisServer();

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  stderr(): string;
}

/** `cgar worker` in its own process, from the TypeScript sources (as bench/cgar-table starts it). */
function spawnWorker(url: string, queue: string, ...extra: string[]): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', bin, 'worker', '--redis', url, '--queue', queue, ...extra],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, exited, stderr: () => err };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny sweep: cpu-tiny, a few steps on a few puzzles. */
function tinySweep(name: string, out: string, steps: number, evalEvery: number, seeds: number) {
  return parseSweep(
    {
      name,
      out,
      preset: 'cpu-tiny',
      configs: ['baseline', 'cgar'],
      seeds,
      steps,
      batch: 4,
      warmup: 1,
      evalEvery,
      threads: 1,
      data: { train: 16, test: 8, minGivens: 50, maxGivens: 60 },
    },
    name,
  );
}

/** What must not depend on who trained a run: every figure but the clock. */
function figures(s: RunSummary) {
  const { trainSeconds: _t, ...final } = s.final;
  return { final, exact: s.curve.map((p) => [p.step, p.exact, p.cell, p.exactAdaptive]) };
}

/** Each step's loss, from the run folder's metrics. */
function losses(runDir: string): number[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; loss?: number })
    .filter((r) => r.type === 'step')
    .map((r) => r.loss as number);
}

function records(runDir: string, type: string): number[] {
  if (!existsSync(join(runDir, 'metrics.jsonl'))) return [];
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; step: number })
    .filter((r) => r.type === type)
    .map((r) => r.step);
}

describe('Redis unreachable', () => {
  it('fails at once with the URL named, without reconnecting forever', async () => {
    let err = '';
    const io: Io = {
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
    };
    const started = Date.now();
    const code = await main(['worker', '--redis', 'redis://127.0.0.1:1'], io);
    expect(code).toBe(1);
    expect(err).toContain('cannot reach Redis at redis://127.0.0.1:1');
    expect(err).toContain('--redis');
    // NOTE: not a timing test: a reconnecting client would never return at all.
    expect(Date.now() - started).toBeGreaterThanOrEqual(0);
    await expect(connectRedis('localhost:6379')).rejects.toThrow(/not a Redis URL/);
  });
});

describe.skipIf(!server)('sweeps on a real redis-server', () => {
  let redis: LocalRedis;
  let tmp: string;
  let connection: Awaited<ReturnType<typeof connectRedis>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startLocalRedis(server);
    connection = await connectRedis(redis.url);
    tmp = mkdtempSync(join(tmpdir(), 'cgar-sweep-test-'));
  });

  afterAll(async () => {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    connection?.disconnect();
    await redis?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const start = (queue: string, ...extra: string[]) => {
    const w = spawnWorker(redis.url, queue, ...extra);
    workers.push(w);
    return w;
  };

  let equalJobs: PlannedJob[] = [];

  it('a sweep over 2 worker processes equals the same runs trained in one process', async () => {
    const sweep = tinySweep('eq', join(tmp, 'queue'), 4, 2, 2);
    equalJobs = planSweep(sweep);
    expect(equalJobs.map((j) => j.id)).toEqual([
      'eq.baseline-s0',
      'eq.cgar-s0',
      'eq.baseline-s1',
      'eq.cgar-s1',
    ]);
    const single: TrainOutcome[] = [];
    for (const j of equalJobs) {
      const job = { ...j.data, runDir: j.data.runDir.replace(join(tmp, 'queue'), join(tmp, 'single')) };
      single.push(await trainRun(ort, job, { log: () => {} }));
    }
    expect(await enqueue(connection, 'eq', equalJobs)).toEqual({ added: 4, present: 0, retried: 0 });
    const pair = [start('eq', '--until-empty'), start('eq', '--until-empty')];
    expect(await Promise.all(pair.map((w) => w.exited))).toEqual([0, 0]);
    const status = await jobStatus(
      connection,
      'eq',
      equalJobs.map((j) => j.id),
    );
    expect(status.map((s) => s.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    status.forEach((s, i) => {
      const r = s.result as TrainOutcome;
      expect(r.status).toBe('trained');
      expect(r.runDir).toBe(equalJobs[i]!.data.runDir);
      expect(figures(r.summary!)).toEqual(figures(single[i]!.summary!));
      expect(losses(r.runDir)).toEqual(losses(single[i]!.runDir));
    });
    // NOTE: queueing the sweep again adds nothing: a run is queued under its own id once.
    expect(await enqueue(connection, 'eq', equalJobs)).toEqual({ added: 0, present: 4, retried: 0 });
    expect(formatStatus(status)).toContain('4/4 finished: 4 done, 0 failed');
  });

  it('a finished run is not trained twice: its job, queued again, only reads it back', async () => {
    const j = equalJobs[0]!;
    const before = readFileSync(join(j.data.runDir, 'metrics.jsonl'));
    await enqueue(connection, 'again', [{ id: 'again.baseline-s0', data: j.data }]);
    const w = startWorker(ort, await connectRedis(redis.url, { forWorker: true }), 'again', {
      log: () => {},
    });
    let s: JobStatus[];
    do {
      await sleep(200);
      s = await jobStatus(connection, 'again', ['again.baseline-s0']);
    } while (s[0]!.state !== 'completed' && s[0]!.state !== 'failed');
    await w.stop();
    expect((s[0]!.result as TrainOutcome).status).toBe('skipped');
    expect(readFileSync(join(j.data.runDir, 'metrics.jsonl'))).toEqual(before);
  });

  it('a bad configuration fails once, with its error in sweep status', async () => {
    const j = equalJobs[0]!;
    const bad = { ...j.data, spec: { ...j.data.spec, config: 'nope' as 'baseline' } };
    await enqueue(connection, 'bad', [{ id: 'bad.nope-s0', data: bad }]);
    const w = startWorker(ort, await connectRedis(redis.url, { forWorker: true }), 'bad', { log: () => {} });
    let s: JobStatus[];
    do {
      await sleep(200);
      s = await jobStatus(connection, 'bad', ['bad.nope-s0']);
    } while (s[0]!.state !== 'failed' && s[0]!.state !== 'completed');
    await w.stop();
    expect(s[0]!.state).toBe('failed');
    expect(s[0]!.attempts).toBe(1);
    expect(formatStatus(s)).toContain(
      "FAILED   bad.nope-s0 after 1 attempt: SweepConfigError: run nope-s0: unknown configuration 'nope'",
    );
  });

  it('a worker killed with SIGKILL mid-run loses nothing: the run resumes and every result comes once', async () => {
    const sweep = tinySweep('kill', join(tmp, 'kill'), 24, 4, 1);
    const jobs = planSweep(sweep);
    await enqueue(connection, 'kill', jobs);
    const victim = start('kill', '--lock-seconds', '3');
    // NOTE: kill it once a run has a checkpoint and has gone past it.
    const runDirs = jobs.map((j) => j.data.runDir);
    const pastCheckpoint = () =>
      runDirs.some(
        (d) =>
          existsSync(join(d, 'checkpoint.safetensors')) &&
          records(d, 'step').length >= 6 &&
          !records(d, 'eval').includes(24),
      );
    while (!pastCheckpoint()) {
      expect(victim.child.exitCode).toBeNull();
      await sleep(50);
    }
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    const killedIn = runDirs.find((d) => !records(d, 'eval').includes(24))!;
    const rescue = [
      start('kill', '--lock-seconds', '3', '--until-empty'),
      start('kill', '--lock-seconds', '3', '--until-empty'),
    ];
    expect(await Promise.all(rescue.map((w) => w.exited))).toEqual([0, 0]);
    const status = await jobStatus(
      connection,
      'kill',
      jobs.map((j) => j.id),
    );
    expect(status.map((s) => s.state)).toEqual(['completed', 'completed']);
    for (const s of status) {
      const r = s.result as TrainOutcome;
      expect(r.summary?.final.step).toBe(24);
      // NOTE: each step and each evaluation once: a resumed run drops what came after its checkpoint.
      expect(records(r.runDir, 'step')).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      expect(records(r.runDir, 'eval')).toEqual([4, 8, 12, 16, 20, 24]);
    }
    expect(rescue.map((w) => w.stderr()).join('')).toContain(
      `[${killedIn.endsWith('cgar-s0') ? 'cgar' : 'baseline'} s0] resuming from its checkpoint`,
    );
  });

  it('cgar eval --sweep: shard totals equal one process evaluating every puzzle', async () => {
    const data = join(tmp, 'big');
    buildSudokuDataset({ dir: data, seed: 5, train: 1, test: 200, minGivens: 50, maxGivens: 60 });
    const checkpoint = join(equalJobs[1]!.data.runDir, 'checkpoint.safetensors');
    const run = async (...extra: string[]) => {
      let out = '';
      let err = '';
      const io: Io = {
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          err += t;
        },
      };
      const code = await main(['eval', '--checkpoint', checkpoint, '--data', data, '--json', ...extra], io);
      if (code !== 0) throw new Error(`cgar eval exited ${code}: ${err}`);
      return JSON.parse(out) as Record<string, unknown>;
    };
    const whole = await run();
    const pending = run('--sweep', '--redis', redis.url, '--queue', 'eval', '--shard-size', '128');
    const pair = [start('eval'), start('eval')];
    const sharded = await pending;
    for (const w of pair) w.child.kill('SIGTERM');
    expect(await Promise.all(pair.map((w) => w.exited))).toEqual([143, 143]);
    expect(sharded.count).toBe(200);
    for (const k of ['count', 'exact', 'cell', 'haltAcc', 'exactAdaptive', 'meanSteps', 'stepHistogram'])
      expect([k, sharded[k]]).toEqual([k, whole[k]]);
    const ids = (await connection.keys('bull:eval:eval.*')).filter((k) => /\d+-\d+$/.test(k));
    const shards = await jobStatus(
      connection,
      'eval',
      ids.map((k) => k.replace('bull:eval:', '')),
    );
    expect(shards.map((s) => (s.result as { count: number }).count).sort((a, b) => a - b)).toEqual([72, 128]);
  });
});
