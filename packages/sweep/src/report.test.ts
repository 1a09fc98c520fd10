import { describe, expect, it } from 'vitest';
import { accuracySvg } from './report.js';
import { type ConfigSummary, stat } from './summary.js';

const point = (trainSeconds: number, exact: number) => ({
  step: 0,
  trainSeconds,
  exact,
  cell: 0,
  haltAcc: 0,
  exactAdaptive: 0,
  meanSteps: 16,
});
const row = (config: 'baseline' | 'cgar', curve: ReturnType<typeof point>[]): ConfigSummary => ({
  config,
  label: config,
  seeds: [0],
  timedSeeds: [0],
  trainSeconds: stat([1]),
  stepsPerSecond: stat([1]),
  speedup: 1,
  baselineExactAtTime: 0,
  timeToBaselineFinal: undefined,
  bound: 1,
  exact: stat([0]),
  cell: stat([0]),
  haltAcc: stat([0]),
  meanSteps: stat([16]),
  exactAdaptive: stat([0]),
  auc: undefined,
  bestRule: undefined,
  heldout: undefined,
  histogram: [],
  curve,
});

describe('accuracySvg', () => {
  it('is a standalone SVG file with a white background and one line per configuration', () => {
    const svg = accuracySvg([
      row('baseline', [point(10, 0.2), point(20, 0.6)]),
      row('cgar', [point(8, 0.1)]),
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>\n')).toBe(true);
    expect(svg).toContain('<rect width="100%" height="100%" fill="white"/>');
    expect(svg).toContain('>baseline<');
    expect(svg).toContain('>cgar<');
    expect(svg).not.toContain('<figure');
  });
});
