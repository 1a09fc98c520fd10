import { readFileSync } from 'node:fs';
import { defineConfig, type TrmConfig } from '@cgar/export';
import { CELLS, SUDOKU_VOCAB_SIZE } from '@cgar/tasks';

/**
 * Reads a `--config` JSON file of config fields over `base`, and checks that the result is a
 * valid TRM for Sudoku; every error names the file and the fields at fault.
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
    throw new Error(`--config ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new Error(
      `--config ${path}: expected a JSON object of config fields, got ${JSON.stringify(fields)}`,
    );
  let config: TrmConfig;
  try {
    config = defineConfig(fields as Partial<TrmConfig>, base);
  } catch (e) {
    throw new Error(`--config ${path}: ${(e as Error).message.replace(/^validateConfig: /, '')}`);
  }
  const problems: string[] = [];
  if (config.cells !== CELLS) problems.push(`cells is ${config.cells}; a Sudoku grid has ${CELLS} cells`);
  if (config.vocab < SUDOKU_VOCAB_SIZE)
    problems.push(
      `vocab is ${config.vocab}; Sudoku tokens need at least ${SUDOKU_VOCAB_SIZE} (pad, blank, 1-9)`,
    );
  if (problems.length)
    throw new Error(
      `--config ${path}: the model does not fit the Sudoku task:\n  - ${problems.join('\n  - ')}`,
    );
  return config;
}
