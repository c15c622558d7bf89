import { afterAll, describe, expect, test } from "bun:test";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base32, fakeCredentials } from "../../unit/gate/dlp/fake-credentials.ts";
import { blockReason, curl, startRecordingOrigin, startTestGate } from "./harness.ts";

const HELD = "bottle-held-secret-9f8e7d6c5b4a";
const credentials = fakeCredentials(11);
const singleLine = Object.entries(credentials).filter(([, value]) => !value.includes("\n"));

describe("DLP through the gate", async () => {
  const origin = startRecordingOrigin();
  const target = `http://app.gate.test:${origin.server.port}`;
  const egress = (action: "block" | "warn" | "off") => ({
    allow: ["*.gate.test", `*.gate.test:${origin.server.port}`],
    allow_cidrs: ["127.0.0.0/8"],
    dlp: { action },
    // The route makes the gate hold HELD; its upstream is never called here.
    routes: [{ name: "held", upstream: "http://127.0.0.1:9", inject: { header: "authorization", value: "Bearer ${HELD_TOKEN}" } }],
  });
  const env = { HELD_TOKEN: HELD };
  const block = await startTestGate(egress("block"), env);
  const warn = await startTestGate(egress("warn"), env);
  const off = await startTestGate(egress("off"), env);
  afterAll(async () => {
    for (const gate of [block, warn, off]) await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test.each(singleLine)("%s in a header is refused", async (kind, value) => {
    const result = await curl(["-x", block.proxy, "-H", `x-note: ${value}`, `${target}/h`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe(`dlp:${kind}`);
  });

  test.each(singleLine)("%s in the query, URL-encoded, is refused", async (kind, value) => {
    const result = await curl(["-x", block.proxy, `${target}/q?token=${encodeURIComponent(value)}`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe(`dlp:${kind}`);
  });

  test.each(Object.entries(credentials))("%s in a POST body is refused", async (kind, value) => {
    const result = await curl(["-x", block.proxy, "-H", "content-type: text/plain", "--data-binary", `note\n${value}\nend`, `${target}/b`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe(`dlp:${kind}`);
  });

  test.each([
    ["base64 in the query", `/q?d=${encodeURIComponent(Buffer.from(HELD).toString("base64"))}`],
    ["hex in the path", `/p/${Buffer.from(HELD).toString("hex")}`],
    ["base32 in the query", `/q?d=${base32(HELD)}`],
    ["raw in the path", `/p/${HELD}`],
  ])("the held secret, %s, is refused", async (_, path) => {
    const result = await curl(["-x", block.proxy, `${target}${path}`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:held-secret");
  });

  test("the held secret in a plain request's hostname is refused", async () => {
    const label = Buffer.from(HELD).toString("hex");
    const result = await curl(["-x", block.proxy, `http://${label}.gate.test:${origin.server.port}/`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toStartWith("dlp:");
  });

  test("the held secret in a tunnel hostname is refused", async () => {
    const label = Buffer.from(HELD).toString("hex");
    const result = await curl(["-x", block.proxy, `https://${label}.gate.test:${origin.server.port}/`]);
    expect(result.connectStatus).toBe(403);
    expect(blockReason(result)).toStartWith("dlp:");
  });

  test.each([
    ["a UUID", "/items/7c9e6679-7425-40de-944b-e07fc1f90ae7"],
    ["a git commit", "/commit/4b825dc642cb6eb9a060e54bf8d69288fbee4904"],
    ["an sk- word", "/search?q=sk-ant-docs"],
    ["a short AKIA", "/q?x=AKIA"],
  ])("a clean look-alike (%s) passes", async (_, path) => {
    const result = await curl(["-x", block.proxy, `${target}${path}`]);
    expect(result.status).toBe(200);
  });

  test("warn forwards and audits the finding; the audit never holds the secret", async () => {
    const key = credentials["anthropic-key"]!;
    const result = await curl(["-x", warn.proxy, `${target}/warned?k=${key}`]);
    expect(result.status).toBe(200);
    expect(origin.seen.at(-1)?.url).toBe(`/warned?k=${key}`);
    const line = (await warn.auditLines()).find((entry) => String(entry.path).startsWith("/warned"));
    expect(line).toMatchObject({ decision: "warn", reason: "dlp:anthropic-key", status: 200 });
    expect(await readFile(warn.auditFile, "utf8")).not.toContain(key);
  });

  test("off forwards without looking", async () => {
    const result = await curl(["-x", off.proxy, "-H", `x-note: ${credentials["github-token"]}`, `${target}/off`]);
    expect(result.status).toBe(200);
    const line = (await off.auditLines()).find((entry) => entry.path === "/off");
    expect(line).toMatchObject({ decision: "allow" });
  });

  test("with DLP off, bodies still stream through whole (read only after resolution)", async () => {
    const file = join(tmpdir(), `gate-off-body-${process.pid}.txt`);
    await writeFile(file, "y".repeat(2 * 1024 * 1024 + 7));
    try {
      const result = await curl(["-x", off.proxy, "-H", "content-type: text/plain", "--data-binary", `@${file}`, `${target}/off-body`]);
      expect(result.status).toBe(200);
      expect(result.body).toBe(`origin saw POST /off-body (${2 * 1024 * 1024 + 7} bytes)`);
    } finally {
      await rm(file, { force: true });
    }
  });

  test("the blocking gate's audit names kinds, never values", async () => {
    const text = await readFile(block.auditFile, "utf8");
    const hex = Buffer.from(HELD).toString("hex");
    for (const value of [...Object.values(credentials), HELD, hex]) expect(text).not.toContain(value);
    expect(text).toContain('"reason":"dlp:held-secret"');
  });
});
