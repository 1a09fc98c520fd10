/**
 * How well `scores` separate positives from negatives: the probability that a random positive
 * scores above a random negative (ties count one half), the ROC AUC. 0.5 is chance, 1 is perfect
 * separation; `null` when either class is empty.
 *
 * @example
 * rocAuc([0.1, 0.9, 0.4], [0, 1, 0]); // 1
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    // NOTE: tied scores share the mean of their ranks (1-based), which counts each tie as one half.
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++)
      if (labels[order[k]!]) {
        positives++;
        rankSum += rank;
      }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Exact accuracy and mean `q_halt` at each supervision step index, with the pooled AUC. */
export interface StepIndexFigures {
  /** Samples seen at each step index (index 0 = step 1). */
  readonly count: readonly number[];
  /** Share exactly right at each step index (`null` where none was seen). */
  readonly exact: readonly (number | null)[];
  /** Mean `q_halt` at each step index (`null` where none was seen). */
  readonly qHalt: readonly (number | null)[];
  /** ROC AUC of `q_halt` against exactness over every sample and step (see {@link rocAuc}). */
  readonly auc: number | null;
  /** Share of samples where `(q_halt > 0) == correct`, over every sample and step. */
  readonly haltAcc: number | null;
}

/**
 * Collects `(step index, q_halt, correct)` triples and summarises them per step index: the
 * per-step figures of training (over a window of optimizer steps) and of evaluation.
 *
 * @example
 * const acc = new StepIndexStats(16);
 * acc.add(1, -2.5, false);
 * acc.figures().exact[0]; // 0
 */
export class StepIndexStats {
  private readonly counts: number[];
  private readonly rights: number[];
  private readonly qSums: number[];
  private scores: number[] = [];
  private labels: number[] = [];

  /**
   * `steps`: the last step index. At most `maxSamples` recent `(q_halt, correct)` pairs are kept for
   * the AUC, so a loop that never clears the statistics does not grow without bound.
   */
  constructor(
    readonly steps: number,
    readonly maxSamples = 1 << 16,
  ) {
    this.counts = new Array<number>(steps).fill(0);
    this.rights = new Array<number>(steps).fill(0);
    this.qSums = new Array<number>(steps).fill(0);
  }

  /** Records one sample at 1-based `step` (steps past the last index count in the last). */
  add(step: number, qHalt: number, correct: boolean | number): void {
    const i = Math.min(Math.max(step, 1), this.steps) - 1;
    this.counts[i]! += 1;
    this.rights[i]! += Number(Boolean(correct));
    this.qSums[i]! += qHalt;
    if (this.scores.length >= this.maxSamples) {
      // NOTE: drop the older half at once: amortised O(1) per sample.
      this.scores = this.scores.slice(this.maxSamples >> 1);
      this.labels = this.labels.slice(this.maxSamples >> 1);
    }
    this.scores.push(qHalt);
    this.labels.push(Number(Boolean(correct)));
  }

  /** Samples recorded since the last {@link clear} (the AUC uses the most recent `maxSamples`). */
  get size(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  figures(): StepIndexFigures {
    const per = (sums: number[]) => sums.map((v, i) => (this.counts[i] ? v / this.counts[i]! : null));
    let agree = 0;
    for (let i = 0; i < this.scores.length; i++)
      agree += Number(this.scores[i]! > 0 === (this.labels[i] === 1));
    return {
      count: [...this.counts],
      exact: per(this.rights),
      qHalt: per(this.qSums),
      auc: rocAuc(this.scores, this.labels),
      haltAcc: this.scores.length ? agree / this.scores.length : null,
    };
  }

  /** Forgets everything recorded (the start of a new window). */
  clear(): void {
    this.counts.fill(0);
    this.rights.fill(0);
    this.qSums.fill(0);
    this.scores = [];
    this.labels = [];
  }
}
