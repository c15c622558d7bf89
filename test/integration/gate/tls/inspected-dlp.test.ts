import { afterAll, describe, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { blockReason, curl, startTestGate } from "../harness.ts";
import { makeOriginMaterial, startTlsOrigin } from "./tls-origin.ts";

const HELD = "s3cret-value-the-gate-holds-42";

// Review round 2, findings 2 and 10: an inspected HTTPS body is scanned as a plain
// one is (its Content-Encoding undone, the audit line saying where the scan stopped).
describe("DLP on inspected HTTPS bodies is the plain path's (curl through a standalone gate)", async () => {
  const material = await makeOriginMaterial(["origin.gate.test"]);
  const origin = startTlsOrigin(material);
  const gate = await startTestGate(
    {
      allow: [`origin.gate.test:${origin.port}`],
      allow_cidrs: ["127.0.0.0/8"],
      tls: { inspect: true, passthrough: [] },
      routes: [{ name: "held", upstream: "https://held.gate.test", inject: { header: "x-api-key", value: "${HELD}" } }],
    },
    { HELD },
    undefined,
    [await Bun.file(material.caFile).text()],
  );
  const gateCaFile = join(material.dir, "gate-ca.pem");
  await writeFile(gateCaFile, await (await fetch(`${gate.proxy}/tls/ca.pem`)).text());
  const at = (path: string) => `https://origin.gate.test:${origin.port}${path}`;
  const inspected = (args: string[]) => curl(["-x", gate.proxy, "--cacert", gateCaFile, ...args]);
  const file = async (name: string, bytes: Uint8Array) => {
    const path = join(material.dir, name);
    await writeFile(path, bytes);
    return `@${path}`;
  };
  const lineFor = async (path: string) => (await gate.auditLines()).filter((line) => line["path"] === path).at(-1);

  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    origin.stop();
    await rm(material.dir, { recursive: true, force: true });
  });

  test.each(["gzip", "deflate", "br"])("a held secret in a %s-encoded body is refused before the origin sees a byte", async (coding) => {
    const { brotliCompressSync, deflateSync } = await import("node:zlib");
    const plain = Buffer.from(`token=${HELD}`);
    const encoded = coding === "gzip" ? gzipSync(plain) : coding === "deflate" ? deflateSync(plain) : brotliCompressSync(plain);
    const seen = origin.seen.length;
    const result = await inspected(["-H", `content-encoding: ${coding}`, "--data-binary", await file(`held.${coding}`, encoded), at(`/upload-${coding}`)]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:held-secret");
    expect(origin.seen.length).toBe(seen);
  });

  test("a body in a coding the gate cannot undo is refused (undecodable-encoding), not passed unscanned", async () => {
    const seen = origin.seen.length;
    const result = await inspected(["-H", "content-encoding: x-rot13", "--data-binary", "gbxra=uryyb", at("/upload-rot13")]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:undecodable-encoding");
    expect(origin.seen.length).toBe(seen);
  });

  test("a gzip bomb is refused (compression-bomb), never expanded", async () => {
    const seen = origin.seen.length;
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const result = await inspected(["-H", "content-encoding: gzip", "--data-binary", await file("bomb.gz", bomb), at("/upload-bomb")]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:compression-bomb");
    expect(origin.seen.length).toBe(seen);
  });

  test("a body past the 1 MiB prefix goes on, and its audit line says the scan stopped short", async () => {
    const big = Buffer.concat([Buffer.alloc(1536 * 1024, "a"), Buffer.from(" tail")]);
    const result = await inspected(["--data-binary", await file("big.txt", big), at("/big")]);
    expect(result.status).toBe(200);
    expect((await lineFor("/big"))?.["scan_incomplete"]).toEqual(["body-prefix", "body-beyond-prefix"]);
    // A small body was scanned whole: no such field.
    await inspected(["--data-binary", "small=1", at("/small")]);
    const small = await lineFor("/small");
    expect(small?.["decision"]).toBe("allow");
    expect(small).not.toHaveProperty("scan_incomplete");
  });

  test("a body whose scan outlasts its budget is refused under dlp: block (scan-incomplete), as on the plain path", async () => {
    // A gate whose scan budget (1 ms) no MiB of text fits in.
    const tight = await startTestGate({ allow: [`origin.gate.test:${origin.port}`], allow_cidrs: ["127.0.0.0/8"], tls: { inspect: true, passthrough: [] } }, {}, undefined, [
      await Bun.file(material.caFile).text(),
    ], { scanBudgetMs: 1 });
    try {
      const caFile = join(material.dir, "tight-ca.pem");
      await writeFile(caFile, await (await fetch(`${tight.proxy}/tls/ca.pem`)).text());
      const body = await file("costly.txt", Buffer.from("=41".repeat(300_000)));
      const seen = origin.seen.length;
      const result = await curl(["-x", tight.proxy, "--cacert", caFile, "--data-binary", body, at("/costly")]);
      expect(result.status).toBe(403);
      expect(blockReason(result)).toBe("scan-incomplete");
      expect(origin.seen.length).toBe(seen);
      const line = (await tight.auditLines()).filter((entry) => entry["path"] === "/costly").at(-1);
      expect(line).toMatchObject({ decision: "block", reason: "scan-incomplete", scan_incomplete: ["scan-budget"] });
    } finally {
      await tight[Symbol.asyncDispose]();
    }
  });

  test("a plain gzip body without a secret still reaches the origin as sent", async () => {
    const encoded = gzipSync(Buffer.from("hello=world"));
    const result = await inspected(["-H", "content-encoding: gzip", "--data-binary", await file("ok.gz", encoded), at("/ok-gzip")]);
    expect(result.status).toBe(200);
    expect(origin.seen.at(-1)).toMatchObject({ url: "/ok-gzip", headers: { "content-encoding": "gzip" } });
  });
});
