import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

/** Redis could not be reached (or the URL is not one): names the URL and what to do. */
export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

export interface ConnectOptions {
  /**
   * For a BullMQ Worker: commands wait for a dropped connection to come back instead of failing
   * (a worker outlives a Redis restart). Otherwise a command fails after a few reconnection tries.
   */
  readonly forWorker?: boolean;
  /** How long the first connection may take (ms, default 5000). */
  readonly timeoutMs?: number;
}

/**
 * Opens a connection to the Redis at `url` for BullMQ, after checking once, quickly, that it
 * answers: an unreachable server is an error naming the URL instead of endless reconnecting.
 *
 * @example
 * const connection = await connectRedis('redis://127.0.0.1:6379');
 * const forWorker = await connectRedis('redis://127.0.0.1:6379', { forWorker: true });
 */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!/^rediss?:\/\//.test(url))
    throw new RedisUnreachableError(`'${url}' is not a Redis URL; pass one such as redis://127.0.0.1:6379`);
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // NOTE: the connect() rejection only says 'Connection is closed'; the error event says why.
  let cause: Error | undefined;
  probe.on('error', (e: Error) => {
    cause ??= e;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new RedisUnreachableError(
      `cannot reach Redis at ${url} (${(cause ?? (e as Error)).message}); start redis-server there, ` +
        'or pass the URL of one this machine can reach with --redis',
    );
  } finally {
    probe.disconnect();
  }
  const connection = new Redis(url, { maxRetriesPerRequest: options.forWorker ? null : 3 });
  connection.on('error', () => {});
  return connection;
}

/** `REDIS_SERVER`, else `redis-server` on the PATH (Debian's package puts it in /usr/bin); undefined when none. */
export function findRedisServer(): string | undefined {
  const candidates = [
    process.env.REDIS_SERVER,
    ...(process.env.PATH ?? '').split(delimiter).map((d) => d && join(d, 'redis-server')),
    '/usr/bin/redis-server',
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  return undefined;
}

/** A redis-server this process started; `stop()` ends it and removes its folder. */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private redis-server on a free loopback port (127.0.0.1 only, no persistence, no
 * password: it is reachable from this machine alone), for one machine's sweep and for tests.
 *
 * @example
 * const redis = await startLocalRedis();
 * // ... workers on redis.url ...
 * await redis.stop();
 */
export async function startLocalRedis(server = findRedisServer()): Promise<LocalRedis> {
  if (!server)
    throw new Error(
      "redis-server not found: install Debian's redis-server (apt-get install redis-server) or set REDIS_SERVER to its path",
    );
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cgar-redis-'));
    // NOTE: detached, so a Ctrl-C in the terminal reaches the workers (which checkpoint and give
    // their jobs back through this server) but not the server itself; stop() ends it last.
    const child = spawn(
      server,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let output = '';
    const ready = await new Promise<boolean>((resolve) => {
      const onData = (b: Buffer) => {
        output += b.toString();
        if (output.includes('Ready to accept connections')) resolve(true);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (e) => {
        output += String(e);
        resolve(false);
      });
      child.once('exit', () => resolve(false));
    });
    child.stdout?.removeAllListeners('data');
    child.stderr?.removeAllListeners('data');
    child.stdout?.resume();
    child.stderr?.resume();
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (ready) return { url: `redis://127.0.0.1:${port}`, port, process: child, stop };
    await stop();
    // NOTE: another process may take the free port between the probe and redis-server's bind.
    if (attempt >= 2)
      throw new Error(`redis-server did not start: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  }
}
