import { createRng, deriveSeed, Problems, type RngState } from '@cgar/common';
import type { SudokuExample } from './grid.js';
import { sudokuTask, type Task } from './task.js';

/** Options of `createLoader`. */
export interface LoaderOptions<E = SudokuExample> {
  /** Examples per `next()` without a count. */
  batchSize: number;
  /** Seeds the per-epoch order and the augmentation stream. */
  seed: number;
  /** Apply `task.augment` to every example drawn (default true). */
  augment?: boolean;
  /** Reshuffle the order at every epoch (default true); otherwise dataset order. */
  shuffle?: boolean;
  /** The task that encodes and augments examples (default `sudokuTask`). */
  task?: Task<E>;
}

/** Encoded examples, row-major: example `k` occupies `[k * seqLen, (k + 1) * seqLen)`. */
export interface Batch {
  count: number;
  seqLen: number;
  inputs: Int32Array;
  labels: Int32Array;
  /** Index in the dataset of each example. */
  indices: Int32Array;
}

/** Everything needed to resume a loader exactly; JSON-serialisable. */
export interface LoaderState {
  version: 1;
  seed: number;
  size: number;
  epoch: number;
  position: number;
  rng: RngState;
}

/** A seeded, resumable stream of encoded (and augmented) examples. */
export interface Loader {
  readonly size: number;
  /** Completed passes over the dataset. */
  readonly epoch: number;
  /** Examples already drawn in the current epoch. */
  readonly position: number;
  /** The next `count` examples (default `batchSize`); crosses epoch boundaries, reshuffling. */
  next(count?: number): Batch;
  state(): LoaderState;
  restore(state: LoaderState): void;
}

/**
 * Streams batches from a dataset, reproducibly: the order of epoch `e` is a shuffle seeded by
 * `(seed, e)`, and augmentations draw from one stream whose state is part of `state()`. `next(count)`
 * returns exactly `count` examples, so a trainer can refill only its halted slots.
 *
 * @example
 * const train = readDataset('data/sudoku/train');
 * const loader = createLoader(train, { batchSize: 64, seed: 1 });
 * const { inputs, labels } = loader.next(); // Int32Array(64 * 81) each
 * const saved = JSON.stringify(loader.state());
 * loader.restore(JSON.parse(saved)); // resumes the same sequence
 */
export function createLoader<E = SudokuExample>(
  dataset: readonly E[] | { readonly examples: readonly E[] },
  options: LoaderOptions<E>,
): Loader {
  const examples: readonly E[] = Array.isArray(dataset)
    ? dataset
    : (dataset as { examples: readonly E[] }).examples;
  const task = options.task ?? (sudokuTask as unknown as Task<E>);
  const { batchSize, seed } = options;
  const augment = options.augment ?? true;
  const shuffle = options.shuffle ?? true;
  const problems = new Problems();
  if (!Array.isArray(examples)) problems.type(`'dataset' must be an array of examples or { examples }`);
  else if (examples.length === 0) problems.range(`'dataset' is empty`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    problems.add(
      typeof batchSize === 'number' ? 'range' : 'type',
      `'batchSize' must be an integer >= 1, got ${batchSize}`,
    );
  if (!Number.isSafeInteger(seed) || seed < 0)
    problems.add(
      typeof seed === 'number' ? 'range' : 'type',
      `'seed' must be an integer in [0, 2^53), got ${seed}`,
    );
  problems.throwIfAny('createLoader');

  const size = examples.length;
  const seqLen = task.seqLen;
  const rng = createRng(deriveSeed(seed, 'augment'));
  let epoch = 0;
  let position = 0;
  let order = orderOf(0);

  function orderOf(e: number): Uint32Array {
    const o = new Uint32Array(size);
    for (let i = 0; i < size; i++) o[i] = i;
    return shuffle ? createRng(deriveSeed(seed, 'order', e)).shuffle(o) : o;
  }

  function next(count = batchSize): Batch {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`Loader.next: 'count' must be a non-negative integer, got ${count}`);
    }
    const inputs = new Int32Array(count * seqLen);
    const labels = new Int32Array(count * seqLen);
    const indices = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      if (position === size) {
        epoch++;
        position = 0;
        order = orderOf(epoch);
      }
      const index = order[position++] as number;
      const raw = examples[index] as E;
      const example = augment ? task.augment(raw, rng) : raw;
      task.encodeInput(example, inputs, k * seqLen);
      task.encodeLabels(example, labels, k * seqLen);
      indices[k] = index;
    }
    return { count, seqLen, inputs, labels, indices };
  }

  function state(): LoaderState {
    return { version: 1, seed, size, epoch, position, rng: rng.state() };
  }

  function restore(s: LoaderState): void {
    // NOTE: a state that does not fit this loader is a call its state does not allow: an Error.
    const bad = new Problems();
    if (s === null || typeof s !== 'object')
      throw new TypeError("Loader.restore: 'state' must be an object from state()");
    if (s.version !== 1) bad.state(`version ${s.version}, expected 1`);
    if (s.seed !== seed) bad.state(`seed ${s.seed}, but this loader has seed ${seed}`);
    if (s.size !== size) bad.state(`dataset size ${s.size}, but this dataset has ${size} examples`);
    if (!Number.isSafeInteger(s.epoch) || s.epoch < 0)
      bad.state(`epoch ${s.epoch} is not a non-negative integer`);
    if (!Number.isSafeInteger(s.position) || s.position < 0 || s.position > size) {
      bad.state(`position ${s.position} is outside [0, ${size}]`);
    }
    bad.throwIfAny(
      'Loader.restore: the state does not fit this loader',
      'Create the loader with the same dataset and seed as the run being resumed.',
    );
    rng.setState(s.rng);
    if (s.epoch !== epoch) order = orderOf(s.epoch);
    epoch = s.epoch;
    position = s.position;
  }

  return {
    get size() {
      return size;
    },
    get epoch() {
      return epoch;
    },
    get position() {
      return position;
    },
    next,
    state,
    restore,
  };
}
