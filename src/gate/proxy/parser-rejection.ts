import type { Duplex } from "node:stream";
import type { AuditEntry } from "../audit.ts";

/** A request line that names a method and a target but no HTTP/1.x version. */
const UNKNOWN_VERSION = /^[A-Z]+ [^\r\n]*$/;
const HTTP1 = / HTTP\/1\.[01]$/;

/**
 * The audit entry for a request Bun's HTTP parser refused before the gate saw it
 * (a `clientError`), and the status the gate answers it with: 505 for a request line
 * with an upper-case method and no `HTTP/1.0`/`HTTP/1.1` version, 400 for everything
 * else; the integration test checks the answer and the audit line agree.
 * Nothing of the request is logged: its bytes may carry a secret.
 */
export function parserRejection(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): AuditEntry {
  const peer = socket as Partial<{ remoteAddress: string; remotePort: number }>;
  const firstLine = (error.rawPacket?.toString("latin1") ?? "").split("\n", 1)[0]!.replace(/\r$/, "");
  const status = UNKNOWN_VERSION.test(firstLine) && !HTTP1.test(firstLine) ? 505 : 400;
  return {
    time: new Date().toISOString(),
    client: `${peer.remoteAddress ?? ""}:${peer.remotePort ?? ""}`,
    method: "",
    host: "",
    path: "",
    decision: "error",
    reason: `bad-request:${error.code ?? "parse-error"}`,
    status,
    bytes_up: error.rawPacket?.length ?? 0,
    bytes_down: 0,
    duration_ms: 0,
  };
}
