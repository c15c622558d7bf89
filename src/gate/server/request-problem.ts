import type { IncomingMessage } from "node:http";

/** By default, a request target longer than this is refused with 414: no API needs more, and DLP should not scan megabytes of URL. */
export const MAX_TARGET = 16 * 1024;

/** Why the gate refuses a request before any service sees it. */
export interface RequestProblem {
  status: 400 | 414;
  reason: string;
  text: string;
}

/**
 * Framing the gate refuses outright (RFC 9112 §6.3): a request whose body length can
 * be read two ways is how requests are smuggled past a proxy, so two `Content-Length`
 * headers (even equal ones), `Content-Length` with `Transfer-Encoding`, or any
 * transfer coding but a lone `chunked` is a 400; so is a body on GET or HEAD (which
 * upstreams ignore or misread), and so is a target with a `#`; an over-long target is a 414.
 */
export function requestProblem(req: IncomingMessage): RequestProblem | undefined {
  const target = req.url ?? "";
  if (target.length > MAX_TARGET) {
    return { status: 414, reason: "uri-too-long", text: `bottle gate: the request target is longer than ${MAX_TARGET} bytes` };
  }
  // No client sends a fragment (RFC 9110 §7.1: the request target has none), and the
  // gate and the URL parser it forwards through would disagree on where the path ends:
  // `/r/repo/..#` was a segment to the route's check and `..` to fetch, which then left
  // the route's base with its credential (a hunt for leaks, this round).
  if (target.includes("#")) return { status: 400, reason: "bad-target", text: "bottle gate: a request target cannot hold a fragment (#)" };
  let lengths = 0;
  const codings: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    const name = req.rawHeaders[index]!.toLowerCase();
    if (name === "content-length") lengths++;
    else if (name === "transfer-encoding") codings.push(req.rawHeaders[index + 1]!);
  }
  const framing = (text: string): RequestProblem => ({ status: 400, reason: "bad-framing", text: `bottle gate: ${text}` });
  if (lengths > 1) return framing("more than one Content-Length");
  if (codings.length > 0 && lengths > 0) return framing("both Content-Length and Transfer-Encoding");
  if (codings.length > 1 || (codings.length === 1 && codings[0]!.trim().toLowerCase() !== "chunked")) {
    return framing("a Transfer-Encoding other than chunked");
  }
  const method = req.method ?? "";
  const length = req.headers["content-length"];
  if ((method === "GET" || method === "HEAD") && (codings.length > 0 || (length !== undefined && length !== "0"))) {
    return { status: 400, reason: "body-not-allowed", text: `bottle gate: a ${method} request cannot carry a body` };
  }
  return undefined;
}
