import { describe, expect, test } from "bun:test";
import { createScanner, type Finding } from "../../../../src/gate/dlp/create-scanner.ts";
import { fakeCredentials } from "./fake-credentials.ts";

/**
 * The quoted-printable view skips scanning around an `=XX` that is the separator of a
 * key/value pair already found (`password=4Fx…`): that was a second scan of a whole
 * body of random pairs. These are the ways an agent could try to use that skip to
 * hide a key; each must still be found.
 */

const github = fakeCredentials(43)["github-token"] ?? "";
const held = "dbpassword-Kq83vTz1Lw0pXr7N";
const scanner = createScanner({ heldSecrets: [held] });
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const kinds = (findings: Finding[]): string[] => findings.map((finding) => finding.kind);
const qp = (text: string): string => [...text].map((char) => `=${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");
/** Key/value pairs whose values start with hex digits, so each `=` reads as an escape. */
const pairs = (count: number): string => Array.from({ length: count }, (_, i) => `password=4F${(i * 7919).toString(36)}Zq9Lm2Xv`).join("&");

describe("quoted-printable escapes next to key/value secrets", () => {
  test("a key with every letter escaped, among escaped password pairs", () => {
    const body = `${pairs(200)}&note=${qp(github)}&${pairs(200)}`;
    expect(kinds(scanner.scanBody(encode(body), "text/plain"))).toContain("github-token");
  });
  test("a key escaped right after a key the key/value finder ignores (page_token)", () => {
    const body = `${pairs(50)}&page_token=${qp(github.slice(0, 1))}${github.slice(1)}&${pairs(50)}`;
    expect(kinds(scanner.scanBody(encode(body), "text/plain"))).toContain("github-token");
  });
  test("a held secret whose escape is such a separator (dbpassword=2D…)", () => {
    const body = `${pairs(50)}&${held.replace("-", "=2D")}&${pairs(50)}`;
    expect(kinds(scanner.scanBody(encode(body), "text/plain"))).toContain("held-secret");
  });
  test("the skipped escapes' pairs are still key/value findings", () => {
    expect(kinds(scanner.scanBody(encode(pairs(100)), "text/plain"))).toEqual(["key-value-secret"]);
  });
});
