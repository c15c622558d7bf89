import type { AuditEntry } from "../audit.ts";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { BodyPrefix } from "./read-body-prefix.ts";
import { congestedCarrier, pauseBody, resumeBody } from "./carried-socket.ts";
import { endToEndHeaders } from "./headers.ts";
import type { ResponseRedactor } from "./held-secret-redactor.ts";
import { BLOCK_HEADER, respond } from "./respond.ts";

/** Where a request goes: a checked address, never a name to resolve again. */
export interface UpstreamTarget {
  protocol: "http:" | "https:";
  address: string;
  port: number;
  /** The name TLS verifies the certificate against (and sends as SNI). */
  servername: string;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  /** Extra CA certificates (PEM) to trust for this upstream. */
  ca?: string[];
  /** Held secrets to redact from the response (routes); by default, the response passes as sent. */
  redactor?: ResponseRedactor;
}

/** How a relayed exchange went, for the audit log. */
export interface RelayResult {
  status: number;
  bytesUp: number;
  bytesDown: number;
  /** Set when the upstream could not be reached or broke off: the client got a 502 or a cut. */
  failure?: string;
}

/**
 * The request body as a stream that pulls from the client only as fast as the
 * upstream takes it (the client socket is paused in between), after the prefix DLP
 * already read.
 */
function bodyStream(req: IncomingMessage, prefix: BodyPrefix | undefined, count: (bytes: number) => void): ReadableStream<Uint8Array> {
  const QUEUED = 4;
  // Once the stream is closed, errored or cancelled, what the body still brings (the
  // server drains an unread body after the answer) is not the stream's.
  let open = true;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (prefix !== undefined && prefix.prefix.length > 0) controller.enqueue(new Uint8Array(prefix.prefix));
        if (prefix?.complete) return controller.close();
        req.on("data", (chunk: Buffer) => {
          if (!open) return;
          count(chunk.length);
          controller.enqueue(new Uint8Array(chunk));
          if ((controller.desiredSize ?? 1) <= 0) pauseBody(req);
        });
        req.on("end", () => {
          if (open) controller.close();
          open = false;
        });
        req.on("error", (error) => {
          if (open) controller.error(error);
          open = false;
        });
      },
      pull(controller) {
        // The queue is empty again: the upstream has taken the prefix.
        if ((controller.desiredSize ?? 0) >= QUEUED) prefix?.release?.();
        resumeBody(req);
      },
      cancel() {
        open = false;
        req.destroy();
      },
    },
    { highWaterMark: QUEUED },
  );
}

/** Headers for fetch: repeated values joined, as HTTP allows for every header but set-cookie (a response header). */
function requestHeaders(headers: OutgoingHttpHeaders, identity: boolean): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) out.append(name, String(item));
  }
  // fetch would otherwise ask for gzip on the client's behalf and, with decompress off,
  // hand it a compressed body it never asked for.
  // A redacted response must come as plain bytes: a secret inside gzip is invisible.
  if (identity || !out.has("accept-encoding")) out.set("accept-encoding", "identity");
  return out;
}

/**
 * By default, an upstream gets 10 minutes to start answering (a long non-streaming model
 * call can take that); after it, the client gets a 502 and both sockets are released.
 */
const HEADERS_TIMEOUT_MS = 10 * 60_000;

/** Bodies up to this size with a Content-Length are relayed in one piece. */
const SMALL_BODY = 64 * 1024;

/** Waits until the response can take more, so a slow client slows the upstream read instead of filling memory
 * (inside an inspected tunnel, until the socket under its TLS can: see `carried-socket.ts`). */
function writeWithBackpressure(res: ServerResponse, chunk: Uint8Array): Promise<void> | undefined {
  const room = res.write(chunk);
  const carrier = congestedCarrier(res.socket);
  if (room && carrier === undefined) return undefined;
  const waitOn = carrier ?? res;
  return new Promise((resolve) => {
    const done = () => {
      waitOn.off("drain", done);
      res.off("close", done);
      resolve();
    };
    waitOn.on("drain", done);
    res.on("close", done);
  });
}

/** The content codings the gate can undo to redact a body an upstream compressed anyway. */
const DECODERS: Record<string, string> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate", br: "brotli", zstd: "zstd" };

/** Response headers the gate never passes on: only the gate itself sends `X-Bottle-Block`. */
const RESPONSE_DROP = [BLOCK_HEADER.toLowerCase()];

/**
 * The audit outcome of a relayed request: an upstream failure is an `error` (502),
 * otherwise `warn` when DLP saw something it let through, else `allow`.
 */
export function relayOutcome(result: RelayResult, warned: string | undefined): Partial<AuditEntry> {
  return {
    decision: result.failure !== undefined ? "error" : warned !== undefined ? "warn" : "allow",
    reason: result.failure ?? warned,
    // A client that left before any answer got none: status 0, as the audit promises.
    status: result.status || (result.failure === "client-closed" ? 0 : 502),
    bytes_up: result.bytesUp,
    bytes_down: result.bytesDown,
  };
}

/**
 * Sends the request to the checked address and streams the response back chunk by
 * chunk as it arrives (server-sent events are not buffered). Uses fetch: Bun 1.3.14's
 * `node:http` client loses or stalls multi-megabyte piped request bodies, fetch with
 * a streamed body does not. `decompress: false` and `redirect: "manual"` keep it a
 * faithful proxy: bytes and redirects reach the client as the upstream sent them.
 */
export async function relayUpstream(req: IncomingMessage, res: ServerResponse, target: UpstreamTarget, body: BodyPrefix | undefined): Promise<RelayResult> {
  const result: RelayResult = { status: 0, bytesUp: body?.prefix.length ?? 0, bytesDown: 0 };
  const host = target.address.includes(":") ? `[${target.address}]` : target.address;
  const url = `${target.protocol}//${host}:${target.port}${target.path}`;
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on("close", onClose);
  const method = target.method.toUpperCase();
  const hasBody = body !== undefined || (method !== "GET" && method !== "HEAD" && (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined));

  let timedOut = false;
  const headersTimer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, HEADERS_TIMEOUT_MS);
  let upstream: Response;
  try {
    upstream = await fetch(url, {
      method,
      headers: requestHeaders(target.headers, target.redactor !== undefined),
      body: hasBody ? bodyStream(req, body, (bytes) => (result.bytesUp += bytes)) : undefined,
      duplex: "half",
      redirect: "manual",
      decompress: false,
      signal: abort.signal,
      // The certificate must match the name the client asked for, not the pinned address.
      tls: target.protocol === "https:" ? { serverName: target.servername, ...(target.ca ? { ca: target.ca } : {}) } : undefined,
    } as RequestInit);
  } catch (error) {
    clearTimeout(headersTimer);
    body?.release?.();
    res.off("close", onClose);
    if (abort.signal.aborted && !timedOut) return { ...result, failure: "client-closed" };
    // Bun's message names the URL fetched, the checked address in it: the agent is told
    // the name it asked for (the address is the audit's, not a resolver's for the agent).
    const why = timedOut ? "did not answer in time" : `failed: ${(error as Error).message.replaceAll(url, `${target.protocol}//${target.servername}${target.path}`).replaceAll(host, target.servername)}`;
    respond(res, 502, `bottle gate: upstream ${target.servername} ${why}`);
    return { ...result, failure: timedOut ? "upstream-timeout" : "upstream-failure" };
  }
  clearTimeout(headersTimer);
  // Answered: whatever of the prefix the upstream has not taken, it need not.
  body?.release?.();

  result.status = upstream.status;
  const redactor = target.redactor;
  const raw: string[] = [];
  const header = (value: string) => (redactor === undefined ? value : redactor.header(value));
  // A header whose name holds a held secret (an upstream echoing the credential as a
  // name) is dropped: no redaction makes a name (a hunt for leaks, this round).
  // fetch lower-cases names, so the test is caseless: a mixed-case credential came back lower-cased.
  for (const [name, value] of upstream.headers) if (name !== "set-cookie" && redactor?.namesSecret(name) !== true) raw.push(name, header(value));
  for (const cookie of upstream.headers.getSetCookie()) raw.push("set-cookie", header(cookie));
  let answer: ReadableStream<Uint8Array> | null = upstream.body;
  const coding = (upstream.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  const drop = [...RESPONSE_DROP];
  // Transfer codings are this hop's: fetch (Bun 1.4.5) undoes only `chunked`, so a
  // `Transfer-Encoding: gzip, chunked` body came through still gzipped, past the
  // redactor, with the header dropped as hop-by-hop; the client could inflate it and
  // read the injected credential back (a hunt for leaks, this round). No server sends
  // one unasked (the gate never asks): refused on every relay, not decoded, so an
  // upstream cannot make the gate inflate a bomb either.
  const transferEncoding = upstream.headers.get("transfer-encoding");
  const transfer = transferEncoding === null ? [] : transferEncoding.split(",").map((each) => each.trim().toLowerCase()).filter((each) => each !== "" && each !== "chunked");
  if (transfer.length > 0) {
    abort.abort();
    res.off("close", onClose);
    respond(res, 502, `bottle gate: upstream ${target.servername} sent a body with the transfer coding ${transfer.join(", ")}, which the gate does not relay`);
    return { ...result, status: 502, failure: "undecodable-response" };
  }
  // With `Transfer-Encoding` the length is not the body's (fetch read it by chunks):
  // passed on, it let an upstream append a forged answer to the client's next
  // request on the connection (RFC 9112 §6.3: a proxy removes it). A review, this round.
  if (transferEncoding !== null) drop.push("content-length");
  if (redactor !== undefined) {
    // Redaction changes the length, and a compressed body must be decoded to be read.
    drop.push("content-length");
    if (coding !== "identity" && answer !== null) {
      const format = DECODERS[coding];
      if (format === undefined) {
        abort.abort();
        res.off("close", onClose);
        respond(res, 502, `bottle gate: upstream ${target.servername} sent a ${coding} body the gate cannot read to redact`);
        return { ...result, status: 502, failure: "undecodable-response" };
      }
      // Bun 1.4.5 takes brotli and zstd too, beyond the DOM typing's formats.
      answer = answer.pipeThrough(new DecompressionStream(format as "gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
      drop.push("content-encoding");
    }
    if (answer !== null) answer = answer.pipeThrough(redactor.body());
  }
  // fetch has already undone the framing; node re-frames (chunked or content-length) itself.
  // The reason phrase is the upstream's text too: an error page may echo the credential there.
  const head = () => res.writeHead(upstream.status, header(upstream.statusText), endToEndHeaders(raw, drop));
  try {
    const length = transferEncoding === null ? Number(upstream.headers.get("content-length") ?? NaN) : NaN;
    if (answer !== null && redactor === undefined && length <= SMALL_BODY) {
      // A small body of known length: read whole, then head and body in one write
      // (one read and one write beat a stream loop; flushing the head first made it
      // two writes, and Bun 1.4.5 has a native head-and-end path for one).
      const whole = new Uint8Array(await upstream.arrayBuffer());
      result.bytesDown = whole.length;
      head();
      res.end(whole);
      return result;
    }
    head();
    // Send the headers now: an event stream's client waits on them before the first event.
    res.flushHeaders();
    if (answer !== null) {
      for await (const chunk of answer) {
        result.bytesDown += chunk.length;
        await writeWithBackpressure(res, chunk);
        if (res.destroyed) break;
      }
    }
    res.end();
  } catch {
    result.failure = abort.signal.aborted ? "client-closed" : "upstream-broke-off";
    // A small body is read before the head goes out: its failure can still be a 502.
    if (!res.headersSent && result.failure === "upstream-broke-off") {
      respond(res, 502, `bottle gate: upstream ${target.servername} broke off`);
      result.status = 502;
    } else res.destroy();
  } finally {
    res.off("close", onClose);
  }
  return result;
}
