import type { IncomingMessage } from "node:http";

/** The first bytes of a request body, and whether that was all of it. */
export interface BodyPrefix {
  prefix: Buffer;
  complete: boolean;
}

/**
 * Reads up to `limit` bytes of a request body for DLP, then pauses the stream so the
 * rest (if any) can be piped upstream with backpressure. Bodies beyond the limit are
 * scanned only in their first `limit` bytes.
 */
export function readBodyPrefix(req: IncomingMessage, limit: number): Promise<BodyPrefix> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (complete: boolean) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      resolve({ prefix: Buffer.concat(chunks), complete });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        req.pause();
        finish(false);
      }
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => reject(error);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** True when a request carries a body (a length above zero, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
