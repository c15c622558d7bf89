import { isCompactAwsKey } from "./credential-patterns.ts";
import { decodeBase32, decodeBase64, decodeHex } from "./decode-token.ts";
import { decodedSegments } from "./decode-aligned.ts";
import { findHits, type FindHitsOptions } from "./find-hits.ts";
import type { HeldSecretForms } from "./held-secret-forms.ts";
import { labelLooksRandom } from "./label-looks-random.ts";

/** An AWS key id in an upper-cased hostname: its prefix and 16 characters (anything may follow: the case that told them apart is gone). */
const LOWERED_AWS_KEY = /(?:AKIA|ASIA)([A-Z0-9]{16})/g;

/** By default, up to this many adjacent labels are joined and decoded, so data split
 * across labels (`<part1>.<part2>.evil.example`) is still decoded whole; all the
 * labels under the parent domain are also joined as one. */
const MAX_JOINED_LABELS = 4;
/** By default, a hostname with more labels than this under its parent domain is
 * data split into labels (`Z2.hw.X0.…evil.example`): public names stay well below
 * (`bucket.s3.us-west-2.amazonaws.com` has three). */
export const MAX_INNER_LABELS = 5;

/**
 * Whether decoded label bytes are text someone encoded on purpose: at least 8 bytes,
 * all printable, mostly letters, digits and spaces. Stricter than the URL check
 * because ordinary words are valid base32/base64 and decode to noise: 8 random
 * bytes pass this about 1 time in 50,000.
 */
function isEncodedText(decoded: string | undefined): decoded is string {
  if (decoded === undefined || decoded.length < 8) return false;
  let wordy = 0;
  for (let i = 0; i < decoded.length; i++) {
    const code = decoded.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
    if (/[A-Za-z0-9 ]/.test(decoded[i] ?? "")) wordy++;
  }
  return wordy >= decoded.length * 0.7;
}

function hostLabels(host: string): string[] {
  let bare = host.trim();
  if (bare.startsWith("[")) return []; // an IPv6 literal carries no labels
  bare = bare.replace(/:\d*$/, "").replace(/\.$/, "");
  if (/^[0-9.]+$/.test(bare)) return [];
  return bare.split(".");
}

/**
 * The kinds found in a hostname (what a CONNECT tunnel reveals): credentials and held
 * secrets written into it (case-insensitively where the encoding allows), labels that
 * decode as hex, base32 or base64url to a credential (its kind) or to other text
 * (`encoded-label`), and random-looking labels (`high-entropy-label`).
 */
export function hostnameKinds(host: string, held: HeldSecretForms): string[] {
  const kinds = new Set<string>();
  const labels = hostLabels(host);
  if (labels.length === 0) return [];
  const name = labels.join(".");
  const direct: FindHitsOptions = { held, compact: "url", decode: false, structured: false };
  for (const hit of findHits(name, direct)) kinds.add(hit.kind);
  const lower = name.toLowerCase();
  const lowerCompact = lower.replace(/[.-]/g, "");
  if (held.caseless.some((form) => lower.includes(form) || lowerCompact.includes(form))) kinds.add("held-secret");
  // DNS ignores case and AWS key ids are upper case only: one written lower case in a
  // label is still the key, and the gate's own lookup carried it out (a hunt for leaks,
  // this round). Read upper-cased, glued or not, with the compact form's check that it
  // is no upper-case words (`asia-east2` regions have their dashes, and fail it joined).
  const upper = name.toUpperCase();
  for (const match of upper.matchAll(LOWERED_AWS_KEY)) if (isCompactAwsKey(match[1] as string)) kinds.add("aws-access-key");
  // Split over labels or by dashes: joined, region names read as ids (`asia-east2-docker`
  // is `ASIA` + `EAST2DOCKERPKGDE`), so a joined one needs two digits too.
  for (const match of upper.replace(/[.-]/g, "").matchAll(LOWERED_AWS_KEY)) {
    const id = match[1] as string;
    if (isCompactAwsKey(id) && (id.match(/[2-7]/g)?.length ?? 0) >= 2) kinds.add("aws-access-key");
  }

  // Joined windows of adjacent labels, leaving out the top-level domain.
  const inner = labels.slice(0, -1);
  const windows: string[] = [];
  // Everything under the parent domain (the last two labels), joined: base64url in
  // 2-character labels decodes only whole (issue 9, finding 6).
  const underParent = labels.slice(0, -2);
  if (underParent.length > 1) windows.push(underParent.join(""), underParent.join("").replaceAll("-", ""));
  if (underParent.length > MAX_INNER_LABELS) kinds.add("label-split");
  for (let first = 0; first < inner.length; first++) {
    for (let count = 1; count <= MAX_JOINED_LABELS && first + count <= inner.length; count++) {
      const joined = inner.slice(first, first + count).join("");
      windows.push(joined);
      if (joined.includes("-")) windows.push(joined.replaceAll("-", ""));
    }
  }
  const decodedOptions: FindHitsOptions = { held, compact: false, decode: false, structured: false };
  for (const window of windows) {
    for (const decoded of [decodeHex(window), decodeBase32(window), decodeBase64(window), ...decodedSegments(window, 0, window.length, 11).map((segment) => segment.text)]) {
      if (decoded === undefined || decoded.length < 8) continue;
      const found = findHits(decoded, decodedOptions);
      for (const hit of found) kinds.add(hit.kind);
      if (found.length === 0 && isEncodedText(decoded)) kinds.add("encoded-label");
    }
  }
  if (labels.some(labelLooksRandom) || (underParent.length > 1 && labelLooksRandom(underParent.join("")))) kinds.add("high-entropy-label");
  return [...kinds];
}
