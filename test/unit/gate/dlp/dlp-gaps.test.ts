import { describe, expect, test } from "bun:test";
import zlib from "node:zlib";
import { createScanner, type Finding } from "../../../../src/gate/dlp/create-scanner.ts";
import { fakeCredentials, FakeSource } from "./fake-credentials.ts";

/**
 * Issue 9, finding 6: each way the review got a credential past the scanner. Every
 * case here was missed before (the file is checked against the old scanner).
 */

const credentials = fakeCredentials(41);
const github = credentials["github-token"] ?? "";
const anthropic = credentials["anthropic-key"] ?? "";
const scanner = createScanner({ heldSecrets: [] });
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const kinds = (findings: Finding[]): string[] => findings.map((finding) => finding.kind);
/** `ghp_…` with every character as a JSON `\uXXXX` escape. */
const jsonEscaped = (text: string): string => [...text].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");

describe("JSON escapes are undone at any size and framing", () => {
  test("a secret at byte 6 of a body over 1 MiB", () => {
    const body = `{"a":"${jsonEscaped(github)}","pad":"${"x".repeat(1100 * 1024)}"}`;
    expect(kinds(scanner.scanBody(encode(body), "application/json"))).toContain("github-token");
  });
  test("NDJSON", () => {
    const body = `{"n":1}\n{"k":"${jsonEscaped(github)}"}\n{"n":2}\n`;
    expect(kinds(scanner.scanBody(encode(body), "application/x-ndjson"))).toContain("github-token");
  });
  test("a UTF-8 BOM", () => {
    const body = `\uFEFF{"k":"${jsonEscaped(github)}"}`;
    expect(kinds(scanner.scanBody(encode(body), "application/json"))).toContain("github-token");
  });
  test("trailing bytes after the JSON", () => {
    const body = `{"k":"${jsonEscaped(github)}"}\u0000garbage`;
    expect(kinds(scanner.scanBody(encode(body), "application/json"))).toContain("github-token");
  });
});

describe("mail-style encodings", () => {
  test("MIME-wrapped base64 (76 columns, CRLF), the key across a line break", () => {
    const text = `${"Some ordinary report text before the token. ".repeat(3)}token=${anthropic} and after`;
    const wrapped = Buffer.from(text).toString("base64").replace(/.{76}/g, "$&\r\n");
    expect(kinds(scanner.scanBody(encode(wrapped), "text/plain"))).toContain("anthropic-key");
  });
  test("base64 as the base64 tool writes it (76 columns, LF), the key across a line", () => {
    // 57 bytes per line: a key starting at byte 40 crosses the first line break.
    const wrapped = Buffer.from(`the token for the deploy job is here: ${github}\n`).toString("base64").replace(/.{76}/g, "$&\n");
    expect(kinds(scanner.scanBody(encode(`data:\n${wrapped}\n`), "text/plain"))).toContain("github-token");
  });
  test("quoted-printable: =XX escapes and a soft line break inside the key", () => {
    const qp = `${github.slice(0, 3)}=5F${github.slice(4, 20)}=\r\n${github.slice(20)}`;
    expect(kinds(scanner.scanBody(encode(`Content-Transfer-Encoding: quoted-printable\r\n\r\n${qp}\r\n`), "message/rfc822"))).toContain("github-token");
  });
});

describe("splits and insertions", () => {
  test("a secret split across two headers", () => {
    const found = scanner.scanHeaders([
      ["X-Part-A", github.slice(0, 20)],
      ["X-Part-B", github.slice(20)],
    ]);
    expect(kinds(found)).toContain("github-token");
  });
  test("one - inserted in a header value", () => {
    const value = `${github.slice(0, 15)}-${github.slice(15)}`;
    expect(kinds(scanner.scanHeaders([["x-data", value]]))).toContain("github-token");
  });
  test("one - inserted in a body", () => {
    const value = `${github.slice(0, 15)}-${github.slice(15)}`;
    expect(kinds(scanner.scanBody(encode(JSON.stringify({ note: value })), "application/json"))).toContain("github-token");
  });
  for (const mark of ["!", "~"]) {
    test(`${mark} in a URL`, () => {
      const path = `/x/${github.slice(0, 12)}${mark}${github.slice(12)}/y`;
      expect(kinds(scanner.scanUrl(`http://h.example${path}`))).toContain("github-token");
    });
  }
  test("base64 split by . in a URL", () => {
    const b64 = Buffer.from(`key=${anthropic}`).toString("base64url");
    const dotted = `${b64.slice(0, 7)}.${b64.slice(7, 30)}.${b64.slice(30, 31)}.${b64.slice(31)}`;
    expect(kinds(scanner.scanUrl(`http://h.example/v/${dotted}`))).toContain("anthropic-key");
  });
});

describe("the agent's Content-Type switches nothing off", () => {
  test("application/vnd.apple.anything+json with a percent-encoded key", () => {
    const body = encode(`note=${encodeURIComponent(github).replace(/_/g, "%5F")}`);
    expect(kinds(scanner.scanBody(body, "application/vnd.apple.anything+json"))).toContain("github-token");
  });
  test("image/png claimed for a JSON body", () => {
    expect(kinds(scanner.scanBody(encode(`{"k":"${jsonEscaped(github)}"}`), "image/png"))).toContain("github-token");
  });
});

describe("hostnames", () => {
  test("base64url in 2-character labels of a CONNECT hostname", () => {
    const b64 = Buffer.from(github).toString("base64url");
    const host = `${b64.match(/.{1,2}/g)?.join(".")}.evil.example:443`;
    expect(scanner.scanHostname(host).length).toBeGreaterThan(0);
  });
  test("many short labels under one parent", () => {
    const source = new FakeSource(5);
    const host = `${Array.from({ length: 9 }, () => source.chars("abcdefghijklmnopqrstuvwxyz234567", 3)).join(".")}.evil.example`;
    expect(kinds(scanner.scanHostname(host))).toContain("label-split");
  });
});

describe("Content-Encoding is undone under bounds", () => {
  const json = encode(JSON.stringify({ messages: [{ role: "user", content: `use ${github} please` }] }));
  for (const [name, compress] of [
    ["gzip", zlib.gzipSync],
    ["deflate", zlib.deflateSync],
    ["br", zlib.brotliCompressSync],
  ] as const) {
    test(name, () => {
      expect(kinds(scanner.scanBody(compress(json), "application/json", name))).toContain("github-token");
    });
  }
  test("a truncated gzip prefix (the proxy reads only the first MiB) is decoded as far as it goes", () => {
    const words = new FakeSource(9).chars("abcdefghijklmnopqrstuvwxyz     ", 2 * 1024 * 1024);
    const big = zlib.gzipSync(encode(`${github} ${words}`));
    expect(big.length).toBeGreaterThan(128 * 1024);
    expect(kinds(scanner.scanBody(big.subarray(0, 64 * 1024), "text/plain", "gzip"))).toContain("github-token");
  });
  test("a decompression bomb is refused, not expanded", () => {
    const bomb = zlib.gzipSync(new Uint8Array(200 * 1024 * 1024));
    expect(kinds(scanner.scanBody(bomb, "application/json", "gzip"))).toContain("compression-bomb");
  });
  test("an unknown coding is not waved through", () => {
    expect(kinds(scanner.scanBody(encode("x"), "text/plain", "x-custom"))).toContain("undecodable-encoding");
  });
});

describe("found attacking the scanner", () => {
  test("a held secret's hex split over path segments", () => {
    const held = "held-secret-VALUE-0123456789abc";
    const hex = Buffer.from(held).toString("hex");
    const found = createScanner({ heldSecrets: [held] }).scanUrl(`http://x.example/${hex.slice(0, 20)}/${hex.slice(20, 41)}/${hex.slice(41)}`);
    expect(kinds(found)).toContain("held-secret");
  });
  test("a key written in groups of four split by spaces", () => {
    expect(kinds(scanner.scanBody(encode(`k: ${github.match(/.{1,4}/g)?.join(" ")}`), "text/plain"))).toContain("github-token");
  });
  test("base64 of base64 of a key", () => {
    const twice = Buffer.from(Buffer.from(github).toString("base64")).toString("base64");
    expect(kinds(scanner.scanBody(encode(twice), "text/plain"))).toContain("github-token");
  });
});
