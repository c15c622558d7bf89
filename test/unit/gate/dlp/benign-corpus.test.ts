import { describe, expect, test } from "bun:test";
import { deflateSync, gzipSync } from "node:zlib";
import { createScanner, type ScanInput } from "../../../../src/gate/dlp/create-scanner.ts";
import { FakeSource } from "./fake-credentials.ts";

/**
 * Realistic traffic of a coding agent that must pass untouched (0 false positives):
 * package registries, the GitHub API, model API bodies with code and prose, ids,
 * hashes, UUIDs, integrity strings, base64 images and archives, CDN hostnames.
 */

const source = new FakeSource(99);
const hex = (length: number): string => source.chars("0123456789abcdef", length);
const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const scanner = createScanner({ heldSecrets: [`sk-ant-oat01-${source.token(90)}`, `ghs_${source.token(36)}`] });
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

const png = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.from(source.bytes(48 * 1024))]).toString("base64");
const tarball = gzipSync(Buffer.from(source.bytes(96 * 1024))).toString("base64");

const requests: Record<string, ScanInput> = {
  "npm install metadata": {
    target: "http://registry.npmjs.org/@types%2fnode",
    headers: ["user-agent", "npm/10.8.2 node/v22.11.0 linux x64 workspaces/false", "npm-command", "install", "npm-session", hex(16), "accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*", "pacote-version", "18.0.6", "pacote-req-type", "packument", "accept-encoding", "gzip,deflate"],
  },
  "npm tarball": { target: `http://registry.npmjs.org/typescript/-/typescript-5.9.3.tgz`, headers: ["user-agent", "npm/10.8.2", "npm-auth-type", "web"] },
  "npm publish": {
    target: "http://registry.npmjs.org/my-package",
    headers: ["content-type", "application/json", "npm-otp", "123456"],
    body: encode(
      JSON.stringify({
        _id: "my-package",
        name: "my-package",
        "dist-tags": { latest: "1.2.3" },
        versions: { "1.2.3": { name: "my-package", version: "1.2.3", dist: { integrity: `sha512-${Buffer.from(source.bytes(64)).toString("base64")}`, shasum: hex(40), tarball: "http://registry.npmjs.org/my-package/-/my-package-1.2.3.tgz" } } },
        _attachments: { "my-package-1.2.3.tgz": { content_type: "application/octet-stream", data: tarball, length: 98304 } },
      }),
    ),
    contentType: "application/json",
  },
  "pip simple index": { target: "http://pypi.org/simple/requests/", headers: ["User-Agent", 'pip/24.0 {"ci":null,"cpu":"x86_64","distro":{"name":"Debian GNU/Linux","version":"12"},"implementation":{"name":"CPython","version":"3.11.2"}}', "Accept", "application/vnd.pypi.simple.v1+json"] },
  "pip wheel": { target: `http://files.pythonhosted.org/packages/${hex(2)}/${hex(2)}/${hex(60)}/requests-2.32.3-py3-none-any.whl#sha256=${hex(64)}` },
  "GitHub commits": {
    target: `http://api.github.com/repos/octo-org/app/commits?sha=${hex(40)}&per_page=100&page=2`,
    headers: ["Accept", "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28", "User-Agent", "gh/2.62.0", "If-None-Match", `W/"${hex(64)}"`],
  },
  "GitHub create issue": {
    target: "http://api.github.com/repos/octo-org/app/issues",
    headers: ["Content-Type", "application/json"],
    body: encode(JSON.stringify({ title: "Crash in parseConfig when token_count is 0", body: `Steps:\n1. run \`bottle gate --config gate.yaml\`\n2. see stack trace at src/gate/dlp/find-hits.ts:42\n\ncommit ${hex(40)}, request id ${uuid()}`, labels: ["bug", "p2"], assignees: ["octocat"] })),
    contentType: "application/json",
  },
  "model API request": {
    target: "/v1/messages?beta=true",
    headers: ["anthropic-version", "2023-06-01", "anthropic-beta", "oauth-2025-04-20,interleaved-thinking-2025-05-14", "x-stainless-os", "Linux", "x-app", "cli"],
    body: encode(
      JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 32000,
        system: [{ type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: "ephemeral" } }],
        messages: [
          { role: "user", content: [{ type: "text", text: "Why does computeTotals return NaN for task-1234? The password field in the form is optional." }] },
          { role: "assistant", content: [{ type: "tool_use", id: `toolu_${source.token(24)}`, name: "Read", input: { file_path: "/work/app/src/totals.ts" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${source.token(24)}`, content: "export function computeTotals(tasks: Task[]): number {\n  const apiKey = process.env.API_KEY;\n  return tasks.reduce((sum, t) => sum + t.durationMs, 0);\n}\n" }] },
          { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: png } }] },
        ],
        metadata: { user_id: `user_${hex(64)}_account_${uuid()}_session_${uuid()}` },
      }),
    ),
    contentType: "application/json",
  },
  "JSON with ids, hashes and timestamps": {
    target: "/api/v2/events",
    body: encode(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: uuid(), seq: 1_700_000_000_000 + i * 7919, snowflake: `17${source.chars("0123456789", 17)}`, sha256: hex(64), etag: `"${hex(32)}"`, docker: `sha256:${hex(64)}`, version: `1.${i}.0`, amount: "1234.56", phone: "+1 415 555 0100" })))),
    contentType: "application/json",
  },
  "gzip-encoded JSON": {
    target: "/api/upload",
    body: gzipSync(encode(JSON.stringify({ lines: Array.from({ length: 500 }, (_, i) => `line ${i}: value=${i * 31} ok`) }))),
    contentEncoding: "gzip",
    contentType: "application/json",
  },
  "deflate-encoded text": { target: "/logs", body: deflateSync(encode("INFO started\nWARN slow query 1200ms\n".repeat(400))), contentEncoding: "deflate" },
  "form login without a real password": { target: "/login", body: encode("username=ci&password=&remember=on&csrf_token=" + hex(32)), contentType: "application/x-www-form-urlencoded" },
  "multipart upload of a PNG": {
    target: "/upload",
    contentType: "multipart/form-data; boundary=----x",
    body: Buffer.concat([Buffer.from('------x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'), Buffer.from(source.bytes(64 * 1024)), Buffer.from("\r\n------x--\r\n")]),
  },
  "package-lock.json": {
    target: "/repos/o/r/contents/package-lock.json",
    body: encode(JSON.stringify({ packages: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`node_modules/pkg-${i}`, { version: `${i}.0.1`, resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-${i}.0.1.tgz`, integrity: `sha512-${Buffer.from(source.bytes(64)).toString("base64")}` }])) })),
  },
};

const hosts = [
  "registry.npmjs.org:443",
  "files.pythonhosted.org:443",
  "objects.githubusercontent.com:443",
  "codeload.github.com:443",
  "d2g6u4gh6d9rq0.cloudfront.net:443",
  "my-bucket.s3.us-west-2.amazonaws.com:443",
  "ec2-54-12-34-56.compute-1.amazonaws.com:443",
  "r3---sn-abc123.googlevideo.com:443",
  "api.anthropic.com:443",
  "statsig.anthropic.com:443",
  "storage.googleapis.com:443",
  "production.cloudflare.docker.com:443",
];

describe("benign corpus", () => {
  for (const [name, input] of Object.entries(requests)) {
    test(name, async () => {
      const report = await scanner.scanRequest(input);
      expect(report.findings).toEqual([]);
      expect(report.incomplete).toEqual([]);
    });
  }
  for (const host of hosts) {
    test(`CONNECT ${host}`, () => expect(scanner.scanHostname(host)).toEqual([]));
  }
});
