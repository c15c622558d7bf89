import type { Scanner } from "../dlp/create-scanner.ts";
import { createHeldSecretRedactor, HELD_MARKER } from "../dlp/held-secret-redactor.ts";

/** What a redacted held secret becomes in a response. */
export const REDACTED_MARKER = HELD_MARKER;

/** Redacts the gate's held secrets from what an upstream sends back. */
export interface ResponseRedactor {
  header(value: string): string;
  /** Whether a header name (lower-cased by the parser, as names are) holds a held
   * secret in any case: such a header is dropped, since no redaction makes a name. */
  namesSecret(name: string): boolean;
  /** A fresh redacting stream for one body. */
  body(): TransformStream<Uint8Array, Uint8Array>;
}

/**
 * The redactor for route responses, or undefined when the gate holds no secret: the
 * DLP scanner's own, over every form it precomputes for the held secrets (raw,
 * percent, hex, base64 and base32 at every alignment). Bodies are redacted as they
 * stream: a chunk passes at once except for its end since its last line break (at most
 * the longest form less one byte, whatever those bytes are), so a secret split over
 * chunk boundaries is still caught and server-sent events still arrive event by event.
 */
export function createResponseRedactor(scanner: Scanner): ResponseRedactor | undefined {
  if (scanner.held.exact.length === 0) return undefined;
  // Lower-cased once: every header of every answer is tested against them.
  const lowerForms = [...new Set(scanner.held.exact.map((form) => form.toLowerCase()))];
  return {
    header: (value) => scanner.redactHeld(value),
    namesSecret: (name) => {
      const lower = name.toLowerCase();
      return scanner.redactHeld(name) !== name || lowerForms.some((form) => lower.includes(form));
    },
    body: () => createHeldSecretRedactor(scanner.held),
  };
}
