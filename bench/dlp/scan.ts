/**
 * DLP scanner cost: `bun bench/dlp/scan.ts`. Prints, per input, CPU (user + system)
 * and wall milliseconds per MiB of body for the hostile inputs of issue 9 and the
 * worst cases found since, and for typical bodies; then per-call costs of a plain
 * request's URL, headers and CONNECT host; then the event-loop lag (p50/p99/max of a
 * 1 ms timer) while 8 hostile 1 MiB bodies are scanned concurrently with
 * `scanRequest`. Results go in bench/dlp/RESULTS.md. Bounded: about 30 s.
 */
import { createScanner } from "../../src/gate/dlp/create-scanner.ts";
import { type Input, inputs, MiB } from "./inputs.ts";

const heldSecrets = [
  `sk-ant-oat01-${"Q".repeat(10)}${crypto.randomUUID()}${crypto.randomUUID()}`,
  `ghs_${crypto.randomUUID().replaceAll("-", "").slice(0, 36)}`,
  `bottle-deploy-key-${crypto.randomUUID()}`,
];
const scanner = createScanner({ heldSecrets });

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
