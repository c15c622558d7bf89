import type { Duplex } from "node:stream";
import type { AuditEntry } from "../audit.ts";

/** A request line that names a method and a target but no HTTP/1.x version. */
const UNKNOWN_VERSION = /^[A-Z]+ [^\r\n]*$/;
const HTTP1 = / HTTP\/1\.[01]$/;
/** By default, a request line this long (or one that never ended) overflowing the parser is a 414. */
const LONG_LINE = 4096;

/**
 * The audit entry for a request Bun's HTTP parser refused before the gate saw it
 * (a `clientError`), and the status the gate answers it with: 414 for a request line
 * too long for the parser, 505 for a request line
 * with an upper-case method and no `HTTP/1.0`/`HTTP/1.1` version, 400 for everything
 * else; the integration test checks the answer and the audit line agree.
 * Nothing of the request is logged: its bytes may carry a secret.
 */
export function parserRejection(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): AuditEntry {
  const peer = socket as Partial<{ remoteAddress: string; remotePort: number }>;
  const packet = error.rawPacket?.toString("latin1") ?? "";
  const firstLine = packet.split("\n", 1)[0]!.replace(/\r$/, "");
  // Bun 1.4.5 reports an over-long request line as a header overflow (HPE_HEADER_OVERFLOW).
  const longLine = error.code === "HPE_HEADER_OVERFLOW" && (!packet.includes("\n") || firstLine.length > LONG_LINE);
  const status = longLine ? 414 : UNKNOWN_VERSION.test(firstLine) && !HTTP1.test(firstLine) ? 505 : 400;
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
