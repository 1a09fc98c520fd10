import type { HaltingFunction, HaltingRule, Mode, SolverOptions } from './types.js';

const MODES: readonly Mode[] = ['graph', 'host'];

/** The halting rule in the two forms the drivers use. */
export type Rule = { readonly threshold: number } | { readonly fn: HaltingFunction };

/**
 * Checks the kinds and ranges of the options, collecting every problem, then throws once
 * (`TypeError` if any has the wrong kind, else `RangeError`).
 */
export function checkOptions(options: unknown): SolverOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `create: 'options' must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  const o = options as Record<string, unknown>;
  const types: string[] = [];
  const ranges: string[] = [];
  const posInt = (name: string) => {
    const v = o[name];
    if (v === undefined) return;
    if (typeof v !== 'number') types.push(`'${name}' must be a number, got ${typeof v}`);
    else if (!Number.isInteger(v) || v < 1) ranges.push(`'${name}' must be an integer >= 1, got ${v}`);
  };
  if (o.mode !== undefined && !MODES.includes(o.mode as Mode)) {
    ranges.push(`'mode' must be 'graph' or 'host', got ${JSON.stringify(o.mode)}`);
  }
  posInt('maxSteps');
  posInt('threads');
  posInt('batchSize');
  const h = o.halting;
  if (h !== undefined && h !== 'fixed' && typeof h !== 'function') {
    const t = (h as { threshold?: unknown } | null)?.threshold;
    if (h === null || typeof h !== 'object' || typeof t !== 'number') {
      types.push("'halting' must be { threshold: number }, 'fixed' or a function");
    } else if (Number.isNaN(t)) ranges.push("'halting.threshold' is NaN");
  }
  const eps = o.executionProviders;
  if (eps !== undefined && !Array.isArray(eps))
    types.push("'executionProviders' must be an array such as ['cpu']");
  if (o.sessionOptions !== undefined && (o.sessionOptions === null || typeof o.sessionOptions !== 'object')) {
    types.push("'sessionOptions' must be an object");
  }
  const all = [...types, ...ranges];
  if (all.length === 0) return o as SolverOptions;
  const msg = `create: ${all.join('; ')}`;
  throw types.length > 0 ? new TypeError(msg) : new RangeError(msg);
}

/** The rule the drivers apply; `'fixed'` is a threshold no q_halt exceeds. */
export function resolveRule(rule: HaltingRule | undefined): Rule {
  if (rule === undefined) return { threshold: 0 };
  if (rule === 'fixed') return { threshold: Number.POSITIVE_INFINITY };
  if (typeof rule === 'function') return { fn: rule };
  // NOTE: the halting graph compares in float32; round the same way so both modes agree.
  return { threshold: Math.fround(rule.threshold) };
}
