import type { HeldSecretForms } from "./held-secret-forms.ts";

/**
 * Redaction of the secrets the gate holds from what flows back to the agent (route
 * responses: an upstream that echoes request headers would hand the injected
 * credential back, issue 9 finding 2). Every precomputed form (raw, percent, hex,
 * base32, base64 at each alignment) is replaced, byte-wise, so it works on any body.
 */

/** What a held secret is replaced with in a response. */
export const HELD_MARKER = "[REDACTED:held-secret]";

/** The forms as byte strings (Latin-1: the forms are ASCII), longest first, so a
 * longer form wins over a shorter one at the same place. */
function formsOf(held: HeldSecretForms): string[] {
  return [...new Set(held.exact)].sort((a, b) => b.length - a.length);
}

/** Every occurrence of a form in `text`, as non-overlapping spans in order. */
function formSpans(text: string, forms: readonly string[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

function replaceSpans(text: string, spans: readonly [number, number][]): string {
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    out += text.slice(at, start) + HELD_MARKER;
    at = end;
  }
  return out + text.slice(at);
}

/** `text` with every form of every held secret replaced by {@link HELD_MARKER}. */
export function redactHeldText(text: string, held: HeldSecretForms): string {
  const forms = formsOf(held);
  return forms.length === 0 ? text : replaceSpans(text, formSpans(text, forms));
}

/**
 * How much of `text`'s end to hold back for the next piece: enough that no form can
 * start before the cut and end after it (the longest form less one byte), but never
 * past a line break when no form holds one, so server-sent events (which end in
 * `\n\n`) go out event by event. It depends on the text's shape only, never on whether
 * its end begins a held form: a hold that did (the tail that could begin a form) told
 * an agent whose bytes an upstream echoes, by the echo's framing or timing, whether its
 * guess began a secret, byte by byte (round-2 review: a held secret recovered in ~1 s).
 */
function holdLength(text: string, longest: number, formsHoldLineBreaks: boolean): number {
  const sinceLineBreak = formsHoldLineBreaks ? text.length : text.length - (text.lastIndexOf("\n") + 1);
  return Math.min(longest - 1, text.length, sinceLineBreak);
}

/** Redacts held secrets from a sequence of texts as one: see {@link createHeldTextRedactor}. */
export interface HeldTextRedactor {
  /** `text` appended to what came before, redacted, less the end held for the next piece. */
  push(text: string): string;
  /** The tail held back, released at the end of the sequence. */
  end(): string;
}

/**
 * Redaction across pieces of one sequence (a body's chunks, a WebSocket message's
 * frames): a form split over two pieces is still replaced whole. What is held back
 * for the next piece is decided by {@link holdLength}, never by the secrets.
 */
export function createHeldTextRedactor(held: HeldSecretForms): HeldTextRedactor {
  const forms = formsOf(held);
  const longest = forms.reduce((max, form) => Math.max(max, form.length), 0);
  const formsHoldLineBreaks = forms.some((form) => form.includes("\n"));
  let pending = "";
  return {
    push(piece) {
      if (forms.length === 0) return piece;
      const text = pending + piece;
      const spans = formSpans(text, forms);
      const lastEnd = spans[spans.length - 1]?.[1] ?? 0;
      const hold = Math.min(holdLength(text, longest, formsHoldLineBreaks), text.length - lastEnd);
      const cut = text.length - hold;
      pending = text.slice(cut);
      return replaceSpans(text.slice(0, cut), spans);
    },
    end() {
      const rest = pending;
      pending = "";
      return rest;
    },
  };
}

/**
 * A stream that redacts every held-secret form from bytes passing through, across
 * chunk boundaries ({@link createHeldTextRedactor} over Latin-1 text, so any bytes
 * pass unchanged but for the forms).
 */
export function createHeldSecretRedactor(held: HeldSecretForms): TransformStream<Uint8Array, Uint8Array> {
  const redactor = createHeldTextRedactor(held);
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const out = redactor.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1"));
      if (out.length > 0) controller.enqueue(Buffer.from(out, "latin1"));
    },
    flush(controller) {
      const rest = redactor.end();
      if (rest.length > 0) controller.enqueue(Buffer.from(rest, "latin1"));
    },
  });
}
