/** The parts of a request target the scanner looks at, exactly as sent, and where
 * each starts in the target (so findings map back to spans for redaction). */
export type UrlParts = {
  userinfo: string;
  host: string;
  path: string;
  query: string;
  fragment: string;
  starts: { userinfo: number; host: number; path: number; query: number; fragment: number };
};

/**
 * Splits an absolute-form (`http://user@host/p?q#f`), origin-form (`/p?q`) or
 * authority-form (`host:443`, as CONNECT sends) request target by hand instead of
 * with `URL`: `URL` resolves `..` segments, lower-cases the host and re-encodes
 * characters, so a secret followed by `/..` would vanish from what we scan while the
 * raw target (sent with `curl --path-as-is`) still carries it upstream.
 */
export function splitUrl(target: string): UrlParts {
  let rest = target;
  let offset = 0;
  let userinfo = "";
  let host = "";
  let userinfoStart = 0;
  let hostStart = 0;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(rest);
  // Authority-form is a bare `host[:port]`: nothing after it, no whitespace.
  const authorityForm = scheme === null && /^[^\s/?#*][^\s/?#]*$/.test(rest);
  if (scheme !== null || authorityForm) {
    offset = scheme?.[0].length ?? 0;
    rest = rest.slice(offset);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
    rest = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
    const at = authority.lastIndexOf("@");
    userinfoStart = offset;
    if (at !== -1) userinfo = authority.slice(0, at);
    host = authority.slice(at + 1);
    hostStart = offset + at + 1;
    offset += authority.length;
  }
  let fragment = "";
  let fragmentStart = target.length;
  const hash = rest.indexOf("#");
  if (hash !== -1) {
    fragment = rest.slice(hash + 1);
    fragmentStart = offset + hash + 1;
    rest = rest.slice(0, hash);
  }
  let query = "";
  let queryStart = offset + rest.length;
  const question = rest.indexOf("?");
  if (question !== -1) {
    query = rest.slice(question + 1);
    queryStart = offset + question + 1;
    rest = rest.slice(0, question);
  }
  return {
    userinfo,
    host,
    path: rest,
    query,
    fragment,
    starts: { userinfo: userinfoStart, host: hostStart, path: offset, query: queryStart, fragment: fragmentStart },
  };
}
