import { Problems } from '@cgar/common';
import type { HaltingFunction, HaltingRule, Mode, SolverOptions } from './types.js';

const MODES: readonly Mode[] = ['graph', 'host'];

/** The halting rule in the two forms the drivers use; `stable` 0 is off. */
export type Rule =
  | { readonly threshold: number; readonly stable: number; readonly verified: boolean }
  | { readonly fn: HaltingFunction };

/**
 * Checks the kinds and ranges of the options, collecting every problem, then throws once by the one
 * error rule of `@cgar/common`'s `Problems` (`TypeError` when every problem is a wrong kind, else
 * `RangeError`).
 */
export function checkOptions(options: unknown): SolverOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `create: 'options' must be an object, got ${options === null ? 'null' : typeof options}`,
    );
  }
  const o = options as Record<string, unknown>;
  const problems = new Problems();
  const posInt = (name: string) => {
    const v = o[name];
    if (v === undefined) return;
    if (typeof v !== 'number') problems.type(`'${name}' must be a number, got ${typeof v}`);
    else if (!Number.isInteger(v) || v < 1) problems.range(`'${name}' must be an integer >= 1, got ${v}`);
  };
  if (o.mode !== undefined && !MODES.includes(o.mode as Mode)) {
    problems.range(`'mode' must be 'graph' or 'host', got ${JSON.stringify(o.mode)}`);
  }
  posInt('maxSteps');
  posInt('threads');
  posInt('batchSize');
  const h = o.halting;
  if (h !== undefined && h !== 'fixed' && typeof h !== 'function') {
    if (h === null || typeof h !== 'object') {
      problems.type("'halting' must be { threshold?, stable?, verified? }, 'fixed' or a function");
    } else {
      const { threshold: t, stable: k, verified: v } = h as Record<string, unknown>;
      const unknown = Object.keys(h).filter((key) => !['threshold', 'stable', 'verified'].includes(key));
      if (unknown.length)
        problems.type(
          `'halting' must be { threshold?, stable?, verified? }, 'fixed' or a function; unknown key ${unknown.map((u) => `'${u}'`).join(', ')}`,
        );
      else if (t === undefined && k === undefined && v === undefined)
        problems.range("'halting' sets no rule; give threshold, stable or verified, or pass 'fixed'");
      if (t !== undefined && typeof t !== 'number')
        problems.type(`'halting.threshold' must be a number, got ${typeof t}`);
      else if (Number.isNaN(t)) problems.range("'halting.threshold' is NaN");
      if (k !== undefined && typeof k !== 'number')
        problems.type(`'halting.stable' must be a number, got ${typeof k}`);
      else if (k !== undefined && !(Number.isInteger(k) && (k as number) >= 2))
        problems.range(`'halting.stable' must be an integer >= 2 (steps with the same answer), got ${k}`);
      if (v !== undefined && typeof v !== 'boolean')
        problems.type(`'halting.verified' must be a boolean, got ${typeof v}`);
    }
  }
  const eps = o.executionProviders;
  if (eps !== undefined && !Array.isArray(eps))
    problems.type("'executionProviders' must be an array such as ['cpu']");
  if (o.sessionOptions !== undefined && (o.sessionOptions === null || typeof o.sessionOptions !== 'object')) {
    problems.type("'sessionOptions' must be an object");
  }
  problems.throwIfAny('create');
  return o as SolverOptions;
}

/** The rule the drivers apply; `'fixed'` is a threshold no q_halt exceeds and no other part. */
export function resolveRule(rule: HaltingRule | undefined): Rule {
  const never = Number.POSITIVE_INFINITY;
  if (rule === undefined) return { threshold: 0, stable: 0, verified: false };
  if (rule === 'fixed') return { threshold: never, stable: 0, verified: false };
  if (typeof rule === 'function') return { fn: rule };
  return {
    // NOTE: the halting graph compares in float32; round the same way so both modes agree.
    threshold: rule.threshold === undefined ? never : Math.fround(rule.threshold),
    stable: rule.stable ?? 0,
    verified: rule.verified === true,
  };
}
