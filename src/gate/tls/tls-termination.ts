import http, { type IncomingMessage, type ServerResponse } from "node:http";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import type { AuditEntry, AuditLog } from "../audit.ts";
import { parserRejection } from "../server/parser-rejection.ts";
import { auditTooDeep, oneAtATime } from "../server/one-at-a-time.ts";
import { normalizeHost } from "../egress/host-match.ts";
import { carryOver, resumeBody } from "../pipeline/carried-socket.ts";
import { respondRaw } from "../pipeline/respond.ts";
import type { TlsInspector } from "./tls-inspector.ts";

/** The host and port a CONNECT named: every request inside the tunnel goes there. */
export interface InspectedTarget {
  host: string;
  port: number;
  /** The agent's end of the tunnel, for the audit log (the terminated socket has no address of its own). */
  client?: { remoteAddress?: string | undefined; remotePort?: number | undefined };
}

/** Handles one HTTP/1.1 request read from a terminated tunnel. */
export type InspectedHandler = (target: InspectedTarget, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Handles an `Upgrade` request read from a terminated tunnel: the socket is the handler's from then on. */
export type InspectedUpgradeHandler = (target: InspectedTarget, req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;

/** The gate's TLS termination: takes over allowed CONNECTs to inspected hosts. */
export interface TlsTermination {
  /** The CA certificate (PEM) the agent must trust. */
  caCertificate: string;
  /**
   * Answers 200 to an allowed CONNECT, terminates TLS with a leaf for the CONNECT host
   * and serves the HTTP/1.1 requests inside to the handler. Resolves when the tunnel
   * closes, with what the tunnel's own audit line says (each request has its own).
   */
  terminate(client: Duplex, target: InspectedTarget, head: Buffer, tunnels: Set<Duplex>): Promise<Partial<AuditEntry>>;
}

/** By default, a client gets 10 s after the 200 to finish the TLS handshake and send its first request. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** By default, a tunnel may sit 60 s after an answer before the next request's head is complete. */
export const TUNNEL_IDLE_MS = 60_000;

/** Options for {@link createTlsTermination}. */
export interface TlsTerminationOptions {
  upgrade?: InspectedUpgradeHandler;
  /** By default, {@link TUNNEL_IDLE_MS}. */
  idleMs?: number;
}

/**
 * Builds the termination around one inner `node:http` server that never listens:
 * each terminated socket is handed to it as a connection, so requests are parsed,
 * kept alive and pipelined by the same HTTP/1.1 server the proxy port uses.
 *
 * The leaf is chosen before the handshake, for the CONNECT host: on Bun 1.4.5 a
 * `tls.TLSSocket` over the socket `node:http` hands to its `connect` listener never
 * calls `SNICallback` (the handshake fails with NO_CERTIFICATE_SET), though over a
 * plain `net.Server` socket it does; and the SNI must equal the CONNECT host anyway,
 * which is checked once the handshake is done. ALPN offers http/1.1 only. With an
 * `upgrade` handler, a WebSocket upgrade goes to it instead of the request handler.
 * A tunnel with no request in progress is closed after `idleMs`.
 */
export function createTlsTermination(inspector: TlsInspector, handle: InspectedHandler, audit: AuditLog, options: TlsTerminationOptions = {}): TlsTermination {
  const { upgrade } = options;
  const idleMs = options.idleMs ?? TUNNEL_IDLE_MS;
  const tunnels = new WeakMap<object, Tunnel>();
  const inner = http.createServer({ keepAlive: true }, oneAtATime((req, res) => {
    const tunnel = tunnels.get(req.socket);
    if (tunnel === undefined) return void res.destroy();
    if (!admitted(tunnel, req.socket as tls.TLSSocket)) return void req.socket.destroy();
    // Between an answer and the next request's head the tunnel has `idleMs`: the inner
    // server's own header and keep-alive timeouts never fire on Bun 1.4.5 for a socket
    // handed in by `emit("connection")`, so a partial second request held the tunnel
    // (and its TLS state) open indefinitely (review round 2, finding 8).
    tunnel.active++;
    clearTimeout(tunnel.idle);
    res.once("close", () => {
      // A body the exchange left unread is drained by the server: its carrier reads again.
      resumeBody(req);
      if (--tunnel.active > 0 || req.socket.destroyed) return;
      tunnel.idle = setTimeout(() => req.socket.destroy(), idleMs);
    });
    handle(tunnel.target, req, res).catch((error: unknown) => {
      if (req.socket.destroyed) return res.destroy();
      process.stderr.write(`bottle gate: inspected request failed: ${(error as Error)?.message ?? String(error)}\n`);
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
        res.end("bottle gate: internal error\n");
      } else res.destroy();
    });
  }, (req) => auditTooDeep(audit, req)));
  // An `Upgrade` request (WebSocket) leaves the HTTP server: its handler owns the socket after.
  if (upgrade !== undefined) {
    inner.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const tunnel = tunnels.get(socket);
      if (tunnel === undefined || !admitted(tunnel, socket as tls.TLSSocket)) return void socket.destroy();
      // The WebSocket relay owns the socket now, with its own idle limit.
      clearTimeout(tunnel.idle);
      tunnel.active++;
      upgrade(tunnel.target, req, socket, head).catch((error: unknown) => {
        process.stderr.write(`bottle gate: inspected upgrade failed: ${(error as Error)?.message ?? String(error)}\n`);
        socket.destroy();
      });
    });
  }
  // What Bun's parser refuses inside a tunnel is answered and audited as on the proxy port.
  inner.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!error.code?.startsWith("HPE_") || error.code === "HPE_INVALID_EOF_STATE" || !socket.writable) return void socket.destroy();
    const tunnel = tunnels.get(socket);
    const entry = parserRejection(error, socket);
    if (tunnel !== undefined) {
      const client = tunnel.target.client;
      Object.assign(entry, { client: `${client?.remoteAddress}:${client?.remotePort}`, host: tunnel.target.host });
    }
    audit.record(entry);
    const reason = entry.status === 505 ? "HTTP Version Not Supported" : entry.status === 414 ? "URI Too Long" : "Bad Request";
    socket.end(`HTTP/1.1 ${entry.status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  });

  return {
    caCertificate: inspector.caCertificate,
    async terminate(client, target, head, live) {
      let secureContext: tls.SecureContext;
      try {
        secureContext = await inspector.contextFor(target.host);
      } catch (error) {
        respondRaw(client, 502, `bottle gate: cannot make a certificate for ${target.host}: ${(error as Error).message}`);
        return { decision: "error", reason: "tls-leaf-failure", status: 502 };
      }
      if (client.destroyed) return { decision: "error", reason: "client-closed", status: 0 };
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      // Bytes the client sent after CONNECT before our answer belong to its ClientHello.
      if (head.length > 0) client.unshift(head);
      const socket = new tls.TLSSocket(client as never, { isServer: true, secureContext, ALPNProtocols: ["http/1.1"] });
      carryOver(socket, client);
      live.add(socket);
      const peer = client as Duplex & { remoteAddress?: string; remotePort?: number };
      const tunnel: Tunnel = {
        target: { ...target, client: { remoteAddress: peer.remoteAddress, remotePort: peer.remotePort } },
        admitted: false,
        active: 0,
        idle: undefined,
        outcome: { decision: "allow", reason: "inspected", status: 200 },
        // Once the http server owns the socket, Bun 1.4.5 emits no `secure` on it: the
        // first request is where the handshake is known to be done.
        timer: setTimeout(() => {
          tunnel.outcome = { decision: "error", reason: "tls-handshake-timeout", status: 200 };
          socket.destroy();
        }, HANDSHAKE_TIMEOUT_MS),
      };
      socket.on("error", () => {
        // The client refused our certificate (a pinned client: make its host passthrough), or spoke no TLS.
        if (!tunnel.admitted && tunnel.outcome.reason === "inspected") tunnel.outcome = { decision: "error", reason: "tls-handshake-failed", status: 200 };
        socket.destroy();
      });
      const closed = new Promise<Partial<AuditEntry>>((resolve) =>
        socket.once("close", () => {
          clearTimeout(tunnel.timer);
          clearTimeout(tunnel.idle);
          live.delete(socket);
          client.destroy();
          resolve({ ...tunnel.outcome, bytes_up: socket.bytesRead, bytes_down: socket.bytesWritten });
        }),
      );
      tunnels.set(socket, tunnel);
      inner.emit("connection", socket);
      return closed;
    },
  };
}

/** One terminated tunnel's state. */
interface Tunnel {
  target: InspectedTarget;
  /** Set by the first request, once the SNI has been checked. */
  admitted: boolean;
  outcome: Partial<AuditEntry>;
  timer: ReturnType<typeof setTimeout>;
  /** Requests (or an upgrade) being served now: no idle deadline while there are. */
  active: number;
  idle: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The first request on a tunnel checks the SNI the client sent: present, it must be
 * the CONNECT host (a client that names one host to the proxy and another to TLS is
 * not one the gate serves). An IP-literal CONNECT may come without SNI.
 */
function admitted(tunnel: Tunnel, socket: tls.TLSSocket): boolean {
  if (tunnel.admitted) return true;
  clearTimeout(tunnel.timer);
  const sni = (socket as tls.TLSSocket & { servername?: string | false }).servername;
  if (typeof sni === "string" && sni !== "" && normalizeHost(sni) !== normalizeHost(tunnel.target.host)) {
    tunnel.outcome = { decision: "block", reason: "sni-mismatch", status: 200 };
    return false;
  }
  tunnel.admitted = true;
  return true;
}
