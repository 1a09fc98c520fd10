import type { Depth } from '@cgar/common';
import {
  type AdamWOptions,
  adamw,
  add,
  and,
  argMax,
  type BuiltModel,
  buildModel,
  buildTrainStep,
  cast,
  equal,
  expand,
  Graph,
  greater,
  hostTensor,
  less,
  loop,
  not,
  or,
  reduceMin,
  reduceSum,
  reshape,
  type TrainStepModel,
  unsqueeze,
  type Value,
  where,
} from '@cgar/graph';
import { seqLen, type TrmConfig } from '../config.js';
import { H_INIT, L_INIT, type TrmParams } from '../params.js';
import { createNet, declareParams, embedInput, initialCarry, supervisionStep, trmLoss } from './trm.js';

const metadata = (cfg: TrmConfig, kind: string, depth: Depth) => ({
  'cgar.graph': kind,
  'cgar.config': JSON.stringify(cfg),
  'cgar.depth': JSON.stringify(depth),
});

function inputs(cfg: TrmConfig, g: Graph) {
  const S = seqLen(cfg);
  return {
    tokens: g.input('tokens', 'int64', ['B', cfg.cells]),
    y: () => g.input('y', 'float32', ['B', S, cfg.hidden]),
    z: () => g.input('z', 'float32', ['B', S, cfg.hidden]),
  };
}

/**
 * The `step` graph: one supervision step at depth (n, T) without gradient. Inputs `tokens
 * [B, cells]` (int64), `y`, `z` `[B, S, D]`; outputs `y`, `z`, `logits [B, cells, vocab]`,
 * `q_halt [B]` (the new carry as `y_next`, `z_next`). Parameters are embedded (one deployable file) unless `embedParams` is false.
 *
 * @example
 * const model = buildStepGraph(cfg, params);
 * writeFileSync('step.onnx', model.bytes);
 */
export function buildStepGraph(
  cfg: TrmConfig,
  params: TrmParams,
  options: { depth?: Depth; embedParams?: boolean } = {},
): BuiltModel {
  const depth = options.depth ?? { n: cfg.n, T: cfg.T };
  const g = new Graph('trm_step');
  const p = declareParams(g, params);
  const io = inputs(cfg, g);
  const x = embedInput(cfg, p, io.tokens);
  const out = supervisionStep(cfg, p, createNet(cfg, p), x, { y: io.y(), z: io.z() }, depth);
  return buildModel(g, {
    outputs: { y_next: out.y, z_next: out.z, logits: out.logits, q_halt: out.qHalt },
    embedParams: options.embedParams ?? true,
    metadata: {
      ...metadata(cfg, 'step', depth),
      // NOTE: a host driving the step graph starts each puzzle's carry from these vectors.
      'cgar.h_init': JSON.stringify(Array.from(params.get(H_INIT)!.data)),
      'cgar.l_init': JSON.stringify(Array.from(params.get(L_INIT)!.data)),
    },
  });
}

/** True where every element of the bool tensor `x` is true along every axis after the first. */
function allAfterFirst(x: Value): Value {
  const axes = x.shape.slice(1).map((_, i) => i + 1);
  return equal(reduceMin(cast(x, 'int64'), axes), 1);
}

/**
 * Sudoku's verifier in graph ops: `[B]` true where the predicted token ids form a complete grid
 * in which every row, column and box holds each digit once, and every given is kept.
 */
export function sudokuValid(g: Graph, preds: Value, tokens: Value): Value {
  // NOTE: digits 1..9 are token ids 2..10; a cell predicting padding or blank matches no digit.
  const ids = g.constant(
    hostTensor(
      'int64',
      [1, 1, 9],
      BigInt64Array.from({ length: 9 }, (_, d) => BigInt(d + 2)),
    ),
  );
  const hot = cast(equal(unsqueeze(preds, [2]), ids), 'int64');
  const once = (counts: Value) => allAfterFirst(equal(counts, 1));
  const grid = reshape(hot, [-1, 9, 9, 9]);
  const boxes = reshape(hot, [-1, 3, 3, 3, 3, 9]);
  const blank = g.constant(1, 'int64');
  const kept = allAfterFirst(or(equal(tokens, blank), equal(preds, tokens)));
  return and(
    and(once(reduceSum(grid, [2])), once(reduceSum(grid, [1]))),
    and(once(reduceSum(boxes, [2, 4])), kept),
  );
}

/**
 * The `halting` graph: adaptive-halting inference in one run. An ONNX Loop runs supervision
 * steps at full depth from `(H_init, L_init)`; a sample halts at the first step where any rule
 * part says so, or after `max_steps`, keeping its answer, and the loop stops when every sample has
 * halted. The rule parts: `q_halt > threshold`; the answer unchanged for `stable` consecutive steps
 * (0 = off); and, for Sudoku, `verify` = 1 halts on a complete valid grid that keeps the givens.
 * Inputs: `tokens [B, cells]`, `max_steps` (int64 scalar), `threshold` (float32 scalar), `stable`
 * and `verify` (int64 scalars).
 * Outputs: `predictions [B, cells]` (token ids), `steps [B]` (int64), `q_halt [B]`,
 * `halted_by_rule [B]` (bool: halted by a rule rather than the cap).
 */
export function buildHaltingGraph(
  cfg: TrmConfig,
  params: TrmParams,
  options: { depth?: Depth } = {},
): BuiltModel {
  const depth = options.depth ?? { n: cfg.n, T: cfg.T };
  const g = new Graph('trm_halting');
  const p = declareParams(g, params);
  const { tokens } = inputs(cfg, g);
  const maxSteps = g.input('max_steps', 'int64', []);
  const threshold = g.input('threshold', 'float32', []);
  const stable = g.input('stable', 'int64', []);
  const verify = g.input('verify', 'int64', []);
  const x = embedInput(cfg, p, tokens);
  const net = createNet(cfg, p);
  const carry0 = initialCarry(cfg, p, 'B');
  const zeros = (dtype: 'int64' | 'float32' | 'bool', dims: (string | number)[]) =>
    expand(g.constant(0, dtype), dims);
  const halted0 = zeros('bool', ['B']);
  const sudoku = cfg.cells === 81 && cfg.vocab === 11;
  const { carried } = loop({
    maxTrips: maxSteps,
    carried: [
      carry0.y,
      carry0.z,
      halted0,
      zeros('int64', ['B']),
      zeros('float32', ['B']),
      zeros('int64', ['B', cfg.cells]),
      halted0,
      zeros('int64', ['B']),
    ],
    body: (iteration, [y, z, halted, steps, q, preds, byRule, run]) => {
      const out = supervisionStep(cfg, p, net, x, { y: y!, z: z! }, depth);
      const keep = unsqueeze(halted!, [1]);
      const keep3 = unsqueeze(keep, [2]);
      const now = argMax(out.logits, -1);
      // NOTE: `preds` holds each running sample's previous answer; on the first step there is none.
      const same = and(greater(iteration, 0), allAfterFirst(equal(now, preds!)));
      const nextRun = where(same, add(run!, 1), expand(g.constant(1, 'int64'), ['B']));
      const stableNow = and(greater(stable, 0), not(less(nextRun, stable)));
      const verifiedNow = sudoku ? and(equal(verify, 1), sudokuValid(g, now, tokens)) : zeros('bool', ['B']);
      const ruleNow = or(greater(out.qHalt, threshold), or(stableNow, verifiedNow));
      const capNow = not(less(add(iteration, 1), maxSteps));
      const nextHalted = or(halted!, or(ruleNow, capNow));
      return {
        // NOTE: the loop ends as soon as every sample has halted.
        cond: greater(reduceSum(cast(not(nextHalted), 'int64'), [0]), 0),
        carried: [
          where(keep3, y!, out.y),
          where(keep3, z!, out.z),
          nextHalted,
          add(steps!, cast(not(halted!), 'int64')),
          where(halted!, q!, out.qHalt),
          where(keep, preds!, now),
          // NOTE: no Where on bool tensors (onnxruntime's CPU provider has none): select with logic.
          or(and(halted!, byRule!), and(not(halted!), ruleNow)),
          where(halted!, run!, nextRun),
        ],
      };
    },
  });
  const [, , , steps, q, preds, byRule] = carried;
  return buildModel(g, {
    outputs: { predictions: preds!, steps: steps!, q_halt: q!, halted_by_rule: byRule! },
    metadata: metadata(cfg, 'halting', depth),
  });
}

export interface TrainGraphOptions {
  readonly depth: Depth;
  readonly optimizer?: AdamWOptions;
  readonly maxGradNorm?: number;
  /** Train the puzzle embedding with the same optimizer (default true). */
  readonly trainPuzzleEmb?: boolean;
  /**
   * Whether the supervision weights `w` also multiply the halting BCE (default true, the
   * paper's form); false weights the cross-entropy only, so the halting head learns from late
   * steps as much as from early ones.
   */
  readonly weightHalting?: boolean;
}

/**
 * The AdamW settings TRM trains with (the official code's betas and weight decay); `buildTrainGraph`'s
 * `optimizer` option overrides them field by field.
 *
 * @example
 * buildTrainGraph(cfg, params, { optimizer: { ...TRM_ADAMW, weightDecay: 0 } });
 */
export const TRM_ADAMW = { beta1: 0.9, beta2: 0.95, weightDecay: 0.1 } as const;

/**
 * The `train` graph at depth (n, T): one supervision step, the loss of docs/design.md section 4 with per-sample
 * weights, its backward pass through the last cycle only, and an AdamW update.
 * Inputs: parameters, optimizer state (`adam.m/<name>`, `adam.v/<name>`), `tokens`, `labels`,
 * `y`, `z`, `w [B]`, `lr`, `step`. Outputs: `loss`, `lm [B]`, `correct [B]`, `q_halt [B]`,
 * the new carry `y_next`, `z_next`, `next/<param>` and `next/<state>`.
 */
export function buildTrainGraph(
  cfg: TrmConfig,
  params: TrmParams,
  options: TrainGraphOptions,
): TrainStepModel {
  const g = new Graph('trm_train');
  const p = declareParams(g, params, { trainPuzzleEmb: options.trainPuzzleEmb });
  const io = inputs(cfg, g);
  const labels = g.input('labels', 'int64', ['B', cfg.cells]);
  const w = g.input('w', 'float32', ['B']);
  const x = embedInput(cfg, p, io.tokens);
  const out = supervisionStep(cfg, p, createNet(cfg, p), x, { y: io.y(), z: io.z() }, options.depth);
  const l = trmLoss(cfg, out.logits, out.qHalt, labels, w, { weightHalting: options.weightHalting });
  return buildTrainStep(g, {
    loss: l.loss,
    optimizer: adamw({ ...TRM_ADAMW, ...options.optimizer }),
    maxGradNorm: options.maxGradNorm,
    metrics: { lm: l.lm, correct: l.correct, q_halt: out.qHalt, y_next: out.y, z_next: out.z },
    metadata: metadata(cfg, 'train', options.depth),
  });
}
