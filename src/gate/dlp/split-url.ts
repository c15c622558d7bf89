/** The parts of a request target the scanner looks at, exactly as sent. */
export type UrlParts = { userinfo: string; host: string; path: string; query: string; fragment: string };

/**
 * Splits an absolute-form (`http://user@host/p?q#f`) or origin-form (`/p?q`) request
 * target by hand instead of with `URL`: `URL` resolves `..` segments and re-encodes
 * characters, so a secret followed by `/..` would vanish from what we scan while the
 * raw target (sent with `curl --path-as-is`) still carries it upstream.
 */
export function splitUrl(target: string): UrlParts {
  let rest = target;
  let userinfo = "";
  let host = "";
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(rest);
  if (scheme !== null) {
    rest = rest.slice(scheme[0].length);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
    rest = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
    const at = authority.lastIndexOf("@");
    if (at !== -1) userinfo = authority.slice(0, at);
    host = authority.slice(at + 1);
  }
  let fragment = "";
  const hash = rest.indexOf("#");
  if (hash !== -1) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = "";
  const question = rest.indexOf("?");
  if (question !== -1) {
    query = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  return { userinfo, host, path: rest, query, fragment };
}
