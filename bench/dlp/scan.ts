/**
 * DLP scanner cost: `bun bench/dlp/scan.ts`. Prints, per input, CPU (user + system)
 * and wall milliseconds per MiB of body for the hostile inputs of issue 9 and the
 * worst cases found since, and for typical bodies; then per-call costs of a plain
 * request's URL, headers and CONNECT host; then the event-loop lag (p50/p99/max of a
 * 1 ms timer) while 8 hostile 1 MiB bodies are scanned concurrently with
 * `scanRequest`. Results go in bench/dlp/RESULTS.md. Bounded: about 30 s.
 */
import { gzipSync } from "node:zlib";
import { createScanner } from "../../src/gate/dlp/create-scanner.ts";

const MiB = 1024 * 1024;
const heldSecrets = [
  `sk-ant-oat01-${"Q".repeat(10)}${crypto.randomUUID()}${crypto.randomUUID()}`,
  `ghs_${crypto.randomUUID().replaceAll("-", "").slice(0, 36)}`,
  `bottle-deploy-key-${crypto.randomUUID()}`,
];
const scanner = createScanner({ heldSecrets });

let seed = 1;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (length: number): string => Array.from({ length }, () => ALNUM[Math.floor(random() * 62)]).join("");
const randomBytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => Math.floor(random() * 256));
const sixteen = (): string => Array.from({ length: 16 }, () => alnum(16)).join("/");
const fill = (unit: () => string, separator = ""): string => {
  const parts: string[] = [];
  let length = 0;
  while (length < MiB) {
    const part = unit();
    parts.push(part);
    length += part.length + separator.length;
  }
  return parts.join(separator).slice(0, MiB);
};

/** A messages request: prose, code, ids (what an agent sends most). */
function messagesBody(): string {
  const prose = "The function computeTotals iterates over the task-1234 entries and sums their durations. ";
  const code = "export function computeTotals(tasks: Task[]): number {\n  return tasks.reduce((sum, t) => sum + t.durationMs, 0);\n}\n";
  const messages: { role: string; content: string }[] = [];
  let length = 0;
  for (let i = 0; length < MiB; i++) {
    const content = `${prose.repeat(6)}\n\`\`\`ts\n${code.repeat(3)}\`\`\`\ncommit ${crypto.randomUUID()} ${i}`;
    messages.push({ role: i % 2 === 0 ? "user" : "assistant", content });
    length += content.length + 40;
  }
  return JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 4096, messages });
}

const oneRepeated = sixteen();
const messages = new TextEncoder().encode(messagesBody());
/** `scanned`: the bytes the scan reads (the decoded length of an encoded body). */
type Input = { body: Uint8Array; type?: string; encoding?: string; hostile: boolean; scanned?: number };
const inputs: Record<string, Input> = {
  '"eyJ" + "ey"×524288 (issue 9)': { body: new TextEncoder().encode(`eyJ${"ey".repeat(524_288)}`), hostile: true },
  "16 random 16-char alnum joined by /, repeated (issue 9)": { body: new TextEncoder().encode(fill(() => oneRepeated, "/")), hostile: true },
  "16 random 16-char alnum joined by /, a new line each time": { body: new TextEncoder().encode(fill(sixteen, "\n")), hostile: true },
  "random base64, one run": { body: new TextEncoder().encode(Buffer.from(randomBytes(786_432)).toString("base64")), hostile: true },
  "random base64, 76-column lines": { body: new TextEncoder().encode(Buffer.from(randomBytes(770_000)).toString("base64").replace(/.{76}/g, "$&\n")), hostile: true },
  '"sk-" repeated': { body: new TextEncoder().encode("sk-".repeat(349_525)), hostile: true },
  "BEGIN PRIVATE KEY lines": { body: new TextEncoder().encode("-----BEGIN PRIVATE KEY-----\n".repeat(37_450)), hostile: true },
  "JWT-like fragments": { body: new TextEncoder().encode("eyJhbGciOiJIUzI1.".repeat(61_680)), hostile: true },
  '"%25" repeated': { body: new TextEncoder().encode("%25".repeat(349_525)), hostile: true },
  '"\\u0041" repeated (JSON escapes)': { body: new TextEncoder().encode("\\u0041".repeat(174_762)), hostile: true },
  '"password=" + 20 random, repeated': { body: new TextEncoder().encode(fill(() => `password=${alnum(20)}`, "&")), hostile: true },
  "digits in card-like groups": { body: new TextEncoder().encode(fill(() => `4${alnum(0)}${Math.floor(random() * 1e15)}`.padEnd(16, "7"), " ")), hostile: true },
  "random alphanumeric, one run": { body: new TextEncoder().encode(alnum(MiB)), hostile: true },
  "messages request JSON (prose, code, UUIDs)": { body: messages, type: "application/json", hostile: false },
  "same, gzip Content-Encoding (per MiB decoded)": { body: gzipSync(messages), type: "application/json", encoding: "gzip", hostile: false, scanned: messages.length },
  "random binary (an upload)": { body: randomBytes(MiB), type: "application/octet-stream", hostile: false },
};

/** CPU and wall ms per MiB of `scanBody` on `input`, median of 5 runs after a warm-up. */
function perMiB(input: Input): { cpu: number; wall: number } {
  const scan = () => scanner.scanBody(input.body, input.type, input.encoding);
  scan();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 5; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    scan();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[2] ?? 0;
  const scale = MiB / (input.scanned ?? input.body.length);
  return { cpu: median(cpu) * scale, wall: median(wall) * scale };
}

console.log(`bun ${Bun.version}, ${heldSecrets.length} held secrets, load average ${(await import("node:os")).loadavg().map((n) => n.toFixed(1)).join(" ")}`);
console.log("| body (1 MiB) | CPU ms/MiB | wall ms/MiB |");
console.log("|---|---:|---:|");
// `bun bench/dlp/scan.ts WORD`: only the bodies whose name contains WORD, no per-call
// or lag parts (for profiling one shape).
const only = process.argv[2];
for (const [name, input] of Object.entries(inputs)) {
  if (only !== undefined && !name.includes(only)) continue;
  const { cpu, wall } = perMiB(input);
  console.log(`| ${input.hostile ? "hostile: " : ""}${name} | ${cpu.toFixed(1)} | ${wall.toFixed(1)} |`);
}

if (only !== undefined) process.exit(0);

/** Microseconds of CPU per call, over ~0.3 s. */
function perCall(name: string, run: () => unknown): void {
  for (let i = 0; i < 50; i++) run();
  let iterations = 1;
  for (;;) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < iterations; i++) run();
    if (performance.now() - start > 300) {
      const cpu = process.cpuUsage(cpuStart);
      console.log(`| ${name} | ${((cpu.user + cpu.system) / iterations).toFixed(1)} |`);
      return;
    }
    iterations *= 2;
  }
}
console.log("\n| call | CPU µs/call |\n|---|---:|");
const url = "http://api.github.com/repos/owner/repo/commits?sha=3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a&per_page=100&page=2";
const headers: [string, string][] = [
  ["Host", "api.github.com"],
  ["User-Agent", "curl/8.5.0"],
  ["Accept", "application/vnd.github+json"],
  ["X-GitHub-Api-Version", "2022-11-28"],
  ["Content-Type", "application/json"],
  ["X-Request-Id", crypto.randomUUID()],
];
// The scanner remembers short parts it scanned (they repeat from request to request):
// the same URL and headers again cost a lookup; a new URL or header value a scan.
perCall("scanUrl (typical API URL, again)", () => scanner.scanUrl(url));
let unique = 0;
perCall("scanUrl (typical API URL, new each call)", () => scanner.scanUrl(`${url}&n=${unique++}`));
perCall("scanHeaders (6 headers, again)", () => scanner.scanHeaders(headers));
perCall("scanHeaders (6 headers, a new request id each call)", () => scanner.scanHeaders([...headers.slice(0, 5), ["X-Request-Id", `${unique++}-${crypto.randomUUID()}`]]));
perCall("scanHostname (api.github.com:443)", () => scanner.scanHostname("api.github.com:443"));
perCall("auditTarget (typical URL, new each call)", () => scanner.auditTarget(`${url}&n=${unique++}`));
perCall("createScanner (3 held secrets)", () => createScanner({ heldSecrets }));

// Event-loop lag while 8 hostile bodies are scanned at once, as 8 clients would.
const hostile = inputs["16 random 16-char alnum joined by /, a new line each time"]?.body ?? new Uint8Array();
const lags: number[] = [];
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  lags.push(now - last - 1);
  last = now;
}, 1);
const started = performance.now();
await Promise.all(Array.from({ length: 8 }, () => scanner.scanRequest({ target: "/upload", body: hostile, contentType: "text/plain" })));
const elapsed = performance.now() - started;
clearInterval(timer);
lags.sort((a, b) => a - b);
const at = (q: number) => (lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0).toFixed(1);
console.log(`\n8 concurrent scanRequest of the hostile "a new line each time" body: ${elapsed.toFixed(0)} ms in all; 1 ms timer lag p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (${lags.length} ticks)`);
