/** A span to redact and the kind it is replaced with. */
export type RedactSpan = { kind: string; start: number; end: number };

/**
 * `text` with every span replaced by `[REDACTED:<kind>]`; overlapping spans merge
 * into one marker (named after the first), so one secret is one marker.
 */
export function redactSpans(text: string, spans: readonly RedactSpan[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let at = 0;
  for (let i = 0; i < sorted.length; i++) {
    const span = sorted[i] as RedactSpan;
    let end = span.end;
    while (i + 1 < sorted.length && (sorted[i + 1]?.start ?? Infinity) < end) end = Math.max(end, sorted[++i]?.end ?? end);
    const start = Math.max(span.start, at);
    if (end <= start) continue;
    out += `${text.slice(at, start)}[REDACTED:${span.kind}]`;
    at = end;
  }
  return out + text.slice(at);
}

/**
 * Redacts `text` with what `detect` finds, then checks the result with `detect`
 * again: a marker can join what was around it into something detectable, so this
 * repeats (three times at most) and, if anything is still found, replaces the whole
 * text. The audit log must never carry a secret.
 */
export function redactUntilClean(text: string, detect: (text: string) => readonly RedactSpan[]): string {
  let current = text;
  for (let round = 0; round < 3; round++) {
    const spans = detect(current);
    if (spans.length === 0) return current;
    current = redactSpans(current, spans);
  }
  const left = detect(current)[0];
  return left === undefined ? current : `[REDACTED:${left.kind}]`;
}
