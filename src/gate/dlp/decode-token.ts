/**
 * Decoders for tokens that might be an encoded credential: base64 (standard and
 * URL-safe, padded or not), base32 (RFC 4648, either case) and hex. Each returns the
 * decoded bytes as a Latin-1 string, or `undefined` when the token is not valid in
 * that encoding. Decoded text is only worth scanning when it looks like text; see
 * {@link looksLikeText}.
 */

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE32_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE32_ALPHABET.length; i++) {
  BASE32_VALUES[BASE32_ALPHABET.charCodeAt(i)] = i;
  BASE32_VALUES[BASE32_ALPHABET.toLowerCase().charCodeAt(i)] = i;
}

/** Base64 in either alphabet, padding optional. */
export function decodeBase64(token: string): string | undefined {
  const bare = token.replace(/=+$/, "");
  // A length of 1 mod 4 can't be base64 (6 bits don't make a byte).
  if (bare.length % 4 === 1 || !/^[A-Za-z0-9+/_-]+$/.test(bare)) return undefined;
  const standard = bare.replaceAll("-", "+").replaceAll("_", "/");
  return Buffer.from(standard, "base64").toString("latin1");
}

/** RFC 4648 base32, case-insensitive (DNS lowercases it), padding optional. */
export function decodeBase32(token: string): string | undefined {
  const bare = token.replace(/=+$/, "");
  let bits = 0;
  let value = 0;
  let out = "";
  for (let i = 0; i < bare.length; i++) {
    const code = bare.charCodeAt(i);
    const digit = code < 128 ? (BASE32_VALUES[code] ?? -1) : -1;
    if (digit < 0) return undefined;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((value >> bits) & 0xff);
    }
  }
  return out;
}

/** Hex of even length, either case. */
export function decodeHex(token: string): string | undefined {
  if (token.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(token)) return undefined;
  return Buffer.from(token, "hex").toString("latin1");
}

/**
 * Whether decoded bytes read as text: at least 8 bytes and at least 80% printable
 * ASCII (or tab/newline). Random bytes are ~37% printable, so binary (an image, a
 * git SHA decoded as hex) is skipped cheaply, while a secret with a little framing
 * around it is still scanned.
 */
export function looksLikeText(decoded: string): boolean {
  if (decoded.length < 8) return false;
  let printable = 0;
  for (let i = 0; i < decoded.length; i++) {
    const code = decoded.charCodeAt(i);
    if ((code >= 0x20 && code < 0x7f) || code === 0x09 || code === 0x0a || code === 0x0d) printable++;
  }
  return printable >= decoded.length * 0.8;
}

/** Every text that `token` decodes to in any of the encodings (deduplicated). */
export function decodeToken(token: string): string[] {
  const texts: string[] = [];
  for (const decode of [decodeHex, decodeBase32, decodeBase64]) {
    const decoded = decode(token);
    if (decoded !== undefined && looksLikeText(decoded) && !texts.includes(decoded)) texts.push(decoded);
  }
  return texts;
}
