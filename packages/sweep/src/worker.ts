import { hostname } from 'node:os';
import type { OrtModule } from '@cgar/graph';
import { RunFolderError } from '@cgar/trainer';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SweepJobData, SweepJobResult } from './queue.js';
import { evalShard } from './shards.js';
import { trainRun } from './train-run.js';

export interface WorkerOptions {
  /** Jobs run at once by this worker (1: one training run per process, as the trainer expects). */
  readonly concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (ms, default 30 s): a worker that dies (SIGKILL,
   * a lost machine) gives its job back after about this long, and another worker resumes it.
   */
  readonly lockDuration?: number;
  /** Lines of progress and evaluation (default: stderr). */
  readonly log?: (line: string) => void;
}

/** A running worker; `stop()` checkpoints the runs in progress, gives their jobs back and closes. */
export interface SweepWorker {
  readonly worker: Worker<SweepJobData, SweepJobResult>;
  stop(): Promise<void>;
}

/**
 * Pulls jobs from `queueName` and trains (`trainRun`) or evaluates shards (`evalShard`), writing
 * each result back. A run found finished is not trained again; one stopped by `stop()` resumes
 * from its checkpoint on whichever worker takes it next; a job whose settings are invalid fails at
 * once (UnrecoverableError), anything else is retried (`JOB_OPTIONS`).
 *
 * @example
 * const w = startWorker(ort, await connectRedis('redis://10.0.0.5:6379', { forWorker: true }), 'cgar');
 * process.on('SIGTERM', () => w.stop());
 */
export function startWorker(
  ort: OrtModule,
  connection: Redis,
  queueName: string,
  options: WorkerOptions = {},
): SweepWorker {
  const log = options.log ?? ((line: string) => console.error(line));
  const controller = new AbortController();
  const host = hostname();
  const active = new Set<Promise<unknown>>();
  const processor = (job: Job<SweepJobData, SweepJobResult>, token?: string): Promise<SweepJobResult> => {
    const p = run(job, token);
    active.add(p);
    p.then(
      () => active.delete(p),
      () => active.delete(p),
    );
    return p;
  };
  const run = async (job: Job<SweepJobData, SweepJobResult>, token?: string): Promise<SweepJobResult> => {
    try {
      if (job.data.kind === 'eval-shard') return { ...(await evalShard(ort, job.data)), host };
      if (job.data.kind !== 'train')
        throw new TypeError(`unknown job kind ${JSON.stringify((job.data as { kind?: unknown }).kind)}`);
      let reported = 0;
      const outcome = await trainRun(ort, job.data, {
        signal: controller.signal,
        log,
        onProgress: (step, total) => {
          if (step === total || Date.now() - reported > 2000) {
            reported = Date.now();
            job.updateProgress({ step, total }).catch(() => {});
          }
        },
      });
      if (outcome.status === 'interrupted') {
        // NOTE: back to the wait list without using an attempt: the run resumes from its checkpoint.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      return { ...outcome, host };
    } catch (e) {
      if (e instanceof WaitingError || e instanceof UnrecoverableError) throw e;
      // NOTE: a folder in use (another worker still holds it) or a full disk can pass; a wrong
      // setting cannot, so it fails once instead of three times.
      if ((e instanceof RangeError || e instanceof TypeError) && !(e instanceof RunFolderError))
        throw new UnrecoverableError(`${e.name}: ${e.message}`);
      throw e;
    }
  };
  const lockDuration = options.lockDuration ?? 30_000;
  const worker = new Worker<SweepJobData, SweepJobResult>(queueName, processor, {
    connection,
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: 3,
  });
  worker.on('failed', (job, err) => log(`job ${job?.id} failed: ${err.message}`));
  worker.on('error', (err) => log(`worker: ${err.message}`));
  return {
    worker,
    async stop() {
      controller.abort();
      // NOTE: the runs in progress checkpoint first; then closing needs Redis, which may be gone
      // (a stopped server): after 10 s the worker drops its connections instead of waiting forever.
      await Promise.allSettled([...active]);
      const closed = await Promise.race([
        worker.close().then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000).unref()),
      ]);
      if (!closed) {
        log('worker: Redis did not answer while closing; disconnecting');
        await worker.disconnect();
      }
    },
  };
}
