import { isBinaryContentType, isFormContentType, jsonStringsIfEscaped, MAX_SCANNED_BODY } from "./body-text.ts";
import { findHits, type FindHitsOptions } from "./find-hits.ts";
import { buildHeldSecretForms } from "./held-secret-forms.ts";
import { hostnameKinds } from "./hostname-kinds.ts";
import { percentDecodeRounds } from "./percent-decode.ts";
import { redactText } from "./redact-text.ts";
import { splitUrl } from "./split-url.ts";

/**
 * A DLP finding: what kind of secret was seen and where. It never carries the secret
 * or any part of it, so it is safe to log and to show in a denial message.
 */
export type Finding = {
  /** `anthropic-key`, `openai-key`, `aws-access-key`, `github-token`, `gitlab-token`,
   * `slack-token`, `stripe-key`, `google-api-key`, `npm-token`, `pypi-token`,
   * `private-key`, `jwt`, `held-secret`, `high-entropy-label` or `encoded-label`. */
  kind: string;
  /** `url.path`, `url.query`, `url.userinfo`, `url.fragment`, `header:<lower-case
   * name>` (`header:[REDACTED]` when the name holds a secret or is not a plain name
   * of up to 64 letters, digits and dashes), `body` or `hostname`. */
  where: string;
};

/**
 * Scans outbound request parts for credentials. Every method is synchronous, never
 * throws on any input, and returns each (kind, where) pair at most once.
 */
export type Scanner = {
  /** The request target (absolute- or origin-form): userinfo, path, query, fragment,
   * and for an absolute-form target its host too (as {@link Scanner.scanHostname}). */
  scanUrl(url: string): Finding[];
  /** Every header name and value, including percent- and base64/base32/hex-decoded forms. */
  scanHeaders(headers: Iterable<[string, string]>): Finding[];
  /** Up to 1 MiB of a text body for patterns; the whole body for held secrets. */
  scanBody(body: Uint8Array, contentType: string | undefined): Finding[];
  /** A hostname as seen in CONNECT or Host (a port or brackets are tolerated). */
  scanHostname(host: string): Finding[];
  /** Replaces every detected secret with `[REDACTED:<kind>]`, for the audit log. */
  redact(text: string): string;
};

/** Options for {@link createScanner}. */
export type ScannerOptions = {
  /** Secret values the gate holds (injected credentials, keys); those shorter than
   * 8 characters are ignored, see `held-secret-forms.ts`. */
  heldSecrets: string[];
};

class Findings {
  readonly list: Finding[] = [];
  readonly #seen = new Set<string>();

  add(kind: string, where: string): void {
    const key = `${kind}\u0000${where}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.list.push({ kind, where });
  }
}

/**
 * Builds a scanner for the given held secrets. All encodings of the held secrets are
 * computed here, once; scans are then regex and substring searches.
 */
export function createScanner(options: ScannerOptions): Scanner {
  const held = buildHeldSecretForms(options.heldSecrets);
  const url: FindHitsOptions = { held, compact: true, decode: true };
  const text: FindHitsOptions = { held, compact: false, decode: true };
  const heldBytes = held.exact.map((form) => Buffer.from(form, "latin1"));

  const scanForms = (value: string, where: string, scan: FindHitsOptions, out: Findings, plusIsSpace = false): void => {
    for (const form of percentDecodeRounds(value, plusIsSpace)) {
      for (const hit of findHits(form, scan)) out.add(hit.kind, where);
    }
  };

  return {
    scanUrl(target) {
      const out = new Findings();
      const parts = splitUrl(target);
      if (parts.userinfo !== "") scanForms(parts.userinfo, "url.userinfo", url, out);
      if (parts.host !== "") for (const kind of hostnameKinds(parts.host, held)) out.add(kind, "hostname");
      if (parts.path !== "") scanForms(parts.path, "url.path", url, out);
      if (parts.query !== "") {
        scanForms(parts.query, "url.query", url, out);
        // A key split over parameters (`a=AKIA…&b=…`) has the parameter names in
        // between; the values alone, concatenated, are the key again.
        const values = parts.query.split("&").map((pair) => pair.slice(pair.indexOf("=") + 1));
        if (values.length > 1) scanForms(values.join(""), "url.query", url, out);
      }
      if (parts.fragment !== "") scanForms(parts.fragment, "url.fragment", url, out);
      return out.list;
    },

    scanHeaders(headers) {
      const out = new Findings();
      for (const [name, value] of headers) {
        // The name is the agent's to choose too: if it carries a secret, or is not
        // shaped like a header name (where a piece of a split key could hide), the
        // finding's `where` must not repeat it.
        const nameFindings = new Findings();
        scanForms(name, "header:[REDACTED]", text, nameFindings);
        const plainName = nameFindings.list.length === 0 && /^[A-Za-z0-9-]{1,64}$/.test(name);
        const where = plainName ? `header:${name.toLowerCase()}` : "header:[REDACTED]";
        for (const finding of nameFindings.list) out.add(finding.kind, finding.where);
        scanForms(value, where, text, out);
      }
      return out.list;
    },

    scanBody(body, contentType) {
      const out = new Findings();
      const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const binary = isBinaryContentType(contentType);
      if (binary || bytes.length > MAX_SCANNED_BODY) {
        if (heldBytes.some((form) => bytes.includes(form))) out.add("held-secret", "body");
      }
      if (binary) return out.list;
      const scanned = bytes.subarray(0, MAX_SCANNED_BODY).toString("latin1");
      scanForms(scanned, "body", text, out, isFormContentType(contentType));
      const strings = jsonStringsIfEscaped(scanned);
      if (strings !== undefined) scanForms(strings, "body", text, out);
      return out.list;
    },

    scanHostname(host) {
      return hostnameKinds(host, held).map((kind) => ({ kind, where: "hostname" }));
    },

    redact(value) {
      return redactText(value, url);
    },
  };
}
