/** Counts per character code, reused (the scanner is synchronous). */
const counts = new Uint32Array(65536);

/**
 * Shannon entropy of a string in bits per character (0 for the empty string).
 * Used to spot random-looking hostname labels and non-trivial key/value secrets;
 * see `label-looks-random.ts` for the thresholds. Counts in a typed array rather
 * than a `Map`: this runs once per key/value pair of a body.
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  for (let i = 0; i < text.length; i++) counts[text.charCodeAt(i)] = (counts[text.charCodeAt(i)] as number) + 1;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const count = counts[code] as number;
    if (count === 0) continue;
    const p = count / text.length;
    bits -= p * Math.log2(p);
    counts[code] = 0;
  }
  return bits;
}
