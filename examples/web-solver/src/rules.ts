import type { HaltingRule } from '@cgar/runtime/web';

/** The halting rules the page offers, by the value of its rule picker. */
export type RuleName = 'learned' | 'stable' | 'verified' | 'fixed';

export const RULE_LABELS: Readonly<Record<RuleName, string>> = {
  learned: 'Learned: stop when q_halt > threshold',
  stable: 'Stable: stop when the answer is unchanged for 3 steps',
  verified: 'Verified: stop on a valid complete grid',
  fixed: 'All steps',
};

/**
 * The runtime rule for a picker value; `threshold` is the learned rule's threshold (calibrated
 * by `cgar demo` and shipped in model.json, 0 otherwise).
 *
 * @example
 * ruleFor('stable', 0); // { stable: 3 }
 */
export function ruleFor(name: RuleName, threshold: number): HaltingRule {
  switch (name) {
    case 'learned':
      return { threshold };
    case 'stable':
      return { stable: 3 };
    case 'verified':
      return { verified: true };
    case 'fixed':
      return 'fixed';
  }
}
