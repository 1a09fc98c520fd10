import { describe, expect, it } from 'vitest';
import { haltingSection } from './report-halting.js';

const byStep = { count: [2, 2], exact: [0, 0.5], qHalt: [-3, 1], auc: 0.9, haltAcc: 0.75 };

describe('haltingSection', () => {
  it('plots the halting head, lockstep and per-step figures, and tabulates every rule for EMA and raw', () => {
    const html = haltingSection(
      [
        { time: 1, haltAccuracy: 0.5, auc: 0.6, spread: 0, haltedEarly: 0 },
        { time: 2, haltAccuracy: 0.7, auc: null, spread: 2.5, haltedEarly: 3 },
      ],
      [
        {
          step: 2,
          time: 2,
          haltAcc: 0.9,
          auc: 0.95,
          byStep,
          rules: { learned: { exact: 0.5, meanSteps: 1.5 } },
          raw: {
            step: 2,
            time: 2,
            haltAcc: 0.8,
            auc: 0.7,
            byStep,
            rules: { learned: { exact: 0.4, meanSteps: 2 } },
          },
        },
      ],
      [{ type: 'window', step: 2, samples: 4, ...byStep }],
    );
    expect(html).toContain('<td>learned</td><td>50.0%</td><td>1.50</td><td>40.0%</td><td>2.00</td>');
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(html).toContain('Lockstep');
  });

  it('lets nothing but numbers and escaped names from a metrics file reach the page', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const html = haltingSection(
      [{ time: evil as never, haltAccuracy: evil as never, auc: evil as never }],
      [
        {
          step: evil as never,
          time: 1,
          haltAcc: 1,
          byStep: { ...byStep, exact: [evil as never] },
          rules: { [evil]: { exact: evil as never, meanSteps: evil as never } },
        },
      ],
      [],
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});
