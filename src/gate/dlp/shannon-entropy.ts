/**
 * Shannon entropy of a string in bits per character (0 for the empty string).
 * Used to spot random-looking hostname labels; see `label-looks-random.ts` for the
 * thresholds.
 */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
