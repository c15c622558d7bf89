import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";

/**
 * A scanner remembers the hits of short texts it scanned (header values, URLs, hosts
 * repeat from request to request). What it remembers must be its own: a reload with
 * a new held secret builds a new scanner, and a value that was clean before must be
 * found in it at once.
 */
describe("remembered scans", () => {
  const secret = "bottle-rotated-key-7Hq2Lx9Vw3";
  test("a new scanner's held secret is found in a value another scanner found clean", () => {
    const before = createScanner({ heldSecrets: [] });
    expect(before.scanHeaders([["X-Note", secret]])).toEqual([]);
    expect(before.scanUrl(`http://example.com/p?x=${secret}`)).toEqual([]);
    const after = createScanner({ heldSecrets: [secret] });
    expect(after.scanHeaders([["X-Note", secret]]).map((finding) => finding.kind)).toContain("held-secret");
    expect(after.scanUrl(`http://example.com/p?x=${secret}`).map((finding) => finding.kind)).toContain("held-secret");
  });
  test("asking twice gives the same findings, and the audit target is redacted both times", () => {
    const scanner = createScanner({ heldSecrets: [secret] });
    const url = `http://example.com/p?x=${secret}`;
    const first = scanner.scanUrl(url);
    expect(scanner.scanUrl(url)).toEqual(first);
    for (let i = 0; i < 2; i++) expect(scanner.auditTarget(url).path).not.toContain(secret);
    expect(scanner.auditTarget("http://example.com/clean?page=2")).toEqual({ host: "example.com", path: "/clean?page=2" });
  });
});
