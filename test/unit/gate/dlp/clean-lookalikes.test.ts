import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { FakeSource, fakeCredentials } from "./fake-credentials.ts";

/**
 * Ordinary traffic that resembles credentials must pass: a DLP that blocks git SHAs
 * or `sk-learn` gets switched off, which is worse than none.
 */

const source = new FakeSource(99);
const scanner = createScanner({ heldSecrets: [`held-${source.token(30)}`] });
const sha = source.chars("0123456789abcdef", 40);
const uuid = "550e8400-e29b-41d4-a716-446655440000";
const sri = `sha512-${Buffer.from(source.bytes(64)).toString("base64")}`;

const urls = [
  `https://github.com/owner/repo/commit/${sha}`,
  `https://api.github.com/repos/owner/repo/git/trees/${sha}?recursive=1`,
  `https://codeload.github.com/owner/repo/tar.gz/${sha}`,
  `https://api.example.com/v1/items/${uuid}?include=owner`,
  `/v1/tasks/task-${uuid}/runs/run-20240101-000123`,
  "https://registry.npmjs.org/@types/node/-/node-20.11.5.tgz",
  // Decided: an integrity hash in a query is a digest (binary), not a secret.
  `https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz?integrity=${encodeURIComponent(sri)}`,
  "https://registry.npmjs.org/npm/package-name-with-a-very-long-name/-/package-name-with-a-very-long-name-1.0.0.tgz",
  "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  "https://pypi.org/simple/scikit-learn/",
  "https://pypi.org/project/sk-learn-utils/2.0.1/",
  "https://www.google.com/search?q=how+to+use+sk-learn+pipelines+with+pandas",
  "http://docs.example/sk-learn/sk-video/sk-something-else-entirely-long-name",
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
  "http://x.example/ASIA/PACIFIC/REGIONS/LIST",
  "https://platform.openai.com/docs/api-reference/authentication",
  "https://example.com/assets/app.3f2a1b9c8d7e6f5a.js?v=1700000000",
  "https://example.com/blog/2024/01/the-quick-brown-fox-jumps-over-the-lazy-dog-and-keeps-running",
  "https://example.com/search?q=akia+asia+ghp+npm+glpat+xoxb+AIza",
  "https://deb.debian.org/debian/pool/main/c/curl/curl_8.5.0-2_amd64.deb",
  "https://objects.githubusercontent.com/github-production-release-asset-2e65be/123456/abcd?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240101T000000Z&X-Amz-Expires=300",
  "https://api.anthropic.com/v1/messages?beta=true",
  "https://example.com/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/0/1/2/3/4/5/6/7/8/9",
  // Credential prefixes as path words: delimiter-stripped, these compact into
  // prefix + mixed-case text, which must still read as words.
  "http://x.example/ghp/Some/Path/With/Version2/AndMore/Words/Here",
  "http://x.example/npm/Package/V2/SomeThingElse/AndMore/Stuff/Here/Ok",
  "http://x.example/glpat/Release/Notes/V12/Chapter3/Section4/Intro",
  "http://x.example/AIza/Maps/Embed/V3/Place/Search/Results/Page2",
  "http://x.example/xoxb/12345678/Team/Channel/General/Messages/Page1/Recent",
  "http://x.example/sk_live/Charges/Ch1/Refunds/Re2/Metadata/OrderIdAbc",
  "http://x.example/ASIA/PACIFIC/REGION/S3/BUCKETS",
  "http://x.example/tasks/task-Proj2ExportT3BlbkFJReportsQ4Summary2024Final",
];

describe("clean URLs pass", () => {
  for (const url of urls) {
    test(url.slice(0, 90), () => {
      expect(scanner.scanUrl(url)).toEqual([]);
      expect(scanner.redact(url)).toBe(url);
    });
  }
});

describe("clean headers pass", () => {
  test("a browser- and API-like header set", () => {
    const headers: [string, string][] = [
      ["User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"],
      ["Accept", "application/json, text/plain, */*"],
      ["If-None-Match", `W/"${sha}"`],
      ["x-request-id", uuid],
      ["traceparent", `00-${source.chars("0123456789abcdef", 32)}-${source.chars("0123456789abcdef", 16)}-01`],
      ["Cookie", "_ga=GA1.2.1234567890.1700000000; theme=dark"],
      ["anthropic-version", "2023-06-01"],
      ["Content-Type", "application/json; charset=utf-8"],
      ["x-amz-content-sha256", source.chars("0123456789abcdef", 64)],
    ];
    expect(scanner.scanHeaders(headers)).toEqual([]);
  });
});

describe("clean bodies pass", () => {
  test("an Anthropic messages request about sk-learn and task ids", () => {
    const body = {
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      messages: [
        { role: "user", content: `Fix task-1234abcd in src/task-runner.ts (commit ${sha}); use sk-learn style, id ${uuid}.` },
        { role: "assistant", content: "const skipTokens = new Set(['sk-', 'ghp_', 'AKIA']); // placeholder prefixes" },
      ],
    };
    expect(scanner.scanBody(new TextEncoder().encode(JSON.stringify(body)), "application/json")).toEqual([]);
  });

  test("a base64 image inside JSON", () => {
    const image = Buffer.from(source.bytes(48 * 1024)).toString("base64");
    const body = JSON.stringify({ type: "image", source: { type: "base64", media_type: "image/png", data: image } });
    expect(scanner.scanBody(new TextEncoder().encode(body), "application/json")).toEqual([]);
  });

  test("a package-lock with integrity hashes", () => {
    const packages: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      packages[`node_modules/pkg-${i}`] = {
        version: `1.${i}.0`,
        resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.${i}.0.tgz`,
        integrity: `sha512-${Buffer.from(source.bytes(64)).toString("base64")}`,
      };
    }
    const body = JSON.stringify({ lockfileVersion: 3, packages });
    expect(scanner.scanBody(new TextEncoder().encode(body), "application/json")).toEqual([]);
  });

  test("source code with long identifiers and hex constants", () => {
    const code = [
      "export function computeAggregatedStatisticsForDashboardPanels(input: Record<string, number>) {",
      `  const GOLDEN_RATIO_HEX = 0x${source.chars("0123456789abcdef", 32)};`,
      "  const VERY_LONG_CONSTANT_NAME_FOR_TESTING_PURPOSES = 'the-quick-brown-fox-jumps-over';",
      `  return fetch("https://api.example.com/v2/items/${uuid}");`,
      "}",
    ].join("\n");
    expect(scanner.scanBody(new TextEncoder().encode(code), "text/plain")).toEqual([]);
  });

  test("the held value's short prefix alone is not the held value", () => {
    expect(scanner.scanBody(new TextEncoder().encode("held- and more held-text"), undefined)).toEqual([]);
  });
});

describe("MIME lines of random base64 are no tokens", () => {
  // Found this round by a flaky test: a 76-column line of random base64 that began
  // `ghp…` or `npm…` (about one 0.9 MiB upload in three) read as a token once its `+`
  // and `/` were taken out, and one glued to `AIza` 30–50 before a line's end did too.
  const plain = createScanner({ heldSecrets: [] });
  const source = new FakeSource(77);
  const line = (start: string) => (start + Buffer.from(source.bytes(60)).toString("base64").replace(/[^+/]/, "+")).slice(0, 76);
  test.each(["ghp", "gho", "npm", "skant", "glpat"])("a line beginning %s", (start) => {
    const body = Array.from({ length: 40 }, (_, index) => (index % 8 === 3 ? line(start) : line(""))).join("\n");
    expect(plain.scanBody(new TextEncoder().encode(body), undefined)).toEqual([]);
  });
  test("AIza glued to a letter, near a line's end", () => {
    const body = [line(""), `${line("").slice(0, 30)}qAIza${"Zx9Kp2Lm4Qr7Tv1Wy3Bd6Fh8Jn0Sc5G"}-`, line("")].join("\n");
    expect(plain.scanBody(new TextEncoder().encode(body), undefined)).toEqual([]);
  });
  test("a key split by delimiters keeps its separator and is still found", () => {
    const key = fakeCredentials(41)["github-token"]!;
    expect(plain.scanBody(new TextEncoder().encode(`note: ${key.slice(0, 12)}-${key.slice(12, 24)}/${key.slice(24)}`), undefined).map((finding) => finding.kind)).toContain("github-token");
  });
});
