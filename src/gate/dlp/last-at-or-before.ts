/**
 * The index of the last entry of ascending `sorted` at or before `value`, or -1 when
 * every entry is past it: a binary search. With `stride`, entries are every
 * `stride`-th number (records laid out flat) and the index counts records.
 */
export function lastAtOrBefore(sorted: ArrayLike<number>, value: number, stride = 1): number {
  let low = 0;
  let high = Math.floor(sorted.length / stride) - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle * stride] as number) <= value) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
