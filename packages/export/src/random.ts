/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32) with uniform, normal
 * (Box-Muller) and truncated-normal draws. Same seed and stream, same numbers, on every platform.
 */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  u32(): number;
  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Standard normal conditioned on [lower, upper] (rejection sampling). */
  truncatedNormal(lower: number, upper: number): number;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Creates a generator from a seed and an optional stream name; different streams of one seed
 * are independent, so adding a tensor does not shift the numbers of another.
 *
 * @example
 * const rng = createRng(0, 'inner.H_init');
 * rng.normal();
 */
export function createRng(seed: number, stream = ''): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`createRng: 'seed' must be a safe integer, got ${seed}`);
  }
  let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1) ^ hashString(stream);
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()] as [number, number, number, number];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  const rotl = (v: number, k: number) => (v << k) | (v >>> (32 - k));
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const uniform = (): number => u32() / 2 ** 32;
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    const u1 = 1 - uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const truncatedNormal = (lower: number, upper: number): number => {
    for (;;) {
      const v = normal();
      if (v >= lower && v <= upper) return v;
    }
  };
  return { u32, uniform, normal, truncatedNormal };
}

// NOTE: the official trunc_normal_init_ (a port of JAX's) rescales so that the std of the
// truncated distribution, not of the underlying normal, equals the requested std.
const TRUNC_STD = (() => {
  const [lower, upper] = [-2, 2];
  const c = 1 / Math.sqrt(2 * Math.PI);
  const pdfL = c * Math.exp(-0.5 * lower * lower);
  const pdfU = c * Math.exp(-0.5 * upper * upper);
  const z = 0.9544997361036416; // P(-2 <= N(0,1) <= 2)
  return Math.sqrt(1 - (upper * pdfU - lower * pdfL) / z - ((pdfU - pdfL) / z) ** 2);
})();

/**
 * Fills `out` with a normal truncated at +-2 standard deviations whose actual std is `std`,
 * as the official TRM `trunc_normal_init_` does.
 *
 * @example
 * truncNormalFill(new Float32Array(8), createRng(1), 0.5);
 */
export function truncNormalFill(out: Float32Array, rng: Rng, std: number): Float32Array {
  const scale = std / TRUNC_STD;
  for (let i = 0; i < out.length; i++) out[i] = rng.truncatedNormal(-2, 2) * scale;
  return out;
}
