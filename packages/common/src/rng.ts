/**
 * The project's one seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, PractRand). Datasets, augmentation, loader order and parameter initialisation all draw
 * from it. Same seed, same integer and uniform draws on every platform; the normal draws go through
 * `Math.log` and `Math.cos`, which JavaScript engines may round differently in the last bit.
 */
export interface Rng {
  /** Uniform float64 in [0, 1), 53 random bits. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [0, n), exact (rejection sampling); `n` an integer in [1, 2^32]. */
  int(n: number): number;
  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T;
  /** Standard normal (Box-Muller on two `next()` draws, no cached spare, so `state()` is the whole state). */
  normal(): number;
  /**
   * Standard normal conditioned on `[lower, upper]`, by rejection: it takes `1 / P(lower <= Z <= upper)`
   * normals on average, so the bounds should hold a fair share of the mass (such as +-2).
   */
  truncatedNormal(lower: number, upper: number): number;
  /** The 4 words of the generator, as JSON-safe numbers. */
  state(): RngState;
  /** Restores a state captured by `state()`; the sequence continues exactly from there. */
  setState(state: RngState): void;
}

/** The sfc32 words `[a, b, c, counter]`, each an integer in [0, 2^32). */
export type RngState = [number, number, number, number];

const TWO_32 = 4294967296;

/**
 * Creates a seeded sfc32 generator. Seeding follows PractRand's `sfc32::seed(uint64)`:
 * `a = 0, b = low 32 bits, c = high bits, counter = 1`, then 12 outputs are discarded.
 *
 * @example
 * const rng = createRng(42);
 * rng.next(); // 0.0..1
 * const saved = rng.state();
 * const x = rng.int(10);
 * rng.setState(saved);
 * rng.int(10) === x; // true
 * rng.truncatedNormal(-2, 2); // a standard normal within +-2
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number') throw new TypeError(`createRng: 'seed' must be a number, got ${typeof seed}`);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`createRng: 'seed' must be an integer in [0, 2^53), got ${seed}`);
  }
  let a = 0;
  let b = seed >>> 0;
  let c = Math.floor(seed / TWO_32) >>> 0;
  let d = 1;

  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();

  const next = (): number => {
    const hi = uint32() >>> 5;
    const lo = uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) {
      throw new RangeError(`Rng.int: 'n' must be an integer in [1, 2^32], got ${n}`);
    }
    // NOTE: rejection keeps the draw exactly uniform; at most half the range is ever rejected.
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const x = uint32();
      if (x < limit) return x % n;
    }
  };

  const shuffle = <T extends { length: number; [index: number]: unknown }>(items: T): T => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  };

  const normal = (): number => {
    const u = 1 - next(); // (0, 1], so the log is finite
    const theta = 2 * Math.PI * next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(theta);
  };

  const truncatedNormal = (lower: number, upper: number): number => {
    if (typeof lower !== 'number' || typeof upper !== 'number') {
      throw new TypeError(
        `Rng.truncatedNormal: 'lower' and 'upper' must be numbers, got ${typeof lower} and ${typeof upper}`,
      );
    }
    // NOTE: beyond 8 standard deviations the interval holds under 1e-15 of the mass: rejection would never end.
    if (!(lower < upper) || upper < -8 || lower > 8) {
      throw new RangeError(
        `Rng.truncatedNormal: 'lower' and 'upper' must satisfy lower < upper and overlap [-8, 8], got [${lower}, ${upper}]`,
      );
    }
    for (;;) {
      const v = normal();
      if (v >= lower && v <= upper) return v;
    }
  };

  const state = (): RngState => [a >>> 0, b >>> 0, c >>> 0, d >>> 0];

  const setState = (s: RngState): void => {
    const ok =
      Array.isArray(s) && s.length === 4 && s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_32);
    if (!ok) {
      throw new TypeError(
        `Rng.setState: 'state' must be 4 integers in [0, 2^32) as returned by state(), got ${JSON.stringify(s)}`,
      );
    }
    a = s[0] | 0;
    b = s[1] | 0;
    c = s[2] | 0;
    d = s[3] | 0;
  };

  return { next, uint32, int, shuffle, normal, truncatedNormal, state, setState };
}

/**
 * Derives an independent 32-bit seed from a seed and labels (murmur3-style mixing), so each part of a
 * run (train split, test split, loader order of epoch 3, ...) gets its own stream.
 *
 * @example
 * const testSeed = deriveSeed(42, 'test'); // stable across runs and platforms
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`deriveSeed: 'seed' must be an integer in [0, 2^53), got ${seed}`);
  }
  let h = mix(0x9e3779b9 ^ (seed >>> 0));
  h = mix(h ^ (Math.floor(seed / TWO_32) >>> 0));
  for (const label of labels) {
    const text = typeof label === 'number' ? `#${label}` : `$${label}`;
    for (let i = 0; i < text.length; i++) h = mix(h ^ text.charCodeAt(i));
    h = mix(h ^ 0xff);
  }
  return h >>> 0;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
