import { describe, expect, test } from "bun:test";
import { bodyVariants as variantSteps, wideEncoding } from "../../../../src/gate/dlp/body-variants.ts";

/** The readings, the generator run to its end. */
function bodyVariants(bytes: Uint8Array): Uint8Array[] {
  const steps = variantSteps(bytes);
  for (let step = steps.next(); ; step = steps.next()) if (step.done === true) return step.value;
}
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { FakeSource, fakeCredentials } from "./fake-credentials.ts";

const held = "held-route-secret-7Kq2Vx9Lm3";
const github = fakeCredentials(31)["github-token"] ?? "";
const aws = fakeCredentials(31)["aws-access-key"] ?? "";
const scanner = createScanner({ heldSecrets: [held] });
const utf32 = (text: string, little: boolean) => {
  const points = [...text].map((char) => char.codePointAt(0) ?? 0);
  const bytes = Buffer.alloc(points.length * 4);
  points.forEach((point, index) => (little ? bytes.writeUInt32LE(point, index * 4) : bytes.writeUInt32BE(point, index * 4)));
  return bytes;
};
const fullwidth = (text: string) => [...text].map((char) => (/[!-~]/.test(char) ? String.fromCharCode(char.charCodeAt(0) + 0xfee0) : char)).join("");

/** The attack: each of these readings of a body hid all three secrets from a scan that
 * reads bytes as Latin-1 (a hunt for leaks, this round). */
const WRITINGS: Record<string, (text: string) => Uint8Array> = {
  "UTF-16LE with a byte-order mark": (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
  "UTF-16LE without one": (text) => Buffer.from(text, "utf16le"),
  "UTF-16BE": (text) => Buffer.from(text, "utf16le").swap16(),
  "UTF-16LE with a zero-width space between every character": (text) => Buffer.from([...text].join("\u200b"), "utf16le"),
  "UTF-16LE with left-to-right marks inside": (text) => Buffer.from(text.replace(/(.{6})/g, "$1\u200e"), "utf16le"),
  "UTF-32LE": (text) => utf32(text, true),
  "UTF-32BE": (text) => utf32(text, false),
  "a zero-width space between every character": (text) => Buffer.from([...text].join("\u200b")),
  "a soft hyphen inside": (text) => Buffer.from(text.replace(/(.{12})/g, "$1\u00ad")),
  "a word joiner and a byte-order mark inside": (text) => Buffer.from(text.replace(/(.{10})/g, "$1\u2060").replace(/(.{25})/g, "$1\ufeff")),
  "a NUL inside": (text) => Buffer.from(text.replace(/(.{14})/g, "$1\u0000")),
  // Found missing by a review of this round: UTF-16 in only part of a body.
  "UTF-16LE after a 4 KiB ASCII prefix": (text) => Buffer.concat([Buffer.from(`${"a".repeat(4096)} `), Buffer.from(text, "utf16le")]),
  "one UTF-16LE value inside ASCII JSON": (text) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(text, "utf16le"), Buffer.from('"}')]),
  "fullwidth letters and digits": (text) => Buffer.from(fullwidth(text)),
  "HTML decimal references": (text) => Buffer.from([...text].map((char) => `&#${char.charCodeAt(0)};`).join("")),
  "HTML hex references": (text) => Buffer.from([...text].map((char) => `&#x${char.charCodeAt(0).toString(16)};`).join("")),
  "HTML references zero-padded": (text) => Buffer.from([...text].map((char) => `&#0000000${char.charCodeAt(0)};`).join("")),
  // Found missing by a review of this round: format characters beyond the first list.
  "left-to-right marks": (text) => Buffer.from([...text].join("\u200e")),
  "invisible operators and a Mongolian vowel separator": (text) => Buffer.from(text.replace(/(.{6})/g, "$1\u2062").replace(/(.{11})/g, "$1\u180e")),
  "a combining grapheme joiner and variation selectors": (text) => Buffer.from(text.replace(/(.{5})/g, "$1\u034f").replace(/(.{9})/g, "$1\ufe0f")),
  "tag characters": (text) => Buffer.from(text.replace(/(.{7})/g, "$1\u{e0041}")),
  "a Hangul filler": (text) => Buffer.from(text.replace(/(.{8})/g, "$1\u3164")),
};

describe("bodies the agent writes in another encoding, or with invisible characters", () => {
  for (const [name, write] of Object.entries(WRITINGS)) {
    test(name, () => {
      for (const [kind, value] of [["held-secret", held], ["github-token", github], ["aws-access-key", aws]] as const) {
        const kinds = scanner.scanBody(write(`{"note":"see ${value} here"}`), "application/json").map((finding) => finding.kind);
        expect([kind, kinds]).toEqual([kind, [kind]]);
      }
    });
  }

  test("most bodies have no other reading: ASCII, UTF-8 prose, random binary", () => {
    // Seeded: random bytes hold an `&#` about once in 64 KiB, which is a reading to try.
    const binary = new FakeSource(7).bytes(16 * 1024);
    for (const body of [Buffer.from('{"messages":[{"role":"user","content":"fix the failing test"}]}'), Buffer.from("Très bien, voilà le résumé — ça marche."), binary]) {
      expect(bodyVariants(body)).toEqual([]);
    }
    expect(wideEncoding(binary)).toBeUndefined();
    expect(wideEncoding(Buffer.from("plain ascii text, long enough to sniff"))).toBeUndefined();
  });

  test("a normalised reading finds nothing in ordinary text that has such characters", () => {
    for (const text of ["株式会社（テスト）：ｔｅｓｔ", "soft\u00adhyphen\u200bwords", "&#169; 2026 &#x2014; fine", "ab\u0000cd"]) {
      expect([text, bodyVariants(Buffer.from(text)).length, scanner.scanBody(Buffer.from(text), "text/plain")]).toEqual([text, 1, []]);
    }
  });

  test("a reading is made a chunk per step, and what a chunk's end cuts (a reference, a UTF-16 pair) is read whole", () => {
    // Made at once, the readings of an 8 MiB body held the event loop ~230 ms in one step.
    const references = [...`see ${github} here`].map((char) => `&#${char.charCodeAt(0)};`).join("");
    const filler = "x".repeat(256 * 1024 - 7);
    const body = Buffer.from(`${filler}${references}${"y".repeat(600 * 1024)}`);
    const steps = variantSteps(body);
    let count = 0;
    for (let step = steps.next(); step.done !== true; step = steps.next()) count++;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(scanner.scanBody(body, "text/html").map((finding) => finding.kind)).toEqual(["github-token"]);
    const wide = Buffer.from(`${"z".repeat(128 * 1024 - 4)} ${github}`, "utf16le");
    expect(scanner.scanBody(wide, "application/json").map((finding) => finding.kind)).toEqual(["github-token"]);
  });
});

