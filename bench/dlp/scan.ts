/**
 * DLP scanner cost per call: `bun bench/dlp/scan.ts`. Prints ns/op for the inputs a
 * plain proxied request produces (a typical URL, a header set, a 64 KiB JSON body, a
 * CONNECT hostname) and for building the scanner. Results go in bench/dlp/RESULTS.md.
 */
import { createScanner } from "../../src/gate/dlp/create-scanner.ts";

const heldSecrets = [
  `sk-ant-oat01-${"Q".repeat(10)}${crypto.randomUUID()}${crypto.randomUUID()}`,
  `ghs_${crypto.randomUUID().replaceAll("-", "").slice(0, 36)}`,
  `bottle-deploy-key-${crypto.randomUUID()}`,
];
const scanner = createScanner({ heldSecrets });

const url = "https://api.github.com/repos/owner/repo/commits?sha=3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a&per_page=100&page=2";
const headers: [string, string][] = [
  ["host", "api.github.com"],
  ["user-agent", "curl/8.5.0"],
  ["accept", "application/vnd.github+json"],
  ["x-github-api-version", "2022-11-28"],
  ["content-type", "application/json"],
  ["x-request-id", crypto.randomUUID()],
];

/** A messages request of ~64 KiB: prose, code, ids — what an agent actually sends. */
function jsonBody(size: number): Uint8Array {
  const prose = "The function computeTotals iterates over the task-1234 entries and sums their durations. ";
  const code = "export function computeTotals(tasks: Task[]): number {\n  return tasks.reduce((sum, t) => sum + t.durationMs, 0);\n}\n";
  const messages: { role: string; content: string }[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const content = `${prose.repeat(6)}\n\`\`\`ts\n${code.repeat(3)}\`\`\`\ncommit ${crypto.randomUUID()} ${i}`;
    messages.push({ role: i % 2 === 0 ? "user" : "assistant", content });
    length += content.length + 40;
  }
  return new TextEncoder().encode(JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 4096, messages }));
}
const body = jsonBody(64 * 1024);

/**
 * Times `run` for ~0.5 s after a warm-up. Reports wall-clock and CPU (user + system)
 * nanoseconds per call: the build machine is shared, and CPU time is what stays
 * meaningful when other processes compete for the cores.
 */
function measure(name: string, run: () => unknown): void {
  for (let i = 0; i < 50; i++) run();
  let iterations = 1;
  for (;;) {
    const cpuStart = process.cpuUsage();
    const start = Bun.nanoseconds();
    for (let i = 0; i < iterations; i++) run();
    const elapsed = Bun.nanoseconds() - start;
    const cpu = process.cpuUsage(cpuStart);
    if (elapsed > 5e8) {
      const wall = Math.round(elapsed / iterations).toLocaleString("en-US");
      const cpuPerOp = Math.round(((cpu.user + cpu.system) * 1000) / iterations).toLocaleString("en-US");
      console.log(`| ${name} | ${wall} | ${cpuPerOp} | ${iterations} |`);
      return;
    }
    iterations *= 2;
  }
}

console.log(`bun ${Bun.version}, ${heldSecrets.length} held secrets, body ${body.length} bytes`);
console.log("| input | wall ns/op | CPU ns/op | iterations |");
console.log("|---|---:|---:|---:|");
measure("scanUrl (typical API URL)", () => scanner.scanUrl(url));
measure("scanHeaders (6 headers)", () => scanner.scanHeaders(headers));
measure("scanBody (64 KiB JSON)", () => scanner.scanBody(body, "application/json"));
measure("scanHostname (api.github.com)", () => scanner.scanHostname("api.github.com"));
measure("scanHostname (3-label CDN host)", () => scanner.scanHostname("ec2-54-12-34-56.compute-1.amazonaws.com"));
measure("redact (typical path)", () => scanner.redact("/repos/owner/repo/commits?per_page=100&page=2"));
measure("createScanner (3 held secrets)", () => createScanner({ heldSecrets }));
// Hostile inputs (1 MiB each): repeated prefixes that make naive regexes backtrack.
const hostile: Record<string, string> = {
  "BEGIN PRIVATE KEY lines": "-----BEGIN PRIVATE KEY-----\n".repeat(37_450),
  '"sk-" repeated': "sk-".repeat(349_525),
  "JWT-like fragments": "eyJhbGciOiJIUzI1.".repeat(61_680),
  "%25 repeated": "%25".repeat(349_525),
};
for (const [name, text] of Object.entries(hostile)) {
  const bytes = new TextEncoder().encode(text);
  measure(`scanBody (1 MiB hostile: ${name})`, () => scanner.scanBody(bytes, "text/plain"));
  const path = `http://x.example/${text.slice(0, 64 * 1024)}`;
  measure(`scanUrl (64 KiB hostile: ${name})`, () => scanner.scanUrl(path));
}
// Reference point for a loaded machine: how long the runtime itself takes to parse the body.
const bodyText = new TextDecoder().decode(body);
measure("reference: JSON.parse (same 64 KiB body)", () => JSON.parse(bodyText));
