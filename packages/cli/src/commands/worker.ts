import { connectRedis, DEFAULT_QUEUE, queueIsEmpty, startWorker } from '@cgar/sweep';
import * as ort from 'onnxruntime-node';
import { defineCommand, UsageError } from '../command.js';
import { numberFlag } from '../flags.js';

export const worker = defineCommand({
  summary: 'Pull sweep jobs from a Redis queue: train runs and evaluate shards, write results back',
  usage: 'worker --redis URL [--queue NAME] [--concurrency N] [--lock-seconds S] [--until-empty]',
  description:
    'Takes jobs that cgar sweep and cgar eval --sweep put on the queue, one at a time: a training\n' +
    'run (skipped when its folder holds the finished run, resumed from its checkpoint when it holds\n' +
    'part of one) or a shard of an evaluation, and stores the result in Redis. Run folders, data\n' +
    'sets and checkpoints are paths on this machine, relative to the directory the worker runs in.\n' +
    'A worker that dies gives its job back after --lock-seconds (30); another worker resumes the\n' +
    'run from its last checkpoint. Ctrl-C or SIGTERM checkpoints the current run and gives its job\n' +
    'back at once (exit 130 or 143); a second Ctrl-C quits without waiting. --until-empty exits 0\n' +
    'once nothing is waiting or running.',
  options: {
    redis: { type: 'string', valueName: 'URL', description: 'Redis server, e.g. redis://10.0.0.5:6379' },
    queue: {
      type: 'string',
      valueName: 'NAME',
      description: `queue to pull from (default ${DEFAULT_QUEUE})`,
    },
    concurrency: { type: 'string', valueName: 'N', description: 'jobs at once (default 1)' },
    'lock-seconds': {
      type: 'string',
      valueName: 'S',
      description: "how long a dead worker's job stays claimed before another takes it (default 30)",
    },
    'until-empty': {
      type: 'boolean',
      description: 'exit once no job is waiting, delayed or running on the queue',
    },
  },
  async run({ values, io }) {
    if (!values.redis) throw new UsageError('--redis URL is required, e.g. --redis redis://127.0.0.1:6379');
    const concurrency = numberFlag('concurrency', values.concurrency, true) ?? 1;
    const queueName = values.queue ?? DEFAULT_QUEUE;
    const lockSeconds = numberFlag('lock-seconds', values['lock-seconds'], false) ?? 30;
    if (!(lockSeconds >= 1))
      throw new UsageError(`--lock-seconds must be at least 1, got '${values['lock-seconds']}'`);
    const connection = await connectRedis(values.redis, { forWorker: true });
    const w = startWorker(ort, connection, queueName, {
      concurrency,
      lockDuration: lockSeconds * 1000,
      log: (l) => io.stderr(`${l}\n`),
    });
    io.stderr(`cgar worker: pulling jobs from queue '${queueName}' on ${values.redis}\n`);
    let poll: NodeJS.Timeout | undefined;
    let onSignal: (signal: NodeJS.Signals) => void = () => {};
    const code = await new Promise<number>((resolve) => {
      let stopping = false;
      onSignal = (signal) => {
        // NOTE: while stopping, a second Ctrl-C quits at once (the run resumes from its last
        // checkpoint); a SIGTERM does not, since a parent such as bench/cgar-table sends one to
        // workers that a Ctrl-C in the terminal has already reached.
        if (stopping) {
          if (signal === 'SIGINT') process.exit(130);
          return;
        }
        stopping = true;
        io.stderr(
          `cgar worker: ${signal}: stopping (a run in progress is checkpointed and its job given back)\n`,
        );
        resolve(signal === 'SIGINT' ? 130 : 143);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      if (values['until-empty'])
        poll = setInterval(() => {
          queueIsEmpty(connection, queueName).then(
            (empty) => empty && resolve(0),
            () => {},
          );
        }, 2000);
    });
    clearInterval(poll);
    await w.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    connection.disconnect();
    if (code === 0) io.stderr('cgar worker: the queue is empty, exiting\n');
    return code;
  },
});
