import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetrics, renderReport, thin } from './report.js';

const root = mkdtempSync(join(tmpdir(), 'cgar-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const step = (i: number) =>
  JSON.stringify({
    type: 'step',
    step: i,
    time: i / 10,
    loss: 2 / i,
    lm: 1 / i,
    accuracy: 0.5,
    haltAccuracy: 0.5,
    n: 1,
    T: 1,
    stage: 0,
    seconds: 0.1,
  });

function runDir(name: string, lines: string[]): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(join(dir, 'metrics.jsonl'), lines.join(''));
  return dir;
}

describe('renderReport', () => {
  it('escapes everything a metrics file or run.json holds', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const dir = runDir('evil', [
      `${step(1)}\n`,
      `${JSON.stringify({ type: 'eval', step: evil, time: 1, count: 2, exact: evil, cell: 0.5, haltAcc: 0.5, exactAdaptive: 0.5, meanSteps: 1, stepHistogram: [evil, 2] })}\n`,
    ]);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ preset: evil }));
    const html = renderReport(dir);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });

  it('drops a torn last line with a warning naming the file', () => {
    const dir = runDir('torn', [`${step(1)}\n`, `${step(2)}\n`, '{"type":"step","step":3,"lo']);
    const warnings: string[] = [];
    expect(readMetrics(dir, { onWarning: (w) => warnings.push(w) }).steps).toHaveLength(2);
    expect(warnings[0]).toMatch(/metrics\.jsonl:3: dropped a torn last line/);
    expect(() => renderReport(dir, { onWarning: () => {} })).not.toThrow();
  });

  it('plots a bounded number of points however long the run', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `${step(i + 1)}\n`);
    const html = renderReport(runDir('long', lines));
    const polylines = [...html.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map(
      (m) => m[1]!.split(' ').length,
    );
    expect(Math.max(...polylines)).toBeLessThanOrEqual(1000);
    expect(thin([1, 2, 3, 4, 5], 2)).toEqual([1, 5]);
  });
});
