import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../src/core/runner.ts";
import { describeEngine } from "../helpers/engine.ts";
import { ensureBaseImage } from "../helpers/images.ts";
import { bridgeGateway } from "../helpers/bridge-gateway.ts";

const ROOT = join(import.meta.dir, "../..");
const SECRET = `sk-ant-oat01-e2e-${randomBytes(24).toString("hex")}`;
const ANSWER = `The stand-in says hello ${randomBytes(4).toString("hex")}`;

/** What the stand-in saw, and what the test found inside the agent while Claude waited. */
const seen: { path: string; authorization: string | null; stream: boolean }[] = [];
let agentChecks: Promise<{ env: string; inspect: string; files: string; name: string }> | undefined;

/** The Anthropic Messages API's streaming shape, one server-sent event per write. */
function sse(model: string): ReadableStream<Uint8Array> {
  const events: [string, unknown][] = [
    ["message_start", { type: "message_start", message: { id: "msg_e2e", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    ...ANSWER.split(" ").map((word, index): [string, unknown] => ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: index === 0 ? word : ` ${word}` } }]),
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 9 } }],
    ["message_stop", { type: "message_stop" }],
  ];
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = events.shift();
      if (next === undefined) return controller.close();
      controller.enqueue(encoder.encode(`event: ${next[0]}\ndata: ${JSON.stringify(next[1])}\n\n`));
      await Bun.sleep(5);
    },
  });
}

let state = "";
async function inspectAgent(): Promise<{ env: string; inspect: string; files: string; name: string }> {
  const found = await processRunner.run(["docker", "ps", "--filter", `label=dev.bottle.owner=${state}`, "--filter", "label=dev.bottle.role=agent", "--format", "{{.Names}}"]);
  const name = found.stdout.trim();
  const exec = (script: string) => processRunner.run(["docker", "exec", "--user", "0", name, "sh", "-c", script], { check: false, timeoutMs: 120_000 });
  const [env, inspect, files] = await Promise.all([
    exec("env; for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ 2>/dev/null; done"),
    processRunner.run(["docker", "inspect", name]),
    exec(`grep -rlF "${SECRET}" / --exclude-dir=proc --exclude-dir=sys 2>/dev/null | head -5`),
  ]);
  return { env: env.stdout, inspect: inspect.stdout, files: files.stdout, name };
}

const standIn = Bun.serve({
  hostname: "0.0.0.0",
  port: 0,
  async fetch(request) {
    const url = new URL(request.url);
    const body = request.method === "POST" ? ((await request.json().catch(() => ({}))) as { stream?: boolean; model?: string }) : {};
    seen.push({ path: url.pathname, authorization: request.headers.get("authorization"), stream: body.stream === true });
    if (url.pathname.endsWith("/v1/messages")) {
      // Hold the first answer until the agent has been searched for the secret: it is alive now.
      agentChecks ??= inspectAgent();
      await agentChecks;
      if (body.stream) return new Response(sse(body.model ?? "claude"), { headers: { "content-type": "text/event-stream" } });
      return Response.json({ id: "msg_e2e", type: "message", role: "assistant", model: body.model ?? "claude", content: [{ type: "text", text: ANSWER }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 12, output_tokens: 9 } });
    }
    return Response.json({});
  },
});

afterAll(() => standIn.stop(true));

describeEngine("e2e: Claude Code in a bottle", () => {
  test("`bottle start claude --prompt` reaches the stand-in through the gate's route; the secret stays out of the agent", async () => {
    await ensureBaseImage();
    const host = await bridgeGateway();
    const root = await mkdtemp(join(tmpdir(), "bottle-e2e-"));
    const work = join(root, "work");
    await mkdir(work);
    state = join(root, "state", "bottle");
    const manifest = join(root, "bottle.yaml");
    await writeFile(
      manifest,
      [
        "version: 1",
        "agents:",
        "  claude:",
        "    image: default",
        "    command: [claude]",
        "bottles:",
        "  default:",
        "    egress:",
        // The stand-in listens on the host's docker0 address, a private one the gate refuses unless allowed.
        `      allow_cidrs: ["${host}/32"]`,
        "      routes:",
        "        - name: anthropic",
        `          upstream: http://${host}:${standIn.port}`,
        "          roles: [claude_code_oauth]",
        '          inject: { header: authorization, value: "Bearer ${CLAUDE_CODE_OAUTH_TOKEN}" }',
        "",
      ].join("\n"),
    );
    const env = {
      XDG_STATE_HOME: join(root, "state"),
      XDG_CACHE_HOME: process.env.BOTTLE_TEST_CACHE ?? join(tmpdir(), "bottle-test-cache"),
      BOTTLE_MANIFEST: manifest,
      CLAUDE_CODE_OAUTH_TOKEN: SECRET,
      CI: "1",
    };
    const result = await processRunner.run([process.execPath, join(ROOT, "src/cli/main.ts"), "start", "claude", "--prompt", "Say hello."], {
      env,
      cwd: work,
      check: false,
      timeoutMs: 1_800_000,
    });
    const context = `exit ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr.split("\n").slice(-30).join("\n")}\nseen: ${JSON.stringify(seen.map(({ path, stream }) => ({ path, stream })))}`;
    expect({ code: result.exitCode, context }).toMatchObject({ code: 0 });
    // Claude Code printed the stand-in's answer…
    expect(result.stdout).toContain(ANSWER);
    // …which it got through the route, where the gate injected the real token.
    const messages = seen.filter((entry) => entry.path.endsWith("/v1/messages"));
    expect(messages.length).toBeGreaterThan(0);
    for (const entry of messages) expect(entry.authorization).toBe(`Bearer ${SECRET}`);
    // The secret is nowhere in the agent: env of every process, docker inspect, files.
    const checks = await agentChecks!;
    expect(checks.name).not.toBe("");
    expect(checks.env).toContain("CLAUDE_CODE_OAUTH_TOKEN=bottle-placeholder");
    expect(checks.env).not.toContain(SECRET);
    expect(checks.inspect).not.toContain(SECRET);
    expect(checks.files.trim()).toBe("");
    // And the run left nothing behind but its workspace, which cleanup --all removes.
    const cleaned = await processRunner.run([process.execPath, join(ROOT, "src/cli/main.ts"), "cleanup", "--yes", "--all"], { env, check: false });
    expect(cleaned.exitCode).toBe(0);
    const left = await processRunner.run(["docker", "ps", "-a", "--filter", `label=dev.bottle.owner=${state}`, "--format", "{{.Names}}"]);
    expect(left.stdout.trim()).toBe("");
  }, 1_800_000);
});
