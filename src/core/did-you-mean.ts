/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** True when `b` is `a` with two neighbouring letters swapped (`strat` → `start`), the commonest typo. */
function isOneSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((char, index) => (char === b[index] ? [] : [index]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

/**
 * The closest of `candidates` to a mistyped `word`, if it is close enough to be a typo:
 * at most a third of the word's length away (at least 1, so `comand` → `command`), or
 * the same word in another case or with `-` for `_`.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const normal = (text: string) => text.toLowerCase().replaceAll("-", "_");
  const budget = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = normal(candidate) === normal(word) ? 0 : isOneSwap(word, candidate) ? 1 : levenshtein(word, candidate);
    if (distance <= budget && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
