import type { IncomingHttpHeaders } from "node:http";

/** A query that may name `_method` (any case, `_` percent-encoded too). */
const METHOD_PARAM = /(?:_|%5f)method/i;

/** Headers web frameworks read as the request's real method (Rails/Rack, Laravel, Symfony, ASP.NET, Google APIs). */
const OVERRIDE_HEADERS = ["x-http-method-override", "x-http-method", "x-method-override"];

/**
 * The methods a request asks for besides its own: method-override headers and a
 * `_method` query parameter (Laravel reads it from the query too). A `GET` with
 * `X-HTTP-Method-Override: DELETE` is a DELETE to an origin that honours it, so a
 * method rule checks these as well (review round 2, finding 6). A `_method` in a form
 * body is not seen: the rules are decided before the body is read.
 */
export function methodOverrides(headers: IncomingHttpHeaders, search: string): string[] {
  const asked: string[] = [];
  for (const name of OVERRIDE_HEADERS) {
    const value = headers[name];
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) asked.push(...item.split(","));
  }
  // Parsed only when it may hold one: a `URLSearchParams` per request was 3% of the plain path's CPU.
  if (METHOD_PARAM.test(search)) for (const [name, value] of new URLSearchParams(search)) if (name.toLowerCase() === "_method") asked.push(value);
  return asked.map((method) => method.trim()).filter((method) => method !== "");
}

/** Headers that frameworks, rewrite modules and vhost routers read as the request's real
 * path or host (IIS URL Rewrite, Zend, Symfony and Laravel behind proxies, Spring's
 * prefix, forwarded host routing). */
const PATH_OVERRIDE_HEADERS = [
  "x-original-url", "x-original-uri", "x-original-host", "x-rewrite-url", "x-envoy-original-path",
  "x-forwarded-prefix", "x-forwarded-path", "x-forwarded-uri", "x-forwarded-host", "x-forwarded-server", "x-host", "forwarded",
];
const PATH_OVERRIDES = new Set(PATH_OVERRIDE_HEADERS);

/**
 * The path- and host-override headers a request carries, by name. Under a path rule
 * they are refused: an origin that honours `X-Original-URL: /admin/delete` acts on a
 * path the rule never checked (a hunt, this round; the method-override class of review
 * round 2, finding 6, for paths).
 */
export function pathOverrides(headers: IncomingHttpHeaders): string[] {
  const found: string[] = [];
  for (const name in headers) {
    // Underscores too: CGI and PHP read `X_Original_URL` as `HTTP_X_ORIGINAL_URL`.
    if (PATH_OVERRIDES.has(name.includes("_") ? name.replaceAll("_", "-") : name)) found.push(name);
  }
  return found;
}
