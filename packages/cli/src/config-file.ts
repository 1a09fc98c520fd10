import { readFileSync } from 'node:fs';
import { Problems } from '@cgar/common';
import { defineConfig, type TrmConfig } from '@cgar/export';
import { CELLS, SUDOKU_VOCAB_SIZE } from '@cgar/tasks';

/**
 * Reads a `--config` JSON file of config fields over `base`, and checks that the result is a
 * valid TRM for Sudoku; every error names the file and the fields at fault. Errors follow the one
 * rule of `@cgar/common`'s `Problems`: a TypeError for a file that is not a JSON object, the class of
 * `defineConfig`'s error for a bad field, a RangeError for a model that does not fit Sudoku; an
 * unreadable file is a plain Error.
 *
 * @example
 * const config = readConfigFile('my.json', getPreset('cpu-small'));
 */
export function readConfigFile(path: string, base: TrmConfig): TrmConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--config ${path}: cannot read it (${(e as Error).message})`);
  }
  let fields: unknown;
  try {
    fields = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`--config ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new TypeError(
      `--config ${path}: expected a JSON object of config fields, got ${JSON.stringify(fields)}`,
    );
  let config: TrmConfig;
  try {
    config = defineConfig(fields as Partial<TrmConfig>, base);
  } catch (e) {
    // NOTE: validateConfig throws by the same rule; keep its class, name the file.
    const message = `--config ${path}: ${(e as Error).message.replace(/^validateConfig: /, '')}`;
    throw e instanceof TypeError
      ? new TypeError(message)
      : e instanceof RangeError
        ? new RangeError(message)
        : new Error(message);
  }
  const problems = new Problems();
  if (config.cells !== CELLS) problems.range(`cells is ${config.cells}; a Sudoku grid has ${CELLS} cells`);
  if (config.vocab < SUDOKU_VOCAB_SIZE)
    problems.range(
      `vocab is ${config.vocab}; Sudoku tokens need at least ${SUDOKU_VOCAB_SIZE} (pad, blank, 1-9)`,
    );
  problems.throwIfAny(`--config ${path}: the model does not fit the Sudoku task`);
  return config;
}
