/** What the first bytes of a tunnel say: wait for more, a ClientHello (with its SNI, if any), or not TLS. */
export type HelloRead =
  | { state: "need-more" }
  | { state: "hello"; sni: string | undefined; hidden: boolean }
  | { state: "not-tls"; why: string };

/** By default, a ClientHello larger than this is refused: real ones (post-quantum key shares included) are under 4 KiB. */
const MAX_HELLO = 32 * 1024;
const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const SERVER_NAME = 0;
/** encrypted_client_hello (RFC 9849) and the draft ESNI extension: both hide the real server name. */
const HIDDEN_NAME = new Set([0xfe0d, 0xffce]);

/**
 * The handshake bytes carried by the leading handshake records, or why the bytes are
 * not TLS. `complete`: another kind of record followed, so no more handshake bytes come.
 */
function handshakeBytes(data: Buffer): { bytes: Buffer; complete: boolean } | { why: string } {
  const parts: Buffer[] = [];
  let at = 0;
  let size = 0;
  while (at + 5 <= data.length) {
    if (data[at] !== HANDSHAKE) return parts.length === 0 ? { why: "not a TLS handshake record" } : { bytes: Buffer.concat(parts), complete: true };
    if (data[at + 1] !== 3 || data[at + 2]! > 4) return { why: "not a TLS record version" };
    const length = data.readUInt16BE(at + 3);
    if (length === 0 || length > 16_384) return { why: "a TLS record of impossible length" };
    if (at + 5 + length > data.length) {
      parts.push(data.subarray(at + 5));
      return { bytes: Buffer.concat(parts), complete: false };
    }
    parts.push(data.subarray(at + 5, at + 5 + length));
    size += length;
    at += 5 + length;
    if (size > MAX_HELLO) return { why: "a ClientHello too large" };
  }
  // The data ended at a record boundary (or inside a header): more may come.
  return { bytes: Buffer.concat(parts), complete: false };
}

/** The `server_name` extension's host name, if the hello carries one. */
function serverName(hello: Buffer): { name: string | undefined; hidden: boolean } | null {
  // client_version(2) random(32) session_id(1+n) cipher_suites(2+n) compression(1+n) extensions(2+n)
  let at = 34;
  if (at + 1 > hello.length) return null;
  at += 1 + hello[at]!;
  if (at + 2 > hello.length) return null;
  at += 2 + hello.readUInt16BE(at);
  if (at + 1 > hello.length) return null;
  at += 1 + hello[at]!;
  if (at === hello.length) return { name: undefined, hidden: false }; // no extensions at all
  if (at + 2 > hello.length) return null;
  const end = at + 2 + hello.readUInt16BE(at);
  if (end > hello.length) return null;
  at += 2;
  let name: string | undefined;
  let hidden = false;
  while (at + 4 <= end) {
    const type = hello.readUInt16BE(at);
    const length = hello.readUInt16BE(at + 2);
    const body = at + 4;
    if (body + length > end) return null;
    if (HIDDEN_NAME.has(type)) hidden = true;
    if (type === SERVER_NAME) {
      // Two server_name extensions would let a client show one name and mean another.
      if (name !== undefined) return null;
      // server_name_list(2) { name_type(1) = host_name(0), host_name(2+n) } — exactly one entry.
      if (length < 5 || hello.readUInt16BE(body) !== length - 2 || hello[body + 2] !== 0) return null;
      const nameLength = hello.readUInt16BE(body + 3);
      if (5 + nameLength !== length) return null;
      name = hello.toString("latin1", body + 5, body + 5 + nameLength);
    }
    at = body + length;
  }
  return at === end ? { name, hidden } : null;
}

/**
 * Reads the first bytes a client sends into a tunnel as a TLS ClientHello (RFC 8446
 * §4.1.2, in one or more handshake records) and returns its SNI host name. Anything
 * that is not a well-formed ClientHello — plaintext HTTP, SSH, a malformed or
 * duplicated server_name — is `not-tls`: the gate lets only TLS through its tunnels,
 * so the SNI it checked is the name the upstream will serve. `hidden` says the hello
 * also carries Encrypted Client Hello, whose inner name (another site behind the same
 * front) the gate cannot check.
 */
export function readClientHello(data: Buffer): HelloRead {
  const handshake = handshakeBytes(data);
  if ("why" in handshake) return { state: "not-tls", why: handshake.why };
  const { bytes } = handshake;
  if (bytes.length > 0 && bytes[0] !== CLIENT_HELLO) return { state: "not-tls", why: "a handshake that is not a ClientHello" };
  const length = bytes.length < 4 ? Infinity : bytes.readUIntBE(1, 3);
  if (length !== Infinity && length > MAX_HELLO) return { state: "not-tls", why: "a ClientHello too large" };
  if (bytes.length < 4 + length) return handshake.complete ? { state: "not-tls", why: "a truncated ClientHello" } : { state: "need-more" };
  const parsed = serverName(bytes.subarray(4, 4 + length));
  if (parsed === null) return { state: "not-tls", why: "a malformed ClientHello" };
  return { state: "hello", sni: parsed.name, hidden: parsed.hidden };
}
