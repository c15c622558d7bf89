import { afterAll, describe, expect, test } from "bun:test";
import { readFile, rm } from "node:fs/promises";
import { processRunner } from "../../../src/core/runner.ts";
import { blockReason, curl, makeTlsMaterial, startRecordingOrigin, startTestGate } from "./harness.ts";

const TOKEN = "real-oauth-token-0123456789abcdef";

describe("credential-injecting routes", async () => {
  const origin = startRecordingOrigin();
  // The SSE origin sends one event, then holds the stream open until the test has seen
  // that event arrive through the gate: a buffering gate would never deliver it.
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const sse = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () =>
      new Response(
        new ReadableStream({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode("event: message_start\ndata: {\"n\":1}\n\n"));
            await released;
            controller.enqueue(new TextEncoder().encode("event: message_stop\ndata: {\"n\":2}\n\n"));
            controller.close();
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      ),
  });
  const gate = await startTestGate(
    {
      allow_cidrs: ["127.0.0.0/8"],
      routes: [
        { name: "anthropic", upstream: `${origin.url}/base`, roles: ["claude_code_oauth"], inject: { header: "Authorization", value: "Bearer ${CLAUDE_TOKEN}" } },
        { name: "keyed", upstream: origin.url, inject: { header: "x-api-key", value: "${CLAUDE_TOKEN}" } },
        { name: "sse", upstream: `http://127.0.0.1:${sse.port}` },
      ],
    },
    { CLAUDE_TOKEN: TOKEN },
  );
  afterAll(async () => {
    release();
    await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
    sse.stop(true);
  });

  test("injects the route's header and strips every credential the client sent", async () => {
    const result = await curl([
      "-H", "Authorization: Bearer bottle-placeholder",
      "-H", "x-api-key: client-key",
      "-H", "Cookie: session=1",
      "-H", "Proxy-Authorization: Basic abc",
      "-H", "anthropic-version: 2023-06-01",
      "--data-binary", '{"model":"x"}',
      `${gate.proxy}/r/anthropic/v1/messages?beta=true`,
    ]);
    expect(result.status).toBe(200);
    const seen = origin.seen.at(-1)!;
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/base/v1/messages?beta=true");
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.headers["x-api-key"]).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers["proxy-authorization"]).toBeUndefined();
    expect(seen.headers["anthropic-version"]).toBe("2023-06-01");
    expect(seen.headers.host).toBe(new URL(origin.url).host);
    expect(seen.body).toBe('{"model":"x"}');
  });

  test("a route can inject any header, replacing the client's", async () => {
    await curl(["-H", "x-api-key: client-key", `${gate.proxy}/r/keyed/v1/models`]);
    const seen = origin.seen.at(-1)!;
    expect(seen.url).toBe("/v1/models");
    expect(seen.headers["x-api-key"]).toBe(TOKEN);
    expect(seen.headers.authorization).toBeUndefined();
  });

  test("the path after the route name and the query reach the upstream under its base path", async () => {
    for (const [path, expected] of [
      ["/r/anthropic/v1/models?limit=2", "/base/v1/models?limit=2"],
      ["/r/anthropic?limit=2", "/base/?limit=2"],
      ["/r/anthropic/a/b?x=/y", "/base/a/b?x=/y"],
      ["/r/keyed/", "/"],
    ] as const) {
      const result = await curl([`${gate.proxy}${path}`]);
      expect(result.status).toBe(200);
      expect(origin.seen.at(-1)!.url).toBe(expected);
    }
  });

  test("an unknown route is 404, not a policy block", async () => {
    const result = await curl([`${gate.proxy}/r/nope/v1`]);
    expect(result.status).toBe(404);
    expect(blockReason(result)).toBeUndefined();
    expect(result.body).toContain("anthropic, keyed, sse");
  });

  test("server-sent events flow through before the upstream finishes", async () => {
    const events: string[] = [];
    let sawFirst: () => void = () => {};
    const first = new Promise<void>((resolve) => (sawFirst = resolve));
    const child = processRunner.start(["curl", "-sS", "-N", `${gate.proxy}/r/sse/v1/messages`], {
      onOutput: (chunk, stream) => {
        if (stream !== "stdout") return;
        events.push(chunk);
        if (events.join("").includes("message_start")) sawFirst();
      },
    });
    await first;
    // The upstream is still holding its stream open here: nothing was buffered.
    expect(events.join("")).not.toContain("message_stop");
    release();
    const result = await child.exited;
    expect(result.stdout).toBe('event: message_start\ndata: {"n":1}\n\nevent: message_stop\ndata: {"n":2}\n\n');
  });

  test("the SSRF guard still applies to a route's upstream", async () => {
    await using strict = await startTestGate({ routes: [{ name: "local", upstream: origin.url }] });
    const result = await curl([`${strict.proxy}/r/local/x`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("private-address");
  });

  test("the audit names the route and never the injected token", async () => {
    const lines = await gate.auditLines();
    expect(lines.find((line) => line.route === "anthropic")).toMatchObject({ decision: "allow", status: 200, method: "POST" });
    expect(await readFile(gate.auditFile, "utf8")).not.toContain(TOKEN);
  });

  test("an https upstream is verified against the route's name while the gate connects to the checked address", async () => {
    const tls = await makeTlsMaterial();
    const secure = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: Bun.file(tls.certFile), key: Bun.file(tls.keyFile) },
      fetch: (request) => new Response(`tls saw ${new URL(request.url).pathname} auth=${request.headers.get("authorization")}`),
    });
    const ca = [await Bun.file(tls.caFile).text()];
    try {
      await using good = await startTestGate(
        { allow_cidrs: ["127.0.0.0/8"], routes: [{ name: "s", upstream: `https://origin.gate.test:${secure.port}`, inject: { header: "authorization", value: "Bearer ${CLAUDE_TOKEN}" } }] },
        { CLAUDE_TOKEN: TOKEN },
        undefined,
        ca,
      );
      const ok = await curl([`${good.proxy}/r/s/v1/ping`]);
      expect(ok.status).toBe(200);
      // The origin echoes the injected header: the gate redacts the held secret on the way back.
      expect(ok.body).toBe("tls saw /v1/ping auth=Bearer [REDACTED:held-secret]");

      // Same address, a name the certificate does not carry: TLS must fail (502), not pass.
      await using wrong = await startTestGate({ allow_cidrs: ["127.0.0.0/8"], routes: [{ name: "s", upstream: `https://wrong.gate.test:${secure.port}` }] }, {}, undefined, ca);
      const refused = await curl([`${wrong.proxy}/r/s/v1/ping`]);
      expect(refused.status).toBe(502);
      expect(blockReason(refused)).toBeUndefined();
    } finally {
      secure.stop(true);
      await rm(tls.dir, { recursive: true, force: true });
    }
  });
});
