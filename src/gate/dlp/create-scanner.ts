/**
 * A DLP finding: what kind of secret was seen and where. It never carries the secret
 * or any part of it, so it is safe to log and to show in a denial message.
 */
export type Finding = {
  /** e.g. `anthropic-key`, `held-secret`, `high-entropy-label`, `encoded-label`. */
  kind: string;
  /** e.g. `url.query`, `url.path`, `header:x-foo`, `body`, `hostname`. */
  where: string;
};

/** Scans outbound request parts for credentials; every method is pure and synchronous. */
export type Scanner = {
  scanUrl(url: string): Finding[];
  scanHeaders(headers: Iterable<[string, string]>): Finding[];
  scanBody(body: Uint8Array, contentType: string | undefined): Finding[];
  scanHostname(host: string): Finding[];
  /** Replaces every detected secret with `[REDACTED:<kind>]`, for the audit log. */
  redact(text: string): string;
};

/** Options for {@link createScanner}. */
export type ScannerOptions = { heldSecrets: string[] };

/**
 * Builds a scanner. STUB: detects nothing yet; the real implementation follows.
 */
export function createScanner(_options: ScannerOptions): Scanner {
  return {
    scanUrl: () => [],
    scanHeaders: () => [],
    scanBody: () => [],
    scanHostname: () => [],
    redact: (text) => text,
  };
}
