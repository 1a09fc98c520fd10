import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EvalCounts, EvalShardJob } from './shards.js';
import type { TrainJob, TrainOutcome } from './train-run.js';

/** The queue every command uses unless told otherwise (`--queue`). */
export const DEFAULT_QUEUE = 'cgar';

/** What a worker does with a job. */
export type SweepJobData = TrainJob | EvalShardJob;
/** What it writes back: a training run's outcome (with its figures), or a shard's counts. */
export type SweepJobResult = TrainOutcome | (EvalCounts & { readonly host?: string });

/**
 * How jobs are added: a job that throws is tried 3 times in all, 5 s then 10 s apart (a job that
 * cannot succeed, such as a bad configuration, fails at once); finished and failed jobs stay
 * in Redis, so their results and errors can be read back.
 */
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: false,
  removeOnFail: false,
} as const;

/**
 * Adds jobs under their own ids (the run's id), so adding a sweep twice queues each run once; a
 * failed job is retried instead. Resolves to how many were added, already there, and retried.
 *
 * @example
 * await enqueue(connection, 'cgar', planSweep(sweep));
 */
export async function enqueue(
  connection: Redis,
  queueName: string,
  jobs: readonly { id: string; data: SweepJobData }[],
): Promise<{ added: number; present: number; retried: number }> {
  const queue = new Queue<SweepJobData, SweepJobResult>(queueName, { connection });
  try {
    let added = 0;
    let present = 0;
    let retried = 0;
    for (const j of jobs) {
      const old = await queue.getJob(j.id);
      if (old) {
        if ((await old.getState()) === 'failed') {
          await old.retry('failed');
          retried++;
        } else present++;
        continue;
      }
      await queue.add(j.data.kind, j.data, { ...JOB_OPTIONS, jobId: j.id });
      added++;
    }
    return { added, present, retried };
  } finally {
    await queue.close();
  }
}

/**
 * Whether no job of the queue is waiting, delayed or running (finished and failed ones do not count).
 *
 * @example
 * if (await queueIsEmpty(connection, 'cgar')) process.exit(0);
 */
export async function queueIsEmpty(connection: Redis, queueName: string): Promise<boolean> {
  const queue = new Queue(queueName, { connection });
  try {
    const c = await queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'paused',
      'waiting-children',
    );
    return Object.values(c).every((n) => n === 0);
  } finally {
    await queue.close();
  }
}

/** Where one job stands. */
export interface JobStatus {
  readonly id: string;
  readonly state: 'waiting' | 'active' | 'completed' | 'failed' | 'delayed' | 'missing';
  readonly attempts: number;
  /** Worker-reported progress, `{ step, total }` for training. */
  readonly progress?: unknown;
  readonly failedReason?: string;
  readonly result?: SweepJobResult;
}

/**
 * The state of each job of `ids` (in that order), with results of finished jobs and errors of
 * failed ones.
 *
 * @example
 * const jobs = await jobStatus(connection, 'cgar', planSweep(sweep).map((j) => j.id));
 */
export async function jobStatus(
  connection: Redis,
  queueName: string,
  ids: readonly string[],
): Promise<JobStatus[]> {
  const queue = new Queue<SweepJobData, SweepJobResult>(queueName, { connection });
  try {
    return await Promise.all(
      ids.map(async (id): Promise<JobStatus> => {
        const job: Job<SweepJobData, SweepJobResult> | undefined = await queue.getJob(id);
        if (!job) return { id, state: 'missing', attempts: 0 };
        const raw = await job.getState();
        const state: JobStatus['state'] =
          raw === 'completed' || raw === 'failed' || raw === 'active' || raw === 'delayed' ? raw : 'waiting';
        return {
          id,
          state,
          attempts: job.attemptsMade,
          progress: job.progress,
          ...(job.failedReason ? { failedReason: job.failedReason } : {}),
          ...(state === 'completed' ? { result: job.returnvalue } : {}),
        };
      }),
    );
  } finally {
    await queue.close();
  }
}

/**
 * Resolves once every job of `ids` has completed or failed, polling every `everyMs`; `onChange`
 * hears each new finished job.
 *
 * @example
 * const done = await waitForJobs(connection, 'cgar', ids);
 */
export async function waitForJobs(
  connection: Redis,
  queueName: string,
  ids: readonly string[],
  options: { everyMs?: number; signal?: AbortSignal; onChange?: (s: JobStatus) => void } = {},
): Promise<JobStatus[]> {
  const seen = new Set<string>();
  for (;;) {
    const all = await jobStatus(connection, queueName, ids);
    for (const s of all)
      if ((s.state === 'completed' || s.state === 'failed') && !seen.has(s.id)) {
        seen.add(s.id);
        options.onChange?.(s);
      }
    if (all.every((s) => s.state === 'completed' || s.state === 'failed') || options.signal?.aborted)
      return all;
    await new Promise((r) => setTimeout(r, options.everyMs ?? 1000));
  }
}

/**
 * A progress bar and one line per running or failed job, as `cgar sweep status` prints it.
 *
 * @example
 * process.stdout.write(formatStatus(await jobStatus(connection, 'cgar', ids)));
 */
export function formatStatus(jobs: readonly JobStatus[], width = 30): string {
  const count = (state: JobStatus['state']) => jobs.filter((j) => j.state === state).length;
  const done = count('completed');
  const failed = count('failed');
  const filled = jobs.length ? Math.round((width * (done + failed)) / jobs.length) : width;
  const lines = [
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done + failed}/${jobs.length} finished: ` +
      `${done} done, ${failed} failed, ${count('active')} running, ${count('waiting') + count('delayed')} waiting` +
      (count('missing') ? `, ${count('missing')} not queued` : ''),
  ];
  for (const j of jobs) {
    if (j.state === 'active') {
      const p = j.progress as { step?: number; total?: number } | undefined;
      lines.push(`  running  ${j.id}${p?.step !== undefined ? ` step ${p.step}/${p.total}` : ''}`);
    } else if (j.state === 'failed') {
      lines.push(
        `  FAILED   ${j.id} after ${j.attempts} attempt${j.attempts === 1 ? '' : 's'}: ${j.failedReason}`,
      );
    } else if (j.state === 'completed') {
      const r = j.result as Partial<TrainOutcome> | undefined;
      if (r?.status === 'diverged') lines.push(`  diverged ${j.id}: ${r.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
