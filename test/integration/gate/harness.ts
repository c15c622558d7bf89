import { mkdtemp, readFile, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { processRunner } from "../../../src/core/runner.ts";
import { GateConfigSchema } from "../../../src/gate/config-schema.ts";
import type { LookupAll } from "../../../src/gate/egress/resolve.ts";
import { startGate, type Gate, type StartGateOptions } from "../../../src/gate/serve-gate.ts";
import type { EgressSchema } from "../../../src/manifest/egress-schema.ts";

/** What curl saw: the final status, the CONNECT status (0 without a tunnel), headers and body. */
export interface CurlResult {
  exitCode: number;
  status: number;
  connectStatus: number;
  /** Every header block curl received (the CONNECT answer first, when there was one), lower-cased names. */
  headers: string;
  body: string;
  stderr: string;
}

/** Runs real curl with `args`, capturing status codes, headers and body in a temp dir. */
export async function curl(args: string[]): Promise<CurlResult> {
  const dir = await mkdtemp(join(tmpdir(), "gate-curl-"));
  try {
    const result = await processRunner.run(
      ["curl", "-sS", "--max-time", "20", "-D", join(dir, "headers"), "-o", join(dir, "body"), "-w", "%{http_code} %{http_connect}", ...args],
      { check: false, timeoutMs: 30_000 },
    );
    const [status = "0", connectStatus = "0"] = result.stdout.trim().split(" ");
    const read = (name: string) => readFile(join(dir, name), "utf8").catch(() => "");
    return {
      exitCode: result.exitCode,
      status: Number(status),
      connectStatus: Number(connectStatus),
      headers: (await read("headers")).toLowerCase(),
      body: await read("body"),
      stderr: result.stderr,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The value of `X-Bottle-Block` in curl's headers, if any. */
export function blockReason(result: CurlResult): string | undefined {
  return /^x-bottle-block: (.+?)\r?$/m.exec(result.headers)?.[1];
}

/** A gate started in-process on a free loopback port, auditing to a temp file. */
export interface TestGate extends Gate {
  proxy: string;
  auditFile: string;
  auditLines(): Promise<Record<string, unknown>[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Test names (`*.gate.test`) resolve to loopback here; anything else fails to resolve. */
export const testLookup: LookupAll = async (host) => {
  if (host === "localhost" || host.endsWith(".gate.test")) return ["127.0.0.1"];
  throw new Error(`ENOTFOUND ${host}`);
};

/** Starts a gate with `egress` (manifest shape, defaults filled in) and `env` for route secrets. */
export async function startTestGate(
  egress: v.InferInput<typeof EgressSchema>,
  env: Record<string, string> = {},
  lookup: LookupAll = testLookup,
  upstreamCa?: string[],
  options: Omit<StartGateOptions, "lookup" | "upstreamCa"> & { control?: boolean } = {},
): Promise<TestGate> {
  const dir = await mkdtemp(join(tmpdir(), "gate-audit-"));
  const auditFile = join(dir, "audit.jsonl");
  const { control, ...gateOptions } = options;
  const config = v.parse(GateConfigSchema, { listen: "127.0.0.1:0", egress, audit: auditFile, ...(control ? { control: "127.0.0.1:0" } : {}) });
  const gate = await startGate(config, env, { ...gateOptions, lookup, ...(upstreamCa === undefined ? {} : { upstreamCa }) });
  return {
    ...gate,
    proxy: `http://127.0.0.1:${gate.port}`,
    auditFile,
    async auditLines() {
      // The log is a stream: give pending writes a turn to land.
      await Bun.sleep(50);
      const text = await readFile(auditFile, "utf8").catch(() => "");
      return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async [Symbol.asyncDispose]() {
      await gate.close(500);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends raw bytes to the gate and returns everything it answers until it closes, until
 * `until` says the answer is complete (keep-alive), or after `waitMs`.
 */
export function rawExchange(port: number, bytes: string | Uint8Array, waitMs = 2_000, until?: (answer: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const timer = setTimeout(done, waitMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (until?.(Buffer.concat(chunks).toString("latin1"))) done();
    });
    socket.on("close", done);
    socket.on("error", done);
    socket.write(bytes);
  });
}

/** A TLS origin's material: a fresh CA and a server cert for `localhost`, `origin.gate.test` and 127.0.0.1. */
export interface TlsMaterial {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Generates a CA and a server certificate with real openssl into a temp dir. */
export async function makeTlsMaterial(): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), "gate-tls-"));
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => processRunner.run(["openssl", ...args], { cwd: dir });
  await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=bottle test CA"]);
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=origin.gate.test"]);
  await Bun.write(file("ext"), "subjectAltName=DNS:origin.gate.test,DNS:localhost,IP:127.0.0.1\n");
  await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext"]);
  return { dir, caFile: file("ca.pem"), certFile: file("server.pem"), keyFile: file("server.key") };
}

/** What a recording origin saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A plain-HTTP origin on 127.0.0.1 that records requests and echoes the path. */
export function startRecordingOrigin(): { server: ReturnType<typeof Bun.serve>; seen: SeenRequest[]; url: string } {
  const seen: SeenRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const body = await request.text();
      const url = new URL(request.url);
      seen.push({ method: request.method, url: url.pathname + url.search, headers: Object.fromEntries(request.headers), body });
      return new Response(`origin saw ${request.method} ${url.pathname}${url.search} (${body.length} bytes)`, {
        headers: { "x-origin": "yes", "set-cookie": "a=1" },
      });
    },
  });
  return { server, seen, url: `http://127.0.0.1:${server.port}` };
}

/**
 * A minimal well-formed TLS 1.2 ClientHello record, with an SNI extension for `sni`
 * (none when undefined): what a TLS client sends first into a tunnel.
 */
export function clientHello(sni: string | undefined, extraExtensions: Buffer[] = []): Buffer {
  const extensions: Buffer[] = [...extraExtensions];
  if (sni !== undefined) {
    const name = Buffer.from(sni, "latin1");
    const entry = Buffer.concat([Buffer.from([0]), u16(name.length), name]);
    const list = Buffer.concat([u16(entry.length), entry]);
    extensions.unshift(Buffer.concat([u16(0), u16(list.length), list]));
  }
  const extensionBytes = Buffer.concat(extensions);
  const body = Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    u16(2), Buffer.from([0x13, 0x01]),
    Buffer.from([1, 0]),
    u16(extensionBytes.length), extensionBytes,
  ]);
  const handshake = Buffer.concat([Buffer.from([1, body.length >> 16, (body.length >> 8) & 255, body.length & 255]), body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), u16(handshake.length), handshake]);
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

/** A TLS application_data record around `payload` (what a client sends after its handshake, shaped only). */
export function tlsRecord(payload: Buffer, type = 23): Buffer {
  return Buffer.concat([Buffer.from([type, 3, 3]), u16(payload.length), payload]);
}
