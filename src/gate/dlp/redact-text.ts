import { findHits, type FindHitsOptions, type Hit } from "./find-hits.ts";
import { percentDecodeRounds } from "./percent-decode.ts";

function replaceHits(text: string, hits: Hit[]): string {
  const sorted = [...hits].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = "";
  let at = 0;
  for (let i = 0; i < sorted.length; i++) {
    const hit = sorted[i];
    if (hit === undefined) continue;
    let end = hit.end;
    // Merge overlapping hits so one secret becomes one marker.
    while (i + 1 < sorted.length && (sorted[i + 1]?.start ?? Infinity) < end) {
      end = Math.max(end, sorted[i + 1]?.end ?? end);
      i++;
    }
    if (hit.start < at) continue;
    out += `${text.slice(at, hit.start)}[REDACTED:${hit.kind}]`;
    at = end;
  }
  return out + text.slice(at);
}

function firstHitInAnyForm(text: string, options: FindHitsOptions): Hit | undefined {
  for (const form of percentDecodeRounds(text, false)) {
    const [hit] = findHits(form, options);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * `text` with every detected secret replaced by `[REDACTED:<kind>]`, for the audit
 * log. Spans are replaced in the text as given; when a secret is only visible after
 * percent-decoding, the decoded text is redacted instead (the log then shows the
 * decoded form). If anything is still detected after that (a split that can't be
 * localised), the whole text is replaced: the log must never carry a secret.
 */
export function redactText(text: string, options: FindHitsOptions): string {
  let out = replaceHits(text, findHits(text, options));
  const rounds = percentDecodeRounds(out, false);
  const decoded = rounds[rounds.length - 1] ?? out;
  if (decoded !== out && firstHitInAnyForm(out, options) !== undefined) {
    out = replaceHits(decoded, findHits(decoded, options));
  }
  const left = firstHitInAnyForm(out, options);
  return left === undefined ? out : `[REDACTED:${left.kind}]`;
}
