import { buildHeldSecretForms } from "../dlp/held-secret-forms.ts";

/** What a redacted held secret becomes in a response. */
export const REDACTED_MARKER = "[REDACTED:held-secret]";

/** One response body's redactor: feed chunks in order, then `end`. */
export interface BodyRedactor {
  /** The chunk with held secrets replaced; bytes that may begin a secret wait for the next chunk. */
  push(chunk: Uint8Array): Uint8Array;
  /** What was held back (never a whole secret). */
  end(): Uint8Array;
}

/** Redacts the gate's held secrets from what an upstream sends back. */
export interface ResponseRedactor {
  header(value: string): string;
  /** A fresh redacting stream for one body (the shape the DLP scanner's streaming redactor has). */
  body(): TransformStream<Uint8Array, Uint8Array>;
}

const MARKER = Buffer.from(REDACTED_MARKER);

/** Every occurrence of every form in `data`, merged into non-overlapping spans. */
function spans(data: Buffer, forms: readonly Buffer[]): [number, number][] {
  const found: [number, number][] = [];
  for (const form of forms) {
    for (let at = data.indexOf(form); at !== -1; at = data.indexOf(form, at + 1)) found.push([at, at + form.length]);
  }
  if (found.length < 2) return found;
  found.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [found[0]!];
  for (const span of found.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

/** How many trailing bytes of `data` (after `from`) are a proper prefix of some form. */
function heldBack(data: Buffer, from: number, forms: readonly Buffer[]): number {
  let keep = 0;
  const length = data.length;
  for (const form of forms) {
    for (let k = Math.min(form.length - 1, length - from); k > keep; k--) {
      if (data[length - k] === form[0] && data.compare(form, 0, k, length - k, length) === 0) {
        keep = k;
        break;
      }
    }
  }
  return keep;
}

function replaced(data: Buffer, found: [number, number][]): Buffer {
  if (found.length === 0) return data;
  const parts: Buffer[] = [];
  let at = 0;
  for (const [start, end] of found) {
    parts.push(data.subarray(at, start), MARKER);
    at = end;
  }
  parts.push(data.subarray(at));
  return Buffer.concat(parts);
}

/**
 * A redactor for the held secrets in every encoded form the DLP scanner precomputes
 * (raw, percent-encoded, hex, base64 and base32 at every alignment), or undefined when
 * the gate holds none. Bodies are redacted as they stream: a chunk is passed on at
 * once except for a tail that could begin a secret, so a secret split over chunk
 * boundaries is still caught and server-sent events still arrive event by event
 * (an event's blank-line end never begins a secret).
 *
 * The one place route responses are redacted: when the DLP scanner's streaming
 * redactor lands, it replaces this function's body.
 */
export function createResponseRedactor(heldSecrets: readonly string[]): ResponseRedactor | undefined {
  const forms = buildHeldSecretForms(heldSecrets).exact.map((form) => Buffer.from(form));
  if (forms.length === 0) return undefined;
  return {
    header(value) {
      const data = Buffer.from(value, "latin1");
      const found = spans(data, forms);
      return found.length === 0 ? value : replaced(data, found).toString("latin1");
    },
    body() {
      const pass = bodyRedactor(forms);
      return new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          const out = pass.push(chunk);
          if (out.length > 0) controller.enqueue(out);
        },
        flush(controller) {
          const rest = pass.end();
          if (rest.length > 0) controller.enqueue(rest);
        },
      });
    },
  };
}

/** The chunk-by-chunk redactor behind {@link ResponseRedactor.body}, over the forms' bytes. */
export function bodyRedactor(forms: readonly Buffer[]): BodyRedactor {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      const data = pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([pending, chunk]);
      const found = spans(data, forms);
      const keep = heldBack(data, found.at(-1)?.[1] ?? 0, forms);
      pending = Buffer.from(data.subarray(data.length - keep));
      return replaced(data.subarray(0, data.length - keep), found);
    },
    end() {
      const rest = pending;
      pending = Buffer.alloc(0);
      return rest;
    },
  };
}
