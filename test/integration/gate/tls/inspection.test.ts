import { afterAll, describe, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { fetchGateCa } from "../../../../src/gate/tls/agent-trust.ts";
import * as v from "valibot";
import { GateConfigSchema } from "../../../../src/gate/config-schema.ts";
import { blockReason, curl, rawExchange, startRecordingOrigin, startTestGate } from "../harness.ts";
import { makeOriginMaterial, startTlsOrigin } from "./tls-origin.ts";

const GH_TOKEN = "ghp_R3alT0kenTheAgentNeverHolds0123456789";
const HELD = "s3cret-value-the-gate-holds-42";

describe("TLS inspection through a standalone gate", async () => {
  // The origin's certificate names these; wrong-name.gate.test resolves to it too but is not named.
  const material = await makeOriginMaterial(["origin.gate.test", "rules.gate.test", "pass.gate.test"]);
  const origin = startTlsOrigin(material);
  const originCa = await Bun.file(material.caFile).text();
  const at = (host: string, path: string) => `https://${host}:${origin.port}${path}`;
  const gate = await startTestGate(
    {
      // Tunnels reach 443 unless an entry names ports: the origin listens on a free one.
      allow: [
        `origin.gate.test:${origin.port}`,
        `pass.gate.test:${origin.port}`,
        `wrong-name.gate.test:${origin.port}`,
        { host: `rules.gate.test:${origin.port}`, methods: ["GET", "HEAD"], paths: ["/repos/org/app/"] },
      ],
      allow_cidrs: ["127.0.0.0/8"],
      tls: { inspect: true, passthrough: ["pass.gate.test"] },
      credentials: [{ host: "origin.gate.test", header: "authorization", value: "Bearer ${GH_TOKEN}" }],
      routes: [{ name: "held", upstream: "https://held.gate.test", inject: { header: "x-api-key", value: "${HELD}" } }],
    },
    { GH_TOKEN, HELD },
    undefined,
    [originCa],
  );
  const gateCaFile = join(material.dir, "gate-ca.pem");
  const gateCa = await (await fetch(`${gate.proxy}/tls/ca.pem`)).text();
  await writeFile(gateCaFile, gateCa);
  const inspected = (args: string[]) => curl(["-x", gate.proxy, "--cacert", gateCaFile, ...args]);

  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.stop();
    await rm(material.dir, { recursive: true, force: true });
  });

  test("the gate serves its CA certificate, and nothing private with it", async () => {
    expect(gateCa).toStartWith("-----BEGIN CERTIFICATE-----");
    expect(gateCa).not.toContain("PRIVATE KEY");
    expect(gateCa).not.toBe(originCa);
    expect(await fetchGateCa(gate.proxy)).toBe(gateCa);
    await expect(fetchGateCa(`${gate.proxy}/nothing-here`)).rejects.toThrow("did not serve the gate's CA certificate");
  });

  test("curl trusting only the gate's CA gets the origin's answer: the gate terminated TLS", async () => {
    const result = await inspected([at("origin.gate.test", "/hello?x=1")]);
    expect(result.stderr).toBe("");
    expect(result.connectStatus).toBe(200);
    expect(result.status).toBe(200);
    expect(result.body).toBe("origin saw GET /hello?x=1 (0 bytes)");
    expect(result.headers).toContain("x-origin: tls");
  });

  test("ALPN gives HTTP/1.1 even to a client that offers h2", async () => {
    const result = await inspected(["-v", "--http2", at("origin.gate.test", "/alpn")]);
    expect(result.status).toBe(200);
    expect(result.stderr).toContain("ALPN: server accepted http/1.1");
  });

  test("HTTP/2 with prior knowledge (no ALPN) is not a way past the HTTP/1.1 parser: refused, nothing reaches the origin", async () => {
    const seen = origin.seen.length;
    const result = await inspected(["--http2-prior-knowledge", at("origin.gate.test", `/h2?d=${HELD}`)]);
    expect(result.status).not.toBe(200);
    expect(result.body).not.toContain("origin saw");
    expect(origin.seen.length).toBe(seen);
  });

  test("requests on one tunnel are kept alive: two requests, one CONNECT, both audited with full paths", async () => {
    const before = (await gate.auditLines()).length;
    const result = await inspected(["-v", at("origin.gate.test", "/one"), at("origin.gate.test", "/two?q=2")]);
    expect(result.stderr).toMatch(/Re-using existing connection/);
    const lines = (await gate.auditLines()).slice(before);
    const requests = lines.filter((line) => line["method"] === "GET");
    expect(requests.map((line) => line["path"])).toEqual(["/one", "/two?q=2"]);
    expect(requests.every((line) => line["host"] === `origin.gate.test:${origin.port}` && line["decision"] === "allow")).toBe(true);
    const tunnels = lines.filter((line) => line["method"] === "CONNECT");
    expect(tunnels.length).toBe(1);
    expect(tunnels[0]!["reason"]).toBe("inspected");
  });

  test("an Anthropic key in an HTTPS query is refused after the handshake (403, X-Bottle-Block)", async () => {
    const seen = origin.seen.length;
    const result = await inspected([at("origin.gate.test", `/q?key=sk-ant-api03-${"A".repeat(93)}AA`)]);
    expect(result.connectStatus).toBe(200);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:anthropic-key");
    expect(origin.seen.length).toBe(seen);
  });

  test("a held secret in an HTTPS URL is refused, and the audit line does not keep it", async () => {
    const result = await inspected([at("origin.gate.test", `/q?d=${HELD}`)]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:held-secret");
    const text = JSON.stringify(await gate.auditLines());
    expect(text).not.toContain(HELD);
  });

  test("a GitHub token in an HTTPS POST body is refused", async () => {
    const seen = origin.seen.length;
    const result = await inspected(["-d", `{"token":"${"ghp_"}${"x1Y2z3".repeat(6)}"}`, "-H", "content-type: application/json", at("origin.gate.test", "/upload")]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:github-token");
    expect(origin.seen.length).toBe(seen);
  });

  test("the configured credential is injected and what the agent sent is stripped", async () => {
    const result = await inspected(["-H", "authorization: Bearer bottle-placeholder", at("origin.gate.test", "/api/user")]);
    expect(result.status).toBe(200);
    const request = origin.seen.at(-1)!;
    expect(request.url).toBe("/api/user");
    expect(request.headers["authorization"]).toBe(`Bearer ${GH_TOKEN}`);
  });

  test("an upstream that echoes the injected credential hands the agent nothing of it", async () => {
    const result = await inspected(["-H", "authorization: Bearer bottle-placeholder", at("origin.gate.test", "/echo-headers")]);
    expect(result.status).toBe(200);
    expect(origin.seen.at(-1)!.headers["authorization"]).toBe(`Bearer ${GH_TOKEN}`);
    expect(result.body).not.toContain(GH_TOKEN);
    expect(result.body).toContain("[REDACTED:held-secret]");
  });

  test("an upstream cannot forge the gate's refusal inside an inspected tunnel", async () => {
    const result = await inspected(["-H", "x-forge: 1", at("origin.gate.test", "/forge")]);
    expect(blockReason(result)).toBeUndefined();
  });

  test("a credential is injected even when the agent sent none", async () => {
    await inspected([at("origin.gate.test", "/api/none")]);
    expect(origin.seen.at(-1)!.headers["authorization"]).toBe(`Bearer ${GH_TOKEN}`);
  });

  test("the injected credential itself is a held secret: the agent cannot send it back out", async () => {
    const result = await inspected([at("origin.gate.test", `/leak?t=${GH_TOKEN}`)]);
    expect(result.status).toBe(403);
    expect(blockReason(result)?.startsWith("dlp:")).toBe(true);
  });

  test.each([
    ["GET", "/repos/org/app/issues", 200, undefined],
    ["HEAD", "/repos/org/app/", 200, undefined],
    ["POST", "/repos/org/app/issues", 403, "method-not-allowed"],
    ["DELETE", "/repos/org/app", 403, "method-not-allowed"],
    ["GET", "/repos/org/other", 403, "path-not-allowed"],
    ["GET", "/repos/org/app2/x", 403, "path-not-allowed"],
    ["GET", "/repos/org/app/../other/x", 403, "path-not-allowed"],
    ["GET", "/repos/org/app/%2e%2e/other/x", 403, "path-not-allowed"],
    ["GET", "/repos/org/app/..%2f..%2fother", 403, "path-not-allowed"],
    // Dot segments WHATWG parsing leaves alone but an origin reads as `..` (review round 2, finding 6).
    ["GET", "/repos/org/app/..;/other", 403, "path-not-allowed"],
    ["GET", "/repos/org/app/%2e%2e;/other", 403, "path-not-allowed"],
    ["GET", "/repos/org/app/..%3b/other", 403, "path-not-allowed"],
    ["GET", "/repos/org/app/..%00/other", 403, "path-not-allowed"],
    ["GET", "/repos/org/app/%252e%252e/other", 403, "path-not-allowed"],
  ])("rules: %s %s is %d", async (method, path, status, reason) => {
    const seen = origin.seen.length;
    const result = await inspected(["--path-as-is", "-X", method, ...(method === "HEAD" ? ["-I"] : []), at("rules.gate.test", path)]);
    expect(result.status).toBe(status);
    expect(blockReason(result)).toBe(reason as never);
    if (status === 403) expect(origin.seen.length).toBe(seen);
  });

  test.each([
    ["X-HTTP-Method-Override: DELETE", ""],
    ["X-HTTP-Method: PUT", ""],
    ["X-Method-Override: delete", ""],
    ["Accept: */*", "?_method=DELETE"],
  ])("rules: a GET that asks for another method (%s%s) is refused, the origin never asked", async (header, query) => {
    const seen = origin.seen.length;
    const result = await inspected(["-H", header, at("rules.gate.test", `/repos/org/app/issues${query}`)]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("method-not-allowed");
    expect(origin.seen.length).toBe(seen);
  });

  test.each(["X-Original-URL: /admin/delete", "X-Rewrite-URL: /admin", "X-Forwarded-Prefix: /..", "X-Forwarded-Host: admin.internal", "Forwarded: host=admin.internal", "X-Envoy-Original-Path: /admin", "X_Original_URL: /admin"])(
    "rules: a request under a path rule that names another path or host to the origin (%s) is refused, the origin never asked",
    async (header) => {
      // The attack (a hunt, this round): these went through unchanged, and origins that
      // honour them (IIS URL Rewrite, Symfony, Spring, vhost routers) act on what no rule checked.
      const seen = origin.seen.length;
      const result = await inspected(["-H", header, at("rules.gate.test", "/repos/org/app/issues")]);
      expect(result.status).toBe(403);
      expect(blockReason(result)).toBe("path-not-allowed");
      expect(origin.seen.length).toBe(seen);
    },
  );

  test.each(["other.gate.test", `other.gate.test:PORT`, "origin.gate.test:1"])("a Host header naming another host or port than the CONNECT (%s) is refused", async (host) => {
    const result = await inspected(["-H", `host: ${host.replace("PORT", String(origin.port))}`, at("origin.gate.test", "/fronted")]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("host-mismatch");
  });

  test("a passthrough host is tunnelled, not inspected: the origin's own certificate reaches the client", async () => {
    const trusting = await curl(["-x", gate.proxy, "--cacert", material.caFile, at("pass.gate.test", "/through")]);
    expect(trusting.status).toBe(200);
    expect(trusting.body).toBe("origin saw GET /through (0 bytes)");
    const gateOnly = await inspected([at("pass.gate.test", "/through")]);
    expect(gateOnly.exitCode).toBe(60);
  });

  test("a client that does not trust the gate's CA fails its handshake, and the tunnel is audited as such", async () => {
    const result = await curl(["-x", gate.proxy, "--cacert", material.caFile, at("origin.gate.test", "/untrusted")]);
    expect(result.exitCode).toBe(60);
    await Bun.sleep(100);
    const last = (await gate.auditLines()).filter((line) => line["method"] === "CONNECT").at(-1)!;
    expect(last["reason"]).toBe("tls-handshake-failed");
  });

  test.each([
    ["plaintext HTTP", "GET /plain HTTP/1.1\r\nHost: origin.gate.test\r\n\r\n"],
    ["an SSH banner", "SSH-2.0-OpenSSH_9.2\r\n"],
  ])("%s after CONNECT to an inspected host reaches nothing: the gate's TLS handshake fails (the tunnel check's inspected twin)", async (_what, bytes) => {
    const seen = origin.seen.length;
    const answer = await rawExchange(gate.port, `CONNECT origin.gate.test:${origin.port} HTTP/1.1\r\nHost: origin.gate.test:${origin.port}\r\n\r\n${bytes}`, 3_000);
    expect(answer).toStartWith("HTTP/1.1 200");
    // After the 200 only TLS from the gate (an alert, or nothing): never an HTTP answer, never the origin's.
    expect(answer.slice(answer.indexOf("\r\n\r\n") + 4)).not.toContain("HTTP/1.1");
    await Bun.sleep(100);
    expect(origin.seen.length).toBe(seen);
    const last = (await gate.auditLines()).filter((line) => line["method"] === "CONNECT").at(-1)!;
    expect(last["reason"]).toBe("tls-handshake-failed");
  });

  test("failing the handshake never buys passthrough: retries, no SNI, and an insecure client all stay inspected", async () => {
    // An agent that removed the gate's CA, trusting only the origin's (as a pinned client
    // would), hoping the gate falls back to a tunnel: every attempt fails to verify.
    const seen = origin.seen.length;
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await curl(["-x", gate.proxy, "--cacert", material.caFile, at("origin.gate.test", `/fallback-${attempt}`)]);
      expect(result.exitCode).toBe(60);
    }
    // Without SNI the gate still presents its own leaf (openssl prints the issuer it got).
    const noSni = await processRunner.run(
      ["openssl", "s_client", "-proxy", `127.0.0.1:${gate.port}`, "-connect", `origin.gate.test:${origin.port}`, "-noservername", "-CAfile", material.caFile, "-verify_return_error"],
      { check: false, timeoutMs: 15_000, stdin: "" },
    );
    expect(noSni.stdout).not.toContain("tls origin test CA");
    expect(noSni.exitCode).not.toBe(0);
    expect(origin.seen.length).toBe(seen);
    // A client that skips verification gets the gate's certificate and is still inspected: the secret is refused.
    const insecure = await curl(["-x", gate.proxy, "--insecure", "-v", at("origin.gate.test", `/q?d=${HELD}`)]);
    expect(insecure.stderr).not.toContain("tls origin test CA");
    expect(insecure.status).toBe(403);
    expect(blockReason(insecure)).toBe("dlp:held-secret");
    expect(origin.seen.length).toBe(seen);
    const tunnels = (await gate.auditLines()).filter((line) => line["method"] === "CONNECT").slice(-5);
    expect(tunnels.slice(0, 4).map((line) => line["reason"])).toEqual(Array(4).fill("tls-handshake-failed"));
  }, 60_000);

  test("an SNI other than the CONNECT host is cut after the handshake (openssl s_client)", async () => {
    const result = await processRunner.run(
      ["openssl", "s_client", "-proxy", `127.0.0.1:${gate.port}`, "-connect", `origin.gate.test:${origin.port}`, "-servername", "other.gate.test", "-CAfile", gateCaFile, "-quiet"],
      { check: false, timeoutMs: 15_000, stdin: `GET / HTTP/1.1\r\nHost: origin.gate.test:${origin.port}\r\n\r\n` },
    );
    expect(result.stdout).not.toContain("origin saw");
    await Bun.sleep(100);
    const last = (await gate.auditLines()).filter((line) => line["method"] === "CONNECT").at(-1)!;
    expect(last["reason"]).toBe("sni-mismatch");
  }, 20_000);

  test("openssl s_client with the right SNI speaks HTTP/1.1 through the inspected tunnel", async () => {
    const result = await processRunner.run(
      ["openssl", "s_client", "-proxy", `127.0.0.1:${gate.port}`, "-connect", `origin.gate.test:${origin.port}`, "-servername", "origin.gate.test", "-CAfile", gateCaFile, "-verify_return_error", "-quiet"],
      { check: false, timeoutMs: 15_000, stdin: `GET /s_client HTTP/1.1\r\nHost: origin.gate.test:${origin.port}\r\nConnection: close\r\n\r\n` },
    );
    expect(result.stdout).toContain("origin saw GET /s_client (0 bytes)");
  }, 20_000);

  test("Bun's fetch through the gate trusts the gate's CA and gets the origin's answer", async () => {
    const response = await fetch(at("origin.gate.test", "/from-fetch"), { proxy: gate.proxy, tls: { ca: gateCa } } as RequestInit);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("origin saw GET /from-fetch (0 bytes)");
  });

  test.each([
    ["two Content-Length headers", "POST /smuggle HTTP/1.1\r\nHost: origin.gate.test:PORT\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd", "400", "bad-framing"],
    ["Content-Length with Transfer-Encoding", "POST /smuggle HTTP/1.1\r\nHost: origin.gate.test:PORT\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400", "bad-framing"],
    ["a GET with a body", "GET /smuggle HTTP/1.1\r\nHost: origin.gate.test:PORT\r\nContent-Length: 4\r\n\r\nabcd", "400", "body-not-allowed"],
  ])("inside an inspected tunnel, %s is refused as on the proxy port (openssl s_client)", async (_what, request, status, reason) => {
    const seen = origin.seen.length;
    const result = await processRunner.run(
      ["openssl", "s_client", "-proxy", `127.0.0.1:${gate.port}`, "-connect", `origin.gate.test:${origin.port}`, "-servername", "origin.gate.test", "-CAfile", gateCaFile, "-quiet"],
      { check: false, timeoutMs: 15_000, stdin: request.replaceAll("PORT", String(origin.port)) },
    );
    expect(result.stdout.split("\r\n")[0]).toBe(`HTTP/1.1 ${status} Bad Request`);
    expect(origin.seen.length).toBe(seen);
    await Bun.sleep(100);
    // Bun's parser refuses some of these itself (audited without the request's bytes), the gate the rest.
    const line = (await gate.auditLines()).filter((entry) => entry["status"] === 400 && entry["decision"] === "error").at(-1)!;
    expect(String(line["reason"])).toMatch(reason === "bad-framing" ? /^(bad-framing|bad-request:HPE_)/ : new RegExp(`^${reason}$`));
    expect(line["host"]).toStartWith("origin.gate.test");
  }, 20_000);

  test("16 MiB each way passes intact through an inspected tunnel", async () => {
    const upload = Buffer.alloc(16 * 1024 * 1024, "0123456789abcdef");
    const file = join(material.dir, "upload.bin");
    await writeFile(file, upload);
    const sent = await inspected(["--data-binary", `@${file}`, "-H", "content-type: application/octet-stream", at("origin.gate.test", "/sha256")]);
    expect(sent.status).toBe(200);
    expect(sent.body).toBe(new Bun.CryptoHasher("sha256").update(upload).digest("hex"));
    const received = await inspected([at("origin.gate.test", `/bytes?n=${16 * 1024 * 1024}`)]);
    expect(received.status).toBe(200);
    expect(received.body.length).toBe(16 * 1024 * 1024);
  }, 30_000);

  test("the upstream's certificate is checked against the CONNECT host's name: a mismatch is a 502", async () => {
    const result = await inspected([at("wrong-name.gate.test", "/x")]);
    expect(result.connectStatus).toBe(200);
    expect(result.status).toBe(502);
    expect(blockReason(result)).toBeUndefined();
    // It names the host asked for, not the address the gate resolved it to (Bun's
    // fetch error names the URL it fetched: a hunt, this round).
    expect(result.body).toContain("wrong-name.gate.test");
    expect(result.body).not.toContain("127.0.0.1");
  });
});

describe("a gate config without tls (a backend that cannot install the CA)", async () => {
  const material = await makeOriginMaterial(["open.gate.test", "ruled.gate.test", "cred.gate.test"]);
  const origin = startTlsOrigin(material);
  const gate = await startTestGate(
    {
      allow: [`open.gate.test:${origin.port}`, { host: `ruled.gate.test:${origin.port}`, methods: ["GET"], paths: ["/only/"] }, `cred.gate.test:${origin.port}`],
      allow_cidrs: ["127.0.0.0/8"],
      credentials: [{ host: "cred.gate.test", header: "authorization", value: "Bearer ${GH_TOKEN}" }],
    },
    { GH_TOKEN },
    undefined,
    [await Bun.file(material.caFile).text()],
  );
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.stop();
    await rm(material.dir, { recursive: true, force: true });
  });

  test("tunnels opaquely: the origin's own certificate reaches the client", async () => {
    const result = await curl(["-x", gate.proxy, "--cacert", material.caFile, `https://open.gate.test:${origin.port}/x`]);
    expect(result.status).toBe(200);
    expect(result.body).toBe("origin saw GET /x (0 bytes)");
  });

  test.each(["ruled.gate.test", "cred.gate.test"])("refuses a tunnel to %s, whose rules or credential it could not apply (needs-inspection)", async (host) => {
    const seen = origin.seen.length;
    const result = await curl(["-x", gate.proxy, "--cacert", material.caFile, `https://${host}:${origin.port}/admin`]);
    expect(result.connectStatus).toBe(403);
    expect(result.exitCode).not.toBe(0);
    expect(origin.seen.length).toBe(seen);
    const last = (await gate.auditLines()).filter((line) => line["method"] === "CONNECT").at(-1)!;
    expect(last["reason"]).toBe("needs-inspection");
  });
});

describe("method and path rules on plain HTTP, passthrough checks, and reload", async () => {
  const material = await makeOriginMaterial(["pass.gate.test"]);
  const origin = startTlsOrigin(material);
  const plain = startRecordingOrigin();
  const gate = await startTestGate(
    {
      allow: [{ host: "rules.gate.test", methods: ["GET"], paths: ["/ok/"] }, `pass.gate.test:${origin.port}`],
      allow_cidrs: ["127.0.0.0/8"],
      tls: { inspect: true, passthrough: ["pass.gate.test"] },
    },
    {},
    undefined,
    [await Bun.file(material.caFile).text()],
  );
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.stop();
    plain.server.stop(true);
    await rm(material.dir, { recursive: true, force: true });
  });

  test.each([
    ["GET", "/ok/x", 200, undefined],
    ["POST", "/ok/x", 403, "method-not-allowed"],
    ["GET", "/ok/../admin", 403, "path-not-allowed"],
    ["GET", "/admin", 403, "path-not-allowed"],
    ["GET", "/ok/..;/admin", 403, "path-not-allowed"],
    ["GET", "/ok/..%3b/admin", 403, "path-not-allowed"],
  ])("plain HTTP %s %s is %d: the rules are not only for HTTPS", async (method, path, status, reason) => {
    const result = await curl(["-x", gate.proxy, "--path-as-is", "-X", method, `http://rules.gate.test:${plain.server.port}${path}`]);
    expect(result.status).toBe(status);
    expect(blockReason(result)).toBe(reason as never);
  });

  test("plain HTTP: a GET with X-HTTP-Method-Override: DELETE is refused as a DELETE would be", async () => {
    const seen = plain.seen.length;
    const result = await curl(["-x", gate.proxy, "-H", "X-HTTP-Method-Override: DELETE", `http://rules.gate.test:${plain.server.port}/ok/x`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("method-not-allowed");
    expect(plain.seen.length).toBe(seen);
  });

  test("plain HTTP: an X-Original-URL under a path rule is refused", async () => {
    const seen = plain.seen.length;
    const result = await curl(["-x", gate.proxy, "-H", "X-Original-URL: /admin", `http://rules.gate.test:${plain.server.port}/ok/x`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("path-not-allowed");
    expect(plain.seen.length).toBe(seen);
  });

  test("a passthrough host keeps the tunnel checks: an SNI other than the CONNECT host is cut", async () => {
    const result = await processRunner.run(
      ["openssl", "s_client", "-proxy", `127.0.0.1:${gate.port}`, "-connect", `pass.gate.test:${origin.port}`, "-servername", "other.gate.test", "-CAfile", material.caFile, "-quiet"],
      { check: false, timeoutMs: 15_000, stdin: `GET / HTTP/1.1\r\nHost: pass.gate.test\r\n\r\n` },
    );
    expect(result.stdout).not.toContain("origin saw");
    await Bun.sleep(100);
    const last = (await gate.auditLines()).filter((line) => line["method"] === "CONNECT").at(-1)!;
    expect(last["reason"]).toBe("sni-mismatch");
  }, 20_000);

  test("a reload turns inspection off and on for new tunnels; the CA stays the one the agent trusts", async () => {
    const before = await (await fetch(`${gate.proxy}/tls/ca.pem`)).text();
    const config = (inspect: boolean) =>
      v.parse(GateConfigSchema, {
        listen: "127.0.0.1:0",
        egress: { allow: [`pass.gate.test:${origin.port}`], allow_cidrs: ["127.0.0.0/8"], tls: { inspect, passthrough: [] } },
      });
    const caFile = join(material.dir, "gate.pem");
    await writeFile(caFile, before);
    gate.reload(config(true));
    const inspectedNow = await curl(["-x", gate.proxy, "--cacert", caFile, `https://pass.gate.test:${origin.port}/now`]);
    expect(inspectedNow.status).toBe(200);
    gate.reload(config(false));
    const tunnelled = await curl(["-x", gate.proxy, "--cacert", material.caFile, `https://pass.gate.test:${origin.port}/now`]);
    expect(tunnelled.status).toBe(200);
    expect(await (await fetch(`${gate.proxy}/tls/ca.pem`)).text()).toBe(before);
  });
});
