/**
 * Realistic but fake credentials, generated from a seeded PRNG so every run tests the
 * same values and no real-looking key is copied into the repository. Each follows its
 * provider's documented shape (prefix, alphabet, length).
 */

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const DIGITS = "0123456789";

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random strings and bytes from one seeded stream. */
export class FakeSource {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  chars(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.#next() * alphabet.length)];
    return out;
  }

  /** Base62 that mixes digits, upper and lower case, as real random tokens do. */
  token(length: number): string {
    for (;;) {
      const value = this.chars(BASE62, length);
      if (/[0-9]/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value)) return value;
    }
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.#next() * 256);
    return out;
  }
}

const b64url = (value: string | Uint8Array): string => Buffer.from(value).toString("base64url");

/** One fake credential per kind the scanner reports. */
export function fakeCredentials(seed = 7): Record<string, string> {
  const source = new FakeSource(seed);
  const awsBody = `${source.chars(BASE32, 7)}${source.chars("234567", 1)}${source.chars(BASE32, 8)}`;
  const keyLines = Array.from({ length: 6 }, () => Buffer.from(source.bytes(48)).toString("base64"));
  return {
    "anthropic-key": `sk-ant-api03-${source.token(93)}AA`,
    "openai-key": `sk-proj-${source.token(40)}T3BlbkFJ${source.token(40)}`,
    "aws-access-key": `AKIA${awsBody}`,
    "github-token": `ghp_${source.token(36)}`,
    "gitlab-token": `glpat-${source.token(20)}`,
    "slack-token": `xoxb-${source.chars(DIGITS, 12)}-${source.chars(DIGITS, 13)}-${source.token(24)}`,
    "stripe-key": `sk_live_${source.token(24)}`,
    "google-api-key": `AIza${source.token(35)}`,
    "npm-token": `npm_${source.token(36)}`,
    "pypi-token": `pypi-AgEIcHlwaS5vcmc${source.token(64)}`,
    "private-key": `-----BEGIN OPENSSH PRIVATE KEY-----\n${keyLines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----`,
    jwt: `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"${source.token(12)}","iat":1700000000}`)}.${b64url(source.bytes(32))}`,
  };
}

/** RFC 4648 base32 (upper case, padded) for building encoded test inputs. */
export function base32(value: string | Uint8Array): string {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
  let bits = 0;
  let acc = 0;
  let out = "";
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

/** Every byte as `%XX`, the way a tool that encodes everything would send it. */
export function percentAll(value: string): string {
  return [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`).join("");
}
