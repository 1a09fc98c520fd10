import { availableParallelism } from 'node:os';
import { closest } from '@cgar/common';
import { getPreset, isPresetName, PRESET_NAMES, type TrmConfig } from '@cgar/export';
import type { Io } from './command.js';
import { UsageError } from './command.js';

/** Parses `--flag` as a number; `integer` requires an integer >= 1. */
export function numberFlag(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v) || (integer && (!Number.isInteger(v) || v < 1))) {
    throw new UsageError(`--${flag} must be ${integer ? 'an integer >= 1' : 'a number'}, got '${text}'`);
  }
  return v;
}

/**
 * `--threads N`: an integer from 1 to 4 times this machine's CPUs. More threads than that only
 * oversubscribe the cores (999 threads stalled a 2-core machine for minutes).
 */
export function threadsFlag(text: string | undefined, cpus = availableParallelism()): number | undefined {
  const n = numberFlag('threads', text, true);
  if (n !== undefined && n > 4 * cpus)
    throw new UsageError(
      `--threads ${n} is more than 4 times this machine's ${cpus} CPUs; use at most ${4 * cpus} (or leave it out)`,
    );
  return n;
}

/** `--flag` restricted to `choices`, with a did-you-mean. */
export function choiceFlag<T extends string>(
  flag: string,
  text: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if ((choices as readonly string[]).includes(text)) return text as T;
  const near = closest(text, choices);
  throw new UsageError(
    `--${flag} must be one of ${choices.join(', ')}, got '${text}'${near ? ` (did you mean '${near}'?)` : ''}`,
  );
}

export function presetFlag(text: string | undefined): TrmConfig {
  if (text === undefined) throw new UsageError('--preset is required; see cgar info --preset NAME');
  if (!isPresetName(text)) {
    const near = closest(text, PRESET_NAMES);
    throw new UsageError(
      `unknown preset '${text}'${near ? ` (did you mean '${near}'?)` : ''}; known: ${PRESET_NAMES.join(', ')}`,
    );
  }
  return getPreset(text);
}

const LOG_LINES = 20;
const lastLogged = new WeakMap<Io, { done: number; bucket: number }>();

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal; off a terminal (a log file,
 * CI) one line per 5% of the work and at the end, so a long run does not write a line per step.
 */
export function progressBar(
  io: Io,
  done: number,
  total: number,
  text: string,
  tty = Boolean(process.stderr.isTTY),
): void {
  const width = 24;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${text}`;
  if (tty) return void io.stderr(`\r${line}${done === total ? '\n' : ''}`);
  const bucket = Math.floor((done * LOG_LINES) / Math.max(total, 1));
  const last = lastLogged.get(io);
  // NOTE: a count that went down is a new bar (the next split, a new run): log its first line.
  if (last && done > last.done && bucket === last.bucket && done !== total) return;
  lastLogged.set(io, { done, bucket });
  io.stderr(`${line}\n`);
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}
