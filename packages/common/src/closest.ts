/** Edit distance (insertions, deletions, substitutions) between `a` and `b`. */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min(prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known name a misspelt `name` most likely meant, for a did-you-mean hint: a case-insensitive
 * match first, else the nearest by edit distance if it is within `max(2, length / 3)` edits and not a
 * rewrite of the whole name; `undefined` when nothing is that close.
 *
 * @example
 * closest('hiden', ['hidden', 'heads']); // 'hidden'
 * closest('xyz', ['hidden']); // undefined
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  let best: [string, number] | undefined;
  for (const k of known) {
    const d = levenshtein(name, k);
    if (!best || d < best[1]) best = [k, d];
  }
  return best && best[1] <= Math.max(2, Math.floor(name.length / 3)) && best[1] < name.length
    ? best[0]
    : undefined;
}
