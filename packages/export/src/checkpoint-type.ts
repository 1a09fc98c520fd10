import type { HostTensor } from '@cgar/graph';
import type { TrmConfig } from './config.js';

// NOTE: in its own file so that checkpoint.ts (save, load) and checkpoint-check.ts (validation)
// both import it without importing each other.

/** A saved training state. */
export interface Checkpoint {
  config: TrmConfig;
  step: number;
  /** Model parameters by official name. */
  params: Map<string, HostTensor>;
  /** Optimizer slots, named like `adam.m/<param>`. */
  optimizer?: Map<string, HostTensor>;
  /** EMA copy of the parameters, same names and shapes as `params`. */
  ema?: Map<string, HostTensor>;
  /** Other training tensors that a resumed run needs, such as the carry of the ACT slots. */
  buffers?: Map<string, HostTensor>;
  /** Trainer state (data position, rng, curriculum); must survive JSON.stringify. */
  state?: unknown;
}
