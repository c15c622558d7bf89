/**
 * The maximal runs of at least `minRun` characters of one alphabet (a decode table:
 * a character is in it when its value is not -1), as a greedy `/[class]{minRun,}/g`
 * finds them, but skipping ahead: a run of `minRun` from `start` needs the character
 * at `start + minRun - 1` in the class, so that one is tested first and a miss skips
 * `minRun` characters at once. The regex retried every character of every short run
 * (`eyJhbGciOiJIUzI1.` pieces are 15-letter base32 runs tried 15 times each: 9% of
 * a MiB of JWT-like fragments, Bun 1.4.5 profile).
 */

/** Pushes `[start, end)` of each run in `text[from, to)` onto `starts` and `ends`. */
export function classRuns(text: string, from: number, to: number, values: Int8Array, minRun: number, starts: number[], ends: number[]): void {
  const last = minRun - 1;
  // Invariant: `start` is `from` or follows a character outside the class, so a run
  // found from it is maximal on the left; `known` is how far from `start` is known to
  // be in the class (walked already), so no character is walked back over twice.
  let start = from;
  let known = from;
  while (start + last < to) {
    const probe = start + last;
    if (!inClass(text, probe, values)) {
      start = probe + 1;
      known = start;
      continue;
    }
    let back = probe - 1;
    while (back >= known && inClass(text, back, values)) back--;
    if (back >= known) {
      // `(back, probe]` is in the class: the next try starts after `back`.
      start = back + 1;
      known = probe + 1;
      continue;
    }
    let end = probe + 1;
    while (end < to && inClass(text, end, values)) end++;
    starts.push(start);
    ends.push(end);
    start = end + 1;
    known = start;
  }
}

function inClass(text: string, index: number, values: Int8Array): boolean {
  const code = text.charCodeAt(index);
  return code < 128 && (values[code] as number) >= 0;
}
