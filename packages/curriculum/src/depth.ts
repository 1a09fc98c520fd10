import { isRecord, type Problems, show } from '@cgar/common';

/**
 * Adds a problem for every way `value` is not a depth `{ n, T }` of positive integers. With `allowedKeys`,
 * keys outside that list are problems too (to catch typos in configuration). Internal.
 */
export function checkDepth(value: unknown, label: string, problems: Problems, allowedKeys?: string[]): void {
  if (!isRecord(value)) {
    problems.type(`${label} is ${show(value)}, expected an object { n, T }`);
    return;
  }
  for (const key of ['n', 'T'] as const) {
    const v = value[key];
    if (typeof v !== 'number') problems.type(`${label}.${key} is ${show(v)}, expected a positive integer`);
    else if (!Number.isInteger(v) || v <= 0)
      problems.range(`${label}.${key} = ${show(v)} is not a positive integer`);
  }
  if (!allowedKeys) return;
  for (const key of Object.keys(value)) {
    if (!allowedKeys.includes(key))
      problems.range(`${label} has unknown key '${key}' (expected ${allowedKeys.join(', ')})`);
  }
}
