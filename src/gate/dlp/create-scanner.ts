import { MAX_SCANNED_BODY } from "./body-text.ts";
import { detectHeaders, detectHostname, detectUrl, type Detection, type ScanMemo } from "./detect-parts.ts";
import { buildHeldSecretForms, type HeldSecretForms } from "./held-secret-forms.ts";
import { redactHeldText } from "./held-secret-redactor.ts";
import { redactSpans, redactUntilClean, type RedactSpan } from "./redact-spans.ts";
import { scanText } from "./scan-text.ts";
import { scanBodySlices } from "./scan-body.ts";
import { runSliced, runToEnd, type ScanBudget, type SlicedResult } from "./scan-budget.ts";
import { splitUrl } from "./split-url.ts";

/**
 * A DLP finding: what kind of secret was seen and where. It never carries the secret
 * or any part of it, so it is safe to log and to show in a denial message.
 */
export type Finding = {
  /** A credential format (`anthropic-key`, `openai-key`, `aws-access-key`,
   * `github-token`, `gitlab-token`, `slack-token`, `stripe-key`, `google-api-key`,
   * `npm-token`, `pypi-token`, `private-key`, `jwt`), `held-secret`,
   * `key-value-secret`, a financial identifier (`card-number`, `iban`,
   * `bitcoin-address`, `bitcoin-private-key`), `nested-encoding`, a hostname kind
   * (`high-entropy-label`, `encoded-label`, `label-split`), or a body that cannot be
   * scanned (`compression-bomb`, `undecodable-encoding`). */
  kind: string;
  /** `url.path`, `url.query`, `url.userinfo`, `url.fragment`, `header:<lower-case
   * name>` (`header:[REDACTED]` when the name holds a secret or is not a plain name
   * of up to 64 letters, digits and dashes), `headers` (split over several),
   * `body` or `hostname`. */
  where: string;
};

/** The parts of a request the gate can scan. Headers are raw (node's `rawHeaders`
 * or pairs), names with their case as sent. */
export type ScanInput = {
  target?: string;
  /** The target as it goes upstream, where the gate's URL parsing changed it (`\` to
   * `/`, dot segments resolved): scanned too, see {@link Scanner.scanUrl}. */
  forwardedTarget?: string;
  /** A hostname (CONNECT, or Host), port and brackets tolerated. */
  host?: string;
  headers?: readonly string[] | Iterable<readonly [string, string]>;
  body?: Uint8Array;
  contentType?: string;
  contentEncoding?: string;
  /** True when `body` is only the first part of the body (the proxy reads a 1 MiB
   * prefix): the report then says `body-beyond-prefix`, for the audit line. */
  bodyTruncated?: boolean;
  /** True when `body` continues text before it (a WebSocket frame after the tail of
   * its message's earlier frames): it may start inside an encoded run, at any offset. */
  continues?: boolean;
};

/** What a scan found, and where it had to stop short (for the audit line):
 * `scan-budget`, `decoded-size`, `body-size`, `body-beyond-prefix`. Empty when
 * everything was scanned. */
export type ScanReport = { findings: Finding[]; incomplete: string[] };

/** What the audit line may show of a request target: host and path+query, redacted. */
export type AuditTarget = { host: string; path: string };

/**
 * Scans outbound request parts for credentials. Every method never throws on any
 * input and returns each (kind, where) pair at most once. The synchronous methods
 * are bounded (linear in input, with a per-call budget); {@link Scanner.scanRequest}
 * does the same work in slices, yielding to the event loop between them, so one
 * hostile body never stalls other clients.
 */
export type Scanner = {
  /** The request target (absolute-, origin- or authority-form): userinfo, path,
   * query, fragment, and for an absolute-form target its host too. With `forwarded`
   * (the target as it goes upstream), that too when it differs: a secret split by
   * `\` or `/x/../` was two pieces as sent and one as forwarded (a hunt for leaks). */
  scanUrl(url: string, forwarded?: string): Finding[];
  /** Every header name and value as sent, decoded forms, and the concatenation of
   * all values and of all names. */
  scanHeaders(headers: Iterable<readonly [string, string]>): Finding[];
  /** A body (any content type: it is the agent's word), after undoing its
   * `Content-Encoding` under a size and ratio bound. */
  scanBody(body: Uint8Array, contentType: string | undefined, contentEncoding?: string, continues?: boolean): Finding[];
  /** {@link Scanner.scanBody} with where it stopped short (`scan-budget`, `body-size`…). */
  scanBodyReport(body: Uint8Array, contentType: string | undefined, contentEncoding?: string): ScanReport;
  /** A hostname as seen in CONNECT or Host (a port or brackets are tolerated). */
  scanHostname(host: string): Finding[];
  /** Everything in `input`, in slices of at most ~2 ms, yielding between them; stops
   * at the budget and says so in `incomplete`. */
  scanRequest(input: ScanInput, budget?: Partial<ScanBudget>): Promise<ScanReport>;
  /** The host and path of a request target for the audit log, redacted with the
   * same detections the scan makes (hostnames with their case as sent). With
   * `forwarded` (the target as it goes upstream) holding a detection, that form
   * instead: the target as sent would keep the pieces of what only it joins. */
  auditTarget(target: string, forwarded?: string): AuditTarget;
  /** A target (URL or `host:port`) redacted, as {@link Scanner.auditTarget}. */
  redactUrl(target: string): string;
  /** Header pairs with every detected secret (names included) redacted. */
  redactHeaders(headers: Iterable<readonly [string, string]>): [string, string][];
  /** Replaces every detected secret in a URL-like text with `[REDACTED:<kind>]`. */
  redact(text: string): string;
  /** Replaces every form of every held secret in `text` (a response header, say). */
  redactHeld(text: string): string;
  /** The held secrets' forms, for the streaming redactor (`createHeldSecretRedactor`). */
  readonly held: HeldSecretForms;
};

/** Options for {@link createScanner}. */
export type ScannerOptions = {
  /** Secret values the gate holds (injected credentials, keys); those shorter than
   * 8 characters are ignored, see `held-secret-forms.ts`. */
  heldSecrets: string[];
};

/** Findings without duplicates, in first-seen order. */
function uniqueFindings(detections: Iterable<{ kind: string; where: string }>): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const { kind, where } of detections) {
    const key = `${kind}\u0000${where}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind, where });
  }
  return out;
}

/** Header pairs from node's flat `rawHeaders` or from pairs. */
function headerPairs(headers: ScanInput["headers"]): (readonly [string, string])[] {
  if (headers === undefined) return [];
  const list = [...headers];
  if (list.every((item) => typeof item === "string")) {
    const flat = list as string[];
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] ?? "", flat[i + 1] ?? ""]);
    return pairs;
  }
  return list as (readonly [string, string])[];
}

/**
 * Builds a scanner for the given held secrets. All encodings of the held secrets are
 * computed here, once.
 */
export function createScanner(options: ScannerOptions): Scanner {
  const held = buildHeldSecretForms(options.heldSecrets);
  const heldBytes = held.exact.map((form) => Buffer.from(form, "latin1"));

  // Scans of short parts (header names and values, URL parts, hosts) are remembered:
  // they repeat from request to request (see `detect-parts.ts`).
  const memo: ScanMemo = new Map();
  const remembered = <T>(cache: Map<string, T>, key: string, compute: () => T): T => {
    if (key.length > 2048) return compute();
    let value = cache.get(key);
    if (value === undefined) {
      value = compute();
      if (cache.size >= 1024) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
  const hosts = new Map<string, Detection[]>();
  const targets = new Map<string, Detection[]>();
  const hostSpans = (host: string): Detection[] => remembered(hosts, host, () => detectHostname(host, held));
  const targetSpans = (target: string): Detection[] => remembered(targets, target, () => detectUrl(target, held, new Map(), memo));
  const requestWork = function* (input: ScanInput, result: SlicedResult): Generator<void, void> {
    const found: Finding[] = [];
    if (input.host !== undefined) found.push(...hostSpans(input.host));
    if (input.target !== undefined) found.push(...targetSpans(input.target));
    if (input.forwardedTarget !== undefined && input.forwardedTarget !== input.target) found.push(...targetSpans(input.forwardedTarget));
    result.findings.push(...uniqueFindings(found));
    yield;
    const pairs = headerPairs(input.headers);
    if (pairs.length > 0) result.findings.push(...uniqueFindings(detectHeaders(pairs, held, new Map(), memo)));
    yield;
    if (input.body !== undefined) yield* scanBodySlices(input.body, input.contentType, input.contentEncoding, held, heldBytes, result, input.continues === true);
    if (input.bodyTruncated === true) result.incomplete.push("body-beyond-prefix");
  };
  const report = (result: SlicedResult): ScanReport => ({ findings: uniqueFindings(result.findings), incomplete: result.incomplete });
  const fresh = (): SlicedResult => ({ findings: [], incomplete: [] });

  const redactTarget = (target: string): string => redactUntilClean(target, targetSpans);
  /** A target's host and path, redacted with the scan's own detections. */
  const auditParts = (target: string): AuditTarget => {
    const parts = splitUrl(target);
    const path = target.slice(parts.starts.path);
    // A clean target (no detection in any part, its host included) is logged as it
    // is: one scan of it, which the request's own scan then finds remembered,
    // instead of the path scanned again on its own.
    if (targetSpans(target).length === 0) return { host: parts.host, path };
    const host = parts.host === "" ? "" : redactUntilClean(parts.host, hostSpans);
    return { host, path: path === "" ? "" : redactUntilClean(path, targetSpans) };
  };
  const textSpans = (text: string): RedactSpan[] => [...scanText(text, "url", held), ...targetSpans(text)];

  const bodyReport = (body: Uint8Array, contentType: string | undefined, contentEncoding?: string, continues = false): ScanReport => {
    const result = fresh();
    return report(runToEnd(scanBodySlices(body, contentType, contentEncoding, held, heldBytes, result, continues), result));
  };

  return {
    held,
    scanUrl: (target, forwarded) =>
      uniqueFindings(forwarded === undefined || forwarded === target ? targetSpans(target) : [...targetSpans(target), ...targetSpans(forwarded)]),
    scanHeaders: (headers) => uniqueFindings(detectHeaders([...headers], held, new Map(), memo)),
    scanBody: (body, contentType, contentEncoding, continues) => bodyReport(body, contentType, contentEncoding, continues).findings,
    scanBodyReport: bodyReport,
    scanHostname: (host) => uniqueFindings(hostSpans(host)),
    async scanRequest(input, budget) {
      const result = fresh();
      return report(await runSliced(requestWork(input, result), result, budget));
    },
    auditTarget(sent, forwarded) {
      const shown = auditParts(sent);
      if (forwarded === undefined || forwarded === sent || targetSpans(forwarded).length === 0) return shown;
      // The host as sent, redacted with its own detections: the forwarded form's is
      // lower-cased, which hid a case-sensitive secret from them (a review, this round).
      return { host: shown.host, path: auditParts(forwarded).path };
    },
    redactUrl: redactTarget,
    redactHeaders(headers) {
      const pairs = [...headers].map(([name, value]) => [name, value] as [string, string]);
      for (let round = 0; round < 3; round++) {
        const detections = detectHeaders(pairs, held);
        if (detections.length === 0) return pairs;
        pairs.forEach((pair, header) => {
          for (const [index, part] of [[0, "name"], [1, "value"]] as const) {
            const spans = detections.filter((detection) => detection.header === header && detection.part === part);
            pair[index] = redactSpans(pair[index], spans);
          }
        });
      }
      // Still detectable after three rounds: drop every header that takes part.
      const left = new Set(detectHeaders(pairs, held).map((detection) => detection.header));
      return pairs.map(([name, value], header) => (left.has(header) ? ["[REDACTED]", "[REDACTED]"] : [name, value]));
    },
    redact: (text) => redactUntilClean(text, textSpans),
    redactHeld: (text) => redactHeldText(text, held),
  };
}

export { MAX_SCANNED_BODY };
