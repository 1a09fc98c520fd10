import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset } from '@cgar/export';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile } from './config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'cgar-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const thrown = (name: string, text: string): Error => {
  const path = join(dir, name);
  writeFileSync(path, text);
  try {
    readConfigFile(path, getPreset('cpu-tiny'));
  } catch (e) {
    return e as Error;
  }
  throw new Error('readConfigFile did not throw');
};

describe('readConfigFile: the one error rule', () => {
  it('a file that is not a JSON object is a TypeError', () => {
    expect(thrown('broken.json', '{"n": 2,')).toBeInstanceOf(TypeError);
    expect(thrown('array.json', '[1]')).toBeInstanceOf(TypeError);
  });

  it('a model that does not fit Sudoku is a RangeError listing every field', () => {
    const e = thrown('both.json', '{"cells": 82, "vocab": 5}');
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toMatch(
      /^--config .*both\.json: the model does not fit the Sudoku task: 2 problems:\n {2}- cells is 82.*\n {2}- vocab is 5/s,
    );
  });

  it("a bad field keeps the class of defineConfig's error, naming the file", () => {
    const e = thrown('hidden.json', '{"hidden": 1e12}');
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toMatch(/^--config .*hidden\.json: .*hidden is 1000000000000/s);
  });

  it('an unreadable file is a plain Error', () => {
    expect(() => readConfigFile(join(dir, 'nope.json'), getPreset('cpu-tiny'))).toThrow(/cannot read it/);
  });
});
