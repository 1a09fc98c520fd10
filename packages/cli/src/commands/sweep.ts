import { hostname } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@cgar/export';
import {
  connectRedis,
  DEFAULT_QUEUE,
  enqueue,
  formatStatus,
  jobStatus,
  planSweep,
  type RunSummary,
  readSweepFile,
  type Sweep,
  settingDir,
  type TrainOutcome,
  writeTableFiles,
} from '@cgar/sweep';
import { defineCommand, UsageError } from '../command.js';
import { numberFlag } from '../flags.js';

const ACTIONS = ['status', 'table'] as const;
type Redis = Awaited<ReturnType<typeof connectRedis>>;

export const sweep = defineCommand({
  summary: 'Queue a sweep (configurations x seeds x data) on Redis, show its progress, build its table',
  usage: 'sweep [status|table] FILE --redis URL [--queue NAME] [--out DIR] [--watch S]',
  description:
    'cgar sweep FILE queues every run of the sweep file (JSON, or YAML as .yaml/.yml) on a BullMQ\n' +
    "queue; workers ('cgar worker --redis URL' on any machine that reaches the Redis) train them.\n" +
    'A run is queued under its own id, so queueing the file again adds only what is missing and\n' +
    'retries failed runs. cgar sweep status FILE shows a progress bar, the running runs and the\n' +
    'errors of failed ones (--watch S redraws every S seconds until all are finished). cgar sweep\n' +
    'table FILE writes table.md, report.html, accuracy.svg and results.json (as bench/cgar-table\n' +
    "does) from the results the workers stored, into --out (default the sweep's out folder; one\n" +
    'folder per data setting when there are several). See the README for the file format.',
  positionals: true,
  options: {
    redis: { type: 'string', valueName: 'URL', description: 'Redis server, e.g. redis://10.0.0.5:6379' },
    queue: { type: 'string', valueName: 'NAME', description: `queue (default ${DEFAULT_QUEUE})` },
    out: {
      type: 'string',
      short: 'o',
      valueName: 'DIR',
      description: 'table: where to write the table files',
    },
    watch: { type: 'string', valueName: 'S', description: 'status: redraw every S seconds until finished' },
  },
  async run({ values, positionals, io }) {
    const [first, second, ...rest] = positionals;
    const action = (ACTIONS as readonly string[]).includes(first ?? '')
      ? (first as (typeof ACTIONS)[number])
      : 'add';
    const file = action === 'add' ? first : second;
    if (!file) throw new UsageError('sweep needs a sweep file: cgar sweep [status|table] FILE --redis URL');
    if ((action === 'add' ? second : rest[0]) !== undefined)
      throw new UsageError(`unexpected argument '${action === 'add' ? second : rest[0]}'`);
    if (!values.redis) throw new UsageError('--redis URL is required, e.g. --redis redis://127.0.0.1:6379');
    if (values.out !== undefined && action !== 'table')
      throw new UsageError('--out only applies to sweep table');
    const watch = numberFlag('watch', values.watch, false);
    if (watch !== undefined && (action !== 'status' || !(watch > 0)))
      throw new UsageError('--watch takes a positive number of seconds, with sweep status');
    const s = readSweepFile(file);
    const queueName = values.queue ?? DEFAULT_QUEUE;
    const connection = await connectRedis(values.redis);
    try {
      const jobs = planSweep(s);
      const ids = jobs.map((j) => j.id);
      if (action === 'add') {
        const r = await enqueue(connection, queueName, jobs);
        io.stdout(
          `sweep ${s.name}: ${jobs.length} runs (${s.configs.length} configurations x ${s.seeds.length} seeds x ${s.data.length} data setting${s.data.length === 1 ? '' : 's'}); ` +
            `queued ${r.added}, already queued ${r.present}, failed ones retried ${r.retried} on '${queueName}'\n` +
            `start workers with: cgar worker --redis ${values.redis}${queueName === DEFAULT_QUEUE ? '' : ` --queue ${queueName}`}\n`,
        );
        return 0;
      }
      if (action === 'status') return await status(connection, queueName, ids, watch, io.stdout);
      return await table(connection, queueName, s, file, values.out, io.stdout);
    } finally {
      connection.disconnect();
    }
  },
});

async function status(
  connection: Redis,
  queueName: string,
  ids: readonly string[],
  watch: number | undefined,
  out: (t: string) => void,
): Promise<number> {
  for (;;) {
    const all = await jobStatus(connection, queueName, ids);
    out(formatStatus(all));
    const finished = all.every((j) => j.state === 'completed' || j.state === 'failed');
    if (watch === undefined || finished) return all.some((j) => j.state === 'failed') ? 1 : 0;
    await new Promise((r) => setTimeout(r, watch * 1000));
  }
}

async function table(
  connection: Redis,
  queueName: string,
  s: Sweep,
  file: string,
  outFlag: string | undefined,
  out: (t: string) => void,
): Promise<number> {
  const jobs = planSweep(s);
  const all = await jobStatus(
    connection,
    queueName,
    jobs.map((j) => j.id),
  );
  for (const setting of s.data) {
    const mine = jobs.filter((j) => j.data.dataDir === join(settingDir(s, setting), 'data'));
    const results = mine.flatMap((j) => {
      const r = all.find((x) => x.id === j.id)?.result as (TrainOutcome & { host?: string }) | undefined;
      return r?.summary ? [{ summary: r.summary, host: r.host ?? '?', status: r.status }] : [];
    });
    const hosts = new Map<string, number>();
    for (const r of results) hosts.set(r.host, (hosts.get(r.host) ?? 0) + 1);
    const diverged = all.flatMap((j) => {
      const r = j.result as TrainOutcome | undefined;
      return mine.some((m) => m.id === j.id) && r?.status === 'diverged'
        ? [['Diverged', r.message ?? j.id] as const]
        : [];
    });
    const dir =
      outFlag === undefined
        ? settingDir(s, setting)
        : s.data.length > 1
          ? join(outFlag, setting.name)
          : outFlag;
    const runs: RunSummary[] = results.map((r) => r.summary);
    writeTableFiles(dir, runs, s.configs, getPreset(s.preset), {
      command: `cgar sweep table ${file}${queueName === DEFAULT_QUEUE ? '' : ` --queue ${queueName}`}${outFlag === undefined ? '' : ` --out ${outFlag}`}`,
      date: new Date().toISOString(),
      machine: `written on ${hostname()}; runs trained by ${[...hosts].map(([h, n]) => `${h} (${n})`).join(', ') || 'no worker yet'}, ep ${s.ep}, threads ${s.threads ?? 'default'}`,
      settings: [
        ['Preset', s.preset],
        [
          'Data',
          `${setting.name}: ${setting.train} train / ${setting.test} held-out puzzles, ${setting.minGivens}-${setting.maxGivens} givens${setting.requireSearch ? ', singles cannot solve them' : ''}, data seed ${setting.seed}`,
        ],
        [
          'Training',
          `${s.steps} optimizer steps, batch ${s.batch}, lr ${s.lr} (warm-up ${s.warmup}, then constant), evaluation every ${s.evalEvery} steps`,
        ],
        ['Seeds', s.seeds.join(', ')],
        ['Runs', `${results.length} of ${mine.length} finished`],
        ...diverged,
      ],
    });
    out(
      `${setting.name}: ${results.length} of ${mine.length} runs in the table; wrote table.md, report.html, accuracy.svg and results.json in ${dir}\n`,
    );
  }
  return 0;
}
