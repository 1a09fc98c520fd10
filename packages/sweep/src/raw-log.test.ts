import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPRESSED_METRICS_FILE, compressRunLog, restoreRunLog } from './raw-log.js';

describe('compressRunLog / restoreRunLog', () => {
  it('round-trips the log, byte for byte and deterministically, and restores only when the raw log is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgar-raw-log-'));
    const log = `${Array.from({ length: 200 }, (_, i) => JSON.stringify({ type: 'step', step: i + 1, loss: 1 / (i + 1) })).join('\n')}\n`;
    writeFileSync(join(dir, 'metrics.jsonl'), log);
    expect(restoreRunLog(dir)).toBe(false);
    expect(compressRunLog(dir)).toBe(true);
    const gz = readFileSync(join(dir, COMPRESSED_METRICS_FILE));
    expect(gz.length).toBeLessThan(log.length / 3);
    compressRunLog(dir);
    expect(readFileSync(join(dir, COMPRESSED_METRICS_FILE))).toEqual(gz);
    expect(restoreRunLog(dir)).toBe(false);
    rmSync(join(dir, 'metrics.jsonl'));
    expect(restoreRunLog(dir)).toBe(true);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(log);
  });

  it('does nothing in a folder without a log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgar-raw-log-'));
    expect(compressRunLog(dir)).toBe(false);
    expect(restoreRunLog(dir)).toBe(false);
    expect(existsSync(join(dir, COMPRESSED_METRICS_FILE))).toBe(false);
  });
});
