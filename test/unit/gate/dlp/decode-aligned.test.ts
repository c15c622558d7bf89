import { expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { decodedSegments } from "../../../../src/gate/dlp/decode-aligned.ts";

/**
 * A short base64 run that repeats in a text is decoded once; each copy must still get
 * its own segment (its own span), or redaction would leave every copy but the first.
 */
const secret = "bottle-held-value-Zr81Qm4T";
const encoded = Buffer.from(`token ${secret}`).toString("base64");

test("each copy of a repeated run gets a segment with its own span", () => {
  const text = `a ${encoded} b ${encoded} c ${encoded}`;
  const starts = decodedSegments(text, 0, text.length, 16)
    .filter((segment) => segment.text.includes(secret))
    .map((segment) => segment.start);
  expect(new Set(starts)).toEqual(new Set([2, 2 + encoded.length + 3, 2 + 2 * (encoded.length + 3)]));
});

test("every copy of a repeated encoded secret is redacted", () => {
  const scanner = createScanner({ heldSecrets: [secret] });
  const redacted = scanner.redact(`/upload/${encoded}/again/${encoded}?x=${encoded}`);
  expect(redacted).not.toContain(encoded);
});
