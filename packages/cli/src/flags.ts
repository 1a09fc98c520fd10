import { getPreset, isPresetName, PRESET_NAMES, type TrmConfig } from '@cgar/export';
import type { Io } from './command.js';
import { UsageError } from './command.js';
import { closest } from './format.js';

/** Parses `--flag` as a number; `integer` requires an integer >= 1. */
export function numberFlag(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v) || (integer && (!Number.isInteger(v) || v < 1))) {
    throw new UsageError(`--${flag} must be ${integer ? 'an integer >= 1' : 'a number'}, got '${text}'`);
  }
  return v;
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

/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per call otherwise). */
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
  io.stderr(tty ? `\r${line}${done === total ? '\n' : ''}` : `${line}\n`);
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
