import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { fakeCredentials } from "./fake-credentials.ts";

/**
 * A URL or a header read as an origin that decodes it reads it (a hunt for leaks, this
 * round): invisible characters, fullwidth letters, NULs and HTML references between a
 * key's characters were undone for bodies only, so the same text in a query or a
 * header went out.
 */
const key = fakeCredentials(41)["github-token"]!;
const scanner = createScanner({ heldSecrets: [] });
const spread = {
  "zero-width spaces": [...key].join("\u200b"),
  "fullwidth letters": key.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0)),
  NULs: [...key].join("\u0000"),
  "HTML references": [...key].map((char) => `&#${char.charCodeAt(0)};`).join(""),
};

describe.each(Object.entries(spread))("a key with %s", (_, text) => {
  test("in a query, percent-encoded", () => {
    expect(scanner.scanUrl(`http://h.example/u?q=${encodeURIComponent(text)}`).map((finding) => finding.kind)).toContain("github-token");
  });

  test("in a header value, as its UTF-8 bytes", () => {
    expect(scanner.scanHeaders([["x-note", Buffer.from(text).toString("latin1")]]).map((finding) => finding.kind)).toContain("github-token");
  });

  test("the audit line keeps none of it", () => {
    const target = `http://h.example/u?q=${encodeURIComponent(text)}`;
    expect(scanner.auditTarget(target).path).toBe("/u?[REDACTED:github-token]");
  });
});

test("ordinary non-ASCII text is not a finding", () => {
  expect(scanner.scanUrl(`http://h.example/search?q=${encodeURIComponent("café — naïve résumé 東京")}`)).toEqual([]);
  expect(scanner.scanHeaders([["x-title", Buffer.from("Überstunden &amp; Café").toString("latin1")]])).toEqual([]);
});

describe("letters NFKC makes ASCII, combining marks and named references, in a body and a query", () => {
  // A hunt for leaks, this round: each passed, and the origin got the key back.
  const bold = [...key].map((char) => {
    const code = char.charCodeAt(0);
    if (code >= 65 && code <= 90) return String.fromCodePoint(0x1d400 + code - 65);
    if (code >= 97 && code <= 122) return String.fromCodePoint(0x1d41a + code - 97);
    if (code >= 48 && code <= 57) return String.fromCodePoint(0x1d7ce + code - 48);
    return char;
  }).join("");
  const cases = {
    "mathematical bold letters": bold,
    "a combining mark after each character": [...key].map((char) => `${char}\u0301`).join(""),
    "&lowbar; for its underscore": key.replace("_", "&lowbar;"),
  };
  test.each(Object.entries(cases))("%s", (_, text) => {
    expect(scanner.scanBody(new TextEncoder().encode(JSON.stringify({ note: text })), "application/json").map((finding) => finding.kind)).toContain("github-token");
    expect(scanner.scanUrl(`http://h.example/u?q=${encodeURIComponent(text)}`).map((finding) => finding.kind)).toContain("github-token");
  });
});
