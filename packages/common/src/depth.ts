/**
 * Recursion depth of one supervision step: `n` latent updates per cycle, `T` cycles (docs/design.md
 * section 3). One definition for the curriculum that chooses it, the trainer that runs it and the
 * exporter that bakes it into a graph.
 *
 * @example
 * const full: Depth = { n: 6, T: 3 };
 */
export interface Depth {
  readonly n: number;
  readonly T: number;
}
