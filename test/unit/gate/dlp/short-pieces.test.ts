import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { fakeCredentials } from "./fake-credentials.ts";

/**
 * A key cut into values shorter than four characters (a hunt for leaks, this round):
 * in a query it was no finding at all, and with a 4-character first piece the audit
 * line kept the other 16 of an AWS key's 20; a form body was never joined.
 */
const credentials = fakeCredentials(41);
const scanner = createScanner({ heldSecrets: [] });
const pieces = (key: string, size: number, name = "p") => Array.from({ length: Math.ceil(key.length / size) }, (_, index) => `${name}${index}=${key.slice(index * size, index * size + size)}`).join("&");

describe.each([
  ["aws-access-key", credentials["aws-access-key"]!],
  ["anthropic-key", credentials["anthropic-key"]!],
  ["github-token", credentials["github-token"]!],
])("%s", (kind, key) => {
  test.each([2, 3])("in %d-character query values: found, and the audit path keeps none of it", (size) => {
    const target = `http://h.example/x?${pieces(key, size)}`;
    expect(scanner.scanUrl(target).map((finding) => finding.kind)).toContain(kind);
    const shown = scanner.auditTarget(target).path;
    expect(shown).not.toContain(key.slice(size, size * 2) + "&");
    for (let at = 0; at + size <= key.length; at += size) expect(shown).not.toContain(`=${key.slice(at, at + size)}&`);
  });

  test("a 4-character first value and 3-character rest: the audit path keeps none of it", () => {
    const target = `http://h.example/x?p0=${key.slice(0, 4)}&${pieces(key.slice(4), 3, "q")}`;
    const shown = scanner.auditTarget(target).path;
    for (let at = 4; at + 3 <= key.length; at += 3) expect(shown).not.toContain(`=${key.slice(at, at + 3)}`);
  });

  test.each(["application/x-www-form-urlencoded", "text/plain"])("in 8-character values of a form body (%s)", (type) => {
    expect(scanner.scanBody(new TextEncoder().encode(pieces(key, 8, "f")), type).map((finding) => finding.kind)).toContain(kind);
  });
});

test("an ordinary query and form keep their values: a page number after a key is not part of it", () => {
  const key = credentials["github-token"]!;
  const shown = scanner.auditTarget(`http://h.example/x?token=${key}&page=2`).path;
  expect(shown).toBe("/x?token=[REDACTED:github-token]&page=2");
  expect(scanner.scanBody(new TextEncoder().encode("name=ada&city=london&lang=en&page=2"), "application/x-www-form-urlencoded")).toEqual([]);
});
