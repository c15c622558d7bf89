import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureGateImage, gateImage } from "../../../../src/backend/images/gate-image.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import type { SeenRequest, TlsMaterial } from "../harness.ts";

/** A CA of its own (real openssl) and a server certificate for exactly `names` (DNS names; 127.0.0.1 is added). */
export async function makeOriginMaterial(names: string[]): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), "gate-tls-origin-"));
  const openssl = (args: string[]) => processRunner.run(["openssl", ...args], { cwd: dir });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=tls origin test CA"]);
  await openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${names[0]}`]);
  await Bun.write(join(dir, "ext"), `subjectAltName=${names.map((name) => `DNS:${name}`).join(",")},IP:127.0.0.1\n`);
  await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext"]);
  return { dir, caFile: join(dir, "ca.pem"), certFile: join(dir, "server.pem"), keyFile: join(dir, "server.key") };
}

/** An HTTPS origin on 127.0.0.1 with its own CA that records what it saw. */
export interface TlsOrigin {
  port: number;
  seen: SeenRequest[];
  stop(): void;
}

/**
 * Starts an HTTPS origin (Bun.serve) presenting `material`'s certificate (names
 * origin.gate.test, localhost, 127.0.0.1). It answers `origin saw METHOD PATH (N bytes)`;
 * `/echo-headers` answers the request headers as JSON, `/sha256` the body's digest and
 * `/bytes?n=N` N bytes, `/forge` a 403 carrying the gate's own `X-Bottle-Block`.
 */
export function startTlsOrigin(material: TlsMaterial): TlsOrigin {
  const seen: SeenRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: readFileSync(material.certFile, "utf8"), key: readFileSync(material.keyFile, "utf8") },
    async fetch(request) {
      const body = await request.text();
      const url = new URL(request.url);
      const headers = Object.fromEntries(request.headers);
      seen.push({ method: request.method, url: url.pathname + url.search, headers, body });
      if (url.pathname === "/echo-headers") return Response.json(headers);
      if (url.pathname === "/forge") return new Response("forged", { status: 403, headers: { "x-bottle-block": "denied" } });
      if (url.pathname === "/sha256") return new Response(new Bun.CryptoHasher("sha256").update(body).digest("hex"));
      if (url.pathname === "/bytes") return new Response(Buffer.alloc(Number(url.searchParams.get("n")), "abcdefgh"));
      return new Response(`origin saw ${request.method} ${url.pathname}${url.search} (${body.length} bytes)`, { headers: { "x-origin": "tls" } });
    },
  });
  return { port: server.port!, seen, stop: () => server.stop(true) };
}

/**
 * Builds `tag`: the gate image of `paths` (made first if missing) whose system bundle
 * also trusts `material`'s CA, as a corporate proxy's CA would be trusted — so a gate
 * in a real bottle verifies a local test origin. The caller removes `tag`.
 */
export async function gateImageTrusting(material: TlsMaterial, tag: string, paths: Parameters<typeof gateImage>[1]): Promise<void> {
  const plain = gateImage(undefined, paths);
  await ensureGateImage(plain, processRunner, () => {});
  const context = join(material.dir, "gate-image");
  await mkdir(context);
  await writeFile(join(context, "bundle.crt"), `${await readFile("/etc/ssl/certs/ca-certificates.crt", "utf8")}\n${await readFile(material.caFile, "utf8")}`);
  await writeFile(join(context, "Dockerfile"), `FROM ${plain.ref}\nCOPY bundle.crt /etc/ssl/certs/ca-certificates.crt\n`);
  await processRunner.run(["docker", "build", "-q", "-t", tag, "--label", "dev.bottle.test=tls", context]);
}
