/**
 * The bodies the DLP benchmarks scan (`scan.ts`, `ab.ts`): the hostile inputs of
 * issue 9, the worst cases found since, and typical bodies. Deterministic (a seeded
 * generator) apart from the UUIDs of the messages body.
 */
import { gzipSync } from "node:zlib";

/** A mebibyte, the unit every figure is quoted per. */
export const MiB = 1024 * 1024;

let seed = 1;
const random = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const alnum = (length: number): string => Array.from({ length }, () => ALNUM[Math.floor(random() * 62)]).join("");
const randomBytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => Math.floor(random() * 256));
const sixteen = (): string => Array.from({ length: 16 }, () => alnum(16)).join("/");
/** Units (each given its index) joined by `separator` until `size`, cut to exactly `size`. */
export function fill(unit: (index: number) => string, separator = "", size = MiB): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < size; index++) {
    const part = unit(index);
    parts.push(part);
    length += part.length + separator.length;
  }
  return parts.join(separator).slice(0, size);
}

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
export type Input = { body: Uint8Array; type?: string; encoding?: string; hostile: boolean; scanned?: number };
export const inputs: Record<string, Input> = {
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
  // Review round 2: three 8-character cells a line under a header naming secret columns (270-305 ms/MiB before groups were searched in one go).
  "CSV of short cells under a password,token,secret header": { body: new TextEncoder().encode(`password,token,secret\n${fill(() => `${alnum(8)},${alnum(8)},${alnum(8)}`, "\n")}`), hostile: true },
  "digits in card-like groups": { body: new TextEncoder().encode(fill(() => `4${alnum(0)}${Math.floor(random() * 1e15)}`.padEnd(16, "7"), " ")), hostile: true },
  "random alphanumeric, one run": { body: new TextEncoder().encode(alnum(MiB)), hostile: true },
  "messages request JSON (prose, code, UUIDs)": { body: messages, type: "application/json", hostile: false },
  "same, gzip Content-Encoding (per MiB decoded)": { body: gzipSync(messages), type: "application/json", encoding: "gzip", hostile: false, scanned: messages.length },
  "random binary (an upload)": { body: randomBytes(MiB), type: "application/octet-stream", hostile: false },
};

