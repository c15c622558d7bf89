/** Counts per character code, reused (the scanner is synchronous). */
const counts = new Uint32Array(65536);

/**
 * Shannon entropy of `text[from, to)` (by default all of it) in bits per character
 * (0 for the empty string).
 * Used to spot random-looking hostname labels and non-trivial key/value secrets;
 * see `label-looks-random.ts` for the thresholds. Counts in a typed array rather
 * than a `Map`: this runs once per key/value pair of a body.
 */
export function shannonEntropy(text: string, from = 0, to = text.length): number {
  const length = to - from;
  if (length <= 0) return 0;
  for (let i = from; i < to; i++) counts[text.charCodeAt(i)] = (counts[text.charCodeAt(i)] as number) + 1;
  // H = log2(n) - Σ c·log2(c) / n over the character counts c: one table lookup per
  // distinct character instead of a division and a log2 (a fifth of the cost of a
  // MiB of `password=…` pairs, Bun 1.4.5).
  let sum = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    const count = counts[code] as number;
    if (count === 0) continue;
    sum += count < C_LOG_C.length ? (C_LOG_C[count] as number) : count * Math.log2(count);
    counts[code] = 0;
  }
  return Math.max(0, Math.log2(length) - sum / length);
}

/** `c · log2(c)` for the counts a key/value secret (at most 512 characters) or a label can have. */
const C_LOG_C = Float64Array.from({ length: 1024 }, (_, count) => (count === 0 ? 0 : count * Math.log2(count)));
