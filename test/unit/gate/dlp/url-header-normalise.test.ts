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
