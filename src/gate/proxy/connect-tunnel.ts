import type { IncomingMessage } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";
import { beginAudit } from "../audit.ts";
import { resolveChecked } from "../egress/resolve.ts";
import type { GateContext } from "../gate-context.ts";
import { dlpVerdict } from "./dlp-verdict.ts";
import { parseAuthority } from "./parse-authority.ts";
import { blockText, respondRaw } from "./respond.ts";

/** By default, a tunnel with no traffic either way for 10 minutes is closed. */
const TUNNEL_IDLE_MS = 10 * 60_000;
/** By default, an upstream that does not accept within 15 s is a 502. */
const CONNECT_TIMEOUT_MS = 15_000;
/** By default, a client gets 10 s to read what a closed upstream sent. */
const CLOSE_GRACE_MS = 10_000;

/**
 * A `CONNECT host:port` tunnel: policy and DLP on the hostname, resolution with the
 * SSRF check, then a TCP connection to the checked address, piped both ways (pipe
 * gives backpressure: a slow reader pauses the fast writer). Either side closing or
 * erroring tears down both, so half-dead peers do not leak sockets.
 */
export async function connectTunnel(context: GateContext, req: IncomingMessage, client: Duplex, head: Buffer, tunnels: Set<Duplex>): Promise<void> {
  const generation = context.generation();
  const authority = parseAuthority(req.url ?? "");
  const finish = beginAudit(context.audit, req.socket, {
    method: "CONNECT",
    host: authority === undefined ? "" : generation.scanner.redact(req.url ?? ""),
    path: "",
    status: 200,
  });
  client.on("error", () => client.destroy());

  if (authority === undefined) {
    respondRaw(client, 400, "bottle gate: CONNECT needs host:port");
    return finish({ decision: "error", reason: "bad-target", status: 400 });
  }
  const { host, port } = authority;
  const verdict = generation.policy.checkHost(host);
  if (!verdict.allowed) {
    respondRaw(client, 403, blockText(verdict.reason, host), verdict.reason);
    return finish({ decision: "block", reason: verdict.reason, status: 403 });
  }
  let warned: string | undefined;
  if (generation.dlpAction !== "off") {
    const dlp = dlpVerdict(generation.scanner.scanHostname(host), generation.dlpAction);
    if (dlp.action === "block") {
      // The body does not echo the hostname: it is what carries the secret.
      respondRaw(client, 403, blockText(dlp.reason, "the tunnel's host"), dlp.reason);
      return finish({ decision: "block", reason: dlp.reason, status: 403 });
    }
    if (dlp.action === "warn") warned = dlp.reason;
  }
  const resolution = await resolveChecked(host, generation.policy, context.lookup);
  if (!resolution.ok) {
    if (resolution.status === 403) respondRaw(client, 403, blockText(resolution.reason, host), resolution.reason);
    else respondRaw(client, 502, `bottle gate: cannot resolve ${host}`);
    return finish({ decision: resolution.status === 403 ? "block" : "error", reason: resolution.reason, status: resolution.status });
  }
  if (client.destroyed) return finish({ decision: "error", reason: "client-closed", status: 0 });
  // An inspected host: the gate answers, terminates TLS and reads each request (tls/).
  if (context.tls !== undefined && generation.tls.inspects(host)) return finish(await context.tls.terminate(client, { host, port }, head, tunnels));

  const upstream = net.connect({ host: resolution.address, port, family: resolution.family });
  upstream.setNoDelay(true);
  if (client instanceof net.Socket) client.setNoDelay(true);
  tunnels.add(client);
  let established = false;
  const connectTimer = setTimeout(() => upstream.destroy(new Error("connect timeout")), CONNECT_TIMEOUT_MS);

  upstream.once("connect", () => {
    clearTimeout(connectTimer);
    established = true;
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.setTimeout(TUNNEL_IDLE_MS, () => upstream.destroy());
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
    tunnels.delete(client);
    upstream.destroy();
    finish({
      decision: established ? (warned !== undefined ? "warn" : "allow") : "error",
      reason: established ? warned : "upstream-failure",
      status: established ? 200 : 502,
      // The upstream socket's own counters: no per-chunk listener on the hot path.
      bytes_up: upstream.bytesWritten,
      bytes_down: upstream.bytesRead,
    });
  });
}
