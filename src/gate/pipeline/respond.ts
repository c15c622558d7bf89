import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Stop } from "./run-pipeline.ts";

/** The header that tells a client (and a person reading curl -v) why the gate refused. */
export const BLOCK_HEADER = "X-Bottle-Block";

/** A status text for the statuses the gate itself answers with. */
const REASONS: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  413: "Content Too Large",
  414: "URI Too Long",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * Answers a request the gate handles itself. A 403 always carries `X-Bottle-Block`;
 * nothing else ever does, so a client can tell policy from upstream failure.
 */
export function respond(res: ServerResponse, status: number, text: string, reason?: string, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };
  if (status === 403 && reason !== undefined) headers[BLOCK_HEADER] = reason;
  // An answer sent before the request body was read ends the connection: what is
  // left of the body must not be read as the next request.
  if (close) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(`${text}\n`, () => {
    if (close) res.socket?.destroySoon?.();
  });
}

/** The pipeline's answer on an HTTP exchange; `close` when the body may be unread. */
export function answerHttp(res: ServerResponse, close = false): (stop: Stop) => void {
  return (stop) => respond(res, stop.status, stop.text, stop.decision === "block" ? stop.reason : undefined, close);
}

/** The pipeline's answer on a raw socket (a `CONNECT` before its tunnel opened). */
export function answerRaw(socket: Duplex): (stop: Stop) => void {
  return (stop) => respondRaw(socket, stop.status, stop.text, stop.decision === "block" ? stop.reason : undefined);
}

/** The same answer on a raw socket (CONNECT, parse errors), then closes it. */
export function respondRaw(socket: Duplex, status: number, text: string, reason?: string): void {
  if (socket.destroyed || !socket.writable) return;
  const body = `${text}\n`;
  const block = status === 403 && reason !== undefined ? `${BLOCK_HEADER}: ${reason}\r\n` : "";
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\ncontent-type: text/plain; charset=utf-8\r\n${block}` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    // Bun 1.3.14 may never close a server socket we only end(): destroy it once flushed.
    () => socket.destroy(),
  );
}

/** The text body of a policy refusal. */
export function blockText(reason: string, host: string): string {
  return `bottle gate: ${host} blocked (${reason})`;
}
