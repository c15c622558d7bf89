import type { IncomingMessage } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import type { AuditEntry } from "../../audit.ts";
import { parseIpLiteral } from "../../egress/address.ts";
import { normalizeHost } from "../../egress/host-match.ts";
import type { GateContext } from "../../gate-context.ts";
import { readClientHello } from "../../pipeline/client-hello.ts";
import { answerRaw, blockText, respondRaw } from "../../pipeline/respond.ts";
import { runPipeline, type Checked } from "../../pipeline/run-pipeline.ts";
import { TlsRecordGuard } from "../../pipeline/tls-record-guard.ts";
import { parseAuthority } from "./parse-authority.ts";

/** By default, a tunnel with no traffic either way for 10 minutes is closed. */
const TUNNEL_IDLE_MS = 10 * 60_000;
/** By default, an upstream that does not accept within 15 s is a 502. */
const CONNECT_TIMEOUT_MS = 15_000;
/** By default, a client gets 10 s to read what a closed upstream sent. */
const CLOSE_GRACE_MS = 10_000;
/** By default, a client gets 10 s after `200 Connection Established` to send its ClientHello. */
const HELLO_TIMEOUT_MS = 10_000;
/** By default, more than this before a whole ClientHello arrived is not TLS (real hellos are under 4 KiB). */
const MAX_FIRST_BYTES = 20 * 1024;

/**
 * Whether the hello's SNI names the host the policy checked. An IP-literal CONNECT may
 * omit SNI (clients send none for addresses) but may not name a host; a name CONNECT
 * must send exactly that name, so the upstream serves what the policy allowed.
 */
function sniMatches(host: string, sni: string | undefined): boolean {
  if (parseIpLiteral(host) !== undefined) return sni === undefined;
  return sni !== undefined && normalizeHost(sni) === normalizeHost(host);
}

/**
 * A `CONNECT host:port` tunnel through the pipeline: policy (host and port) and DLP on
 * the hostname, resolution with the SSRF check, then a TCP connection to the checked
 * address. The gate answers 200, reads the client's first bytes and passes them on
 * only if they are a TLS ClientHello whose SNI is the CONNECT host; after that every
 * client byte must stay inside TLS records. Either side closing or erroring tears
 * down both, so half-dead peers do not leak sockets.
 */
export function connectTunnel(context: GateContext, req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
  const authority = parseAuthority(req.url ?? "");
  client.on("error", () => client.destroy());
  return runPipeline(context, {
    start: {
      method: "CONNECT",
      host: authority === undefined ? "" : context.generation().scanner.redactUrl(req.url ?? ""),
      path: "",
      status: 200,
    },
    client: req.socket,
    answer: answerRaw(client),
    policy(generation) {
      if (authority === undefined) return { status: 400, decision: "error", reason: "bad-target", text: "bottle gate: CONNECT needs host:port" };
      const verdict = generation.policy.checkHost(authority.host, authority.port);
      if (!verdict.allowed) return { status: 403, decision: "block", reason: verdict.reason, text: blockText(verdict.reason, req.url ?? "") };
      // Method/path rules and credentials bind only inside inspection (tls/): never a tunnel that skips them.
      const tunnel = generation.tls.checkTunnel(authority.host);
      if (!tunnel.allowed) return { status: 403, decision: "block", reason: tunnel.reason, text: blockText(tunnel.reason, req.url ?? "") };
      // The refusal's text does not echo the hostname: DLP refuses it for what it carries.
      return { host: authority.host, shown: "the tunnel's host" };
    },
    async inspect(generation) {
      return { findings: generation.scanner.scanHostname(authority!.host) };
    },
    relay(checked) {
      // An inspected host: the gate answers, terminates TLS and runs each request inside through this pipeline (tls/).
      if (context.tls !== undefined && context.generation().tls.inspects(authority!.host)) {
        return context.tls.terminate(client, authority!, head, context.tunnels);
      }
      return relayTunnel(context, client, head, authority!.host, authority!.port, checked);
    },
  });
}

/** Connects, checks the ClientHello, then pipes both ways; resolves with the audit outcome when the tunnel closes. */
function relayTunnel(context: GateContext, client: Duplex, head: Buffer, host: string, port: number, checked: Checked): Promise<Partial<AuditEntry>> {
  return new Promise((resolve) => {
    if (client.destroyed) return resolve({ decision: "error", reason: "client-closed", status: 0 });
    const upstream = net.connect({ host: checked.address, port, family: checked.family });
    upstream.setNoDelay(true);
    if (client instanceof net.Socket) client.setNoDelay(true);
    context.tunnels.add(client);
    let established = false;
    let refused: string | undefined;
    const connectTimer = setTimeout(() => upstream.destroy(new Error("connect timeout")), CONNECT_TIMEOUT_MS);
    let helloTimer: ReturnType<typeof setTimeout> | undefined;

    const refuse = (reason: string) => {
      refused = reason;
      client.destroy();
      upstream.destroy();
    };

    const relay = (first: Buffer) => {
      const guard = new TlsRecordGuard();
      if (!guard.accept(first)) return refuse("tunnel-not-tls");
      upstream.write(first);
      client.on("data", (chunk: Buffer) => {
        if (!guard.accept(chunk)) return refuse("tunnel-not-tls");
        if (!upstream.write(chunk)) client.pause();
      });
      upstream.on("drain", () => client.resume());
      client.on("end", () => upstream.end());
      upstream.pipe(client);
      upstream.setTimeout(TUNNEL_IDLE_MS, () => upstream.destroy());
    };

    // The first bytes wait here, not upstream, until they prove to be the right ClientHello.
    const awaitHello = () => {
      let first = head;
      const onData = (chunk: Buffer) => {
        first = first.length === 0 ? chunk : Buffer.concat([first, chunk]);
        check();
      };
      const check = () => {
        if (first.length === 0) return;
        const hello = readClientHello(first);
        if (hello.state === "need-more" && first.length <= MAX_FIRST_BYTES) return;
        client.off("data", onData);
        clearTimeout(helloTimer);
        if (hello.state !== "hello") return refuse("tunnel-not-tls");
        // Encrypted Client Hello names its real server only inside: domain fronting.
        if (!sniMatches(host, hello.sni) || hello.hidden) return refuse("sni-mismatch");
        relay(first);
      };
      helloTimer = setTimeout(() => refuse("tunnel-no-hello"), context.helloTimeoutMs ?? HELLO_TIMEOUT_MS);
      client.on("data", onData);
      check();
    };

    upstream.once("connect", () => {
      clearTimeout(connectTimer);
      established = true;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      awaitHello();
    });
    upstream.on("error", (error) => {
      clearTimeout(connectTimer);
      if (!established) respondRaw(client, 502, `bottle gate: cannot connect to ${host}:${port}: ${error.message}`);
      else client.destroy();
    });
    // The upstream finished: let what it sent drain to the client, then close; a client
    // that never reads is cut after a grace period instead of holding the socket forever.
    upstream.on("close", () => {
      clearTimeout(connectTimer);
      if (!established) return;
      // Bun 1.3.14 may never emit 'close' on a server socket we only end(): destroy it once the data is flushed.
      client.end(() => client.destroy());
      setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref();
    });
    client.on("close", () => {
      clearTimeout(connectTimer);
      clearTimeout(helloTimer);
      context.tunnels.delete(client);
      upstream.destroy();
      const bytes = { bytes_up: upstream.bytesWritten, bytes_down: upstream.bytesRead };
      if (refused !== undefined) return resolve({ decision: "block", reason: refused, status: 200, ...bytes });
      resolve({
        decision: established ? (checked.warned !== undefined ? "warn" : "allow") : "error",
        reason: established ? checked.warned : "upstream-failure",
        status: established ? 200 : 502,
        // The upstream socket's own counters: no per-chunk listener on the hot path.
        ...bytes,
      });
    });
  });
}
