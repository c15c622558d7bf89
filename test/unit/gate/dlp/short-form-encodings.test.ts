import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { decodedSegments } from "../../../../src/gate/dlp/decode-aligned.ts";
import { MIN_FORMAT_TEXT } from "../../../../src/gate/dlp/decode-token.ts";
import { buildExactFormIndex, foldEncoding, holdsFoldedForm } from "../../../../src/gate/dlp/exact-form-index.ts";
import { buildHeldSecretForms } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { base32, FakeSource } from "./fake-credentials.ts";

/**
 * A text is decoded into stretches shorter than `MIN_FORMAT_TEXT` only when it holds
 * an encoding of a held form that short (`shortFormEncodings`). The gate is sound when
 * every such stretch that holds a short form comes from a text the gate opens for: the
 * texts here spell short forms the ways a decoder reads them and a plain search does
 * not (mixed base64 alphabets, mixed-case hex, base32 of a base64 form, nested), cut
 * out of random bytes at every offset.
 */

const source = new FakeSource(913);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);

// Its base64 after three bytes is `Pz4/fng+fl`: both of the characters the two alphabets spell apart.
const secret = "?>?~x>~Q";
const held = buildHeldSecretForms([secret, `bottle-deploy-key-${source.token(36)}`]);
const shortForms = held.exact.filter((form) => form.length < MIN_FORMAT_TEXT);

/** Each character of base64 in either alphabet, hex and base32 in either case, at random. */
function respell(encoded: string, kind: "base64" | "hex" | "base32"): string {
  let out = "";
  for (const char of encoded) {
    if (kind === "base64") out += char === "+" && int(2) === 0 ? "-" : char === "/" && int(2) === 0 ? "_" : char;
    else if (kind === "hex") out += int(2) === 0 ? char.toUpperCase() : char.toLowerCase();
    else out += char;
  }
  // Base32 is read in one case only (a mixed-case run is not base32).
  return kind === "base32" && int(2) === 0 ? out.toLowerCase() : out;
}

function encode(bytes: Uint8Array, kind: "base64" | "hex" | "base32"): string {
  const encoded = kind === "base64" ? Buffer.from(bytes).toString("base64").replace(/=+$/, "") : kind === "hex" ? Buffer.from(bytes).toString("hex") : base32(bytes).replace(/=+$/, "");
  return respell(encoded, kind);
}

const kinds = ["base64", "hex", "base32"] as const;

/** A short form between random bytes (so its stretch stays short), encoded once or twice. */
function plantedText(): string {
  const form = shortForms[int(shortForms.length)] as string;
  let bytes: Uint8Array = Buffer.concat([source.bytes(int(7)), Buffer.from(form, "latin1"), source.bytes(int(7))]);
  let text = encode(bytes, kinds[int(3)] as (typeof kinds)[number]);
  if (int(3) === 0) {
    bytes = Buffer.concat([source.bytes(int(4)), Buffer.from(text, "latin1"), source.bytes(int(4))]);
    text = encode(bytes, kinds[int(3)] as (typeof kinds)[number]);
  }
  // Cut and glued to noise: a decoder tries every alignment of every run.
  const noise = (length: number): string => source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_.", length);
  const from = int(3);
  return `${noise(int(12))}${text.slice(from, text.length - int(3))}${noise(int(12))}`;
}

/** Whether decoding `text` (as `findHits` does, at every length) gives a stretch too short for
 * anything but a held form that holds a short form. */
function shortStretchHolds(text: string): boolean {
  return decodedSegments(text, 0, text.length, 16, 8).some((segment) => segment.text.length < MIN_FORMAT_TEXT && shortForms.some((form) => segment.text.includes(form)));
}

describe("short form encodings", () => {
  test("the forms: a decoder's reading of each exact form shorter than MIN_FORMAT_TEXT, and none for longer ones", () => {
    expect(shortForms.length).toBeGreaterThan(6);
    expect(held.shortFormEncodings.window).toBeGreaterThanOrEqual(10);
    expect(buildHeldSecretForms([`bottle-deploy-key-${source.token(36)}`]).shortFormEncodings.window).toBe(0);
    for (const form of shortForms) {
      const bytes = Buffer.from(form, "latin1");
      expect(holdsFoldedForm(Buffer.from(bytes).toString("base64"), held.shortFormEncodings)).toBe(true);
      expect(holdsFoldedForm(Buffer.from(bytes).toString("hex").toUpperCase(), held.shortFormEncodings)).toBe(true);
      expect(holdsFoldedForm(base32(bytes).toLowerCase(), held.shortFormEncodings)).toBe(true);
    }
  });

  test("holdsFoldedForm agrees with an includes per form in the folded text, on 3,000 generated texts", () => {
    const forms = ["ab+c/DEF9x", "zz-y_Q7", "ÿ\u0100keep"].map(foldEncoding);
    const index = buildExactFormIndex(forms);
    const pieces = ["AB-C_def9X", "ab+c/DEF9x", "ZZ+Y/q7", "zz-y_Q7", "ÿ\u0100KEEP", "\u0000", "\uffff", "K"];
    let holding = 0;
    for (let round = 0; round < 3000; round++) {
      const parts: string[] = [];
      for (let i = int(6); i >= 0; i--) {
        const piece = pieces[int(pieces.length)] as string;
        const from = int(3);
        parts.push(piece.slice(from, from + int(piece.length + 1)), source.chars("abAB+-/_09", int(5)));
      }
      const text = parts.join("");
      const expected = forms.some((form) => foldEncoding(text).includes(form));
      if (expected) holding++;
      expect([text, holdsFoldedForm(text, index)]).toEqual([text, expected]);
    }
    expect(holding).toBeGreaterThan(150);
  });

  test("every text whose short decoded stretch holds a short form is one the gate opens for (3,000 planted texts)", () => {
    let short = 0;
    for (let round = 0; round < 3000; round++) {
      const text = plantedText();
      if (!shortStretchHolds(text)) continue;
      short++;
      expect([text, holdsFoldedForm(text, held.shortFormEncodings)]).toEqual([text, true]);
    }
    // The generator exercises the gate: a planted form often ends up in a short stretch.
    expect(short).toBeGreaterThan(400);
  });

  test("the gate stays shut on random encodings (no stretch is decoded short for nothing)", () => {
    for (let round = 0; round < 200; round++) {
      const text = encode(source.bytes(2000), kinds[int(3)] as (typeof kinds)[number]);
      expect(holdsFoldedForm(text, held.shortFormEncodings)).toBe(false);
    }
  });

  test("a body finds the 8-character secret in spellings only decoding reads, between random bytes", () => {
    const scanner = createScanner({ heldSecrets: [secret] });
    // Three bytes either side: the secret's encoding starts and ends on whole characters.
    const bytes = Buffer.concat([Buffer.from([0x01, 0x9f, 0x02]), Buffer.from(secret), Buffer.from([0x03, 0x8e, 0x04])]);
    const base64 = bytes.toString("base64");
    const hex = bytes.toString("hex");
    const spellings = {
      "base64, the two alphabets mixed": `${base64.slice(0, 4)}${base64.slice(4, 14).replace("+", "-")}${base64.slice(14)}`,
      "hex, mixed case": `${hex.slice(0, 6)}${hex.slice(6, 22).replace(/f/, "F")}${hex.slice(22)}`,
      // Joined from groups of four (`joinedGroups`): the text itself holds no encoding.
      "base64 in groups of four, the alphabets mixed": `${base64.slice(0, 4)}${base64.slice(4, 14).replace("/", "_")}${base64.slice(14)}`.replace(/(.{4})(?=.)/g, "$1 "),
      // The stretch decoded from base32 is a base64 form of the secret (an exact form of 10 characters).
      "base32 of base64, between bytes": base32(Buffer.concat([Buffer.from([0x01, 0x9f]), Buffer.from(base64.slice(4, 14), "latin1"), Buffer.from([0x8e, 0x04])])),
    };
    for (const [name, text] of Object.entries(spellings)) {
      expect(held.exact.some((form) => text.includes(form))).toBe(false); // only decoding finds it
      const kinds = scanner.scanBody(new TextEncoder().encode(`upload: ${text} (end)`), "text/plain").map((finding) => finding.kind);
      expect([name, kinds]).toEqual([name, expect.arrayContaining(["held-secret"])]);
    }
  });
});
