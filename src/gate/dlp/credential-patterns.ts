/**
 * The credential formats the scanner knows, each derived from the provider's
 * documented token format. Every pattern has two matchers:
 *
 * - `raw` runs on text as it is (and on decoded forms of it), only when one of its
 *   literal `prefixes` occurs (an `indexOf` is ~10× cheaper than the regex on a large
 *   body). A match must not follow a letter or digit, checked in code rather than
 *   with `(?<!…)`: lookbehind makes JSC's regex several times slower (Bun 1.3.14).
 *   Unlike `\b`, this still matches `api_key=sk-…` after `_`. Fixed-length formats
 *   also require a boundary at the end.
 * - `compact` runs on text with the delimiters `. - _ / = & + , :` and whitespace
 *   removed, so a key an agent splits as `sk-ant-api03-AAAA/BBBB`, across path
 *   segments or across query parameters is still found. Without delimiters there are
 *   no boundaries, so compact forms keep only distinctive prefixes and require the
 *   random part to look random (mixed character classes); JWTs have no compact form
 *   (their dots are structural).
 *
 * Quantifiers are bounded (no `{n,}`): an unbounded class followed by more pattern
 * backtracks quadratically on hostile input such as "sk-" repeated 300,000 times.
 */
export type CredentialPattern = {
  /** The `Finding.kind` this pattern reports. */
  kind: string;
  /** Literals one of which every raw match contains. */
  prefixes: readonly string[];
  /** The raw regex, or a hand-written linear finder returning `[start, end]` spans
   * where a regex would backtrack (JWTs: see {@link findJwts}). */
  raw: RegExp | ((text: string) => [number, number][]);
  compact: RegExp | undefined;
  /** Literals one of which every compact match contains (checked before the regex
   * runs over a compacted body); by default the compact regex always runs. */
  compactPrefixes?: readonly string[];
  /** A literal every compact match holds, and how far a match reaches either side of
   * it: the compact regex then runs only over those windows around each occurrence
   * (merged where they meet), which find the same matches, since no match reaches
   * past its literal's window and none starts where no literal is within reach
   * (`before` and `after` count from the literal's start and end; `minAfter`: the
   * fewest characters a match has after it). For
   * a regex that would otherwise try, and backtrack over, every place its prefix
   * occurs. */
  compactWindow?: { literal: string; before: number; after: number; minAfter: number };
  /** A raw match counts glued to a letter or digit before it (`x` + key) when this
   * says so: `true` for a prefix no text holds by chance (`sk-ant-`, `AKIA` + 16
   * upper-case), a check for one that random base64url can spell (`ghp_` + exactly
   * the 36 of a real token). By default a match must start a token. */
  glued?: true | ((match: string) => boolean);
  /** Extra check on a raw match (e.g. a JWT header must decode to JSON with `alg`). */
  accept?: (match: string) => boolean;
  /** Where a raw hit really ends, when the regex only finds its start. */
  extendEnd?: (text: string, end: number, memo: { endLine?: number }) => number;
  /**
   * The start a compact match's original text must have once every delimiter but
   * `separator` is taken out of it: a key split with delimiters keeps its own
   * separator (`ghp_ab-cd` is `ghp_abcd`), base64 does not. Without it, a MIME line of
   * random base64 that began `ghp…` or `npm…` read as a token: about one 0.9 MiB upload
   * in three was refused under `dlp: block` (a flaky test, found this round).
   */
  compactShape?: { separator: string; start: RegExp };
  /** Extra check on a compact match, given the regex's first capture group that
   * matched (the random part) or else the whole match; by default
   * {@link looksRandomCompact}. */
  acceptCompact?: (body: string) => boolean;
};

/** Random tokens mix digits, upper- and lower-case letters; slugs and words don't. */
export function looksRandom(text: string): boolean {
  return /[0-9]/.test(text) && /[A-Z]/.test(text) && /[a-z]/.test(text);
}

/** Share of vowels among the letters of `text` (0 when it has none). */
function vowelRatio(text: string): number {
  const letters = text.match(/[A-Za-z]/g)?.length ?? 0;
  return letters === 0 ? 0 : (text.match(/[AEIOUaeiou]/g)?.length ?? 0) / letters;
}

/**
 * Whether delimiter-stripped mixed-case text reads as CamelCase words rather than a
 * random token: at least 60% of it is capitalised words of 3+ letters
 * (`/ghp/Some/Path/With/Version2/…` compacts to `SomePathWithVersion2…`) and at
 * least 30% of its letters are vowels (English ~38%, random base62 ~19%). Tuned on
 * seeded samples: 0.1–0.4% of random 20–93 character tokens read as words (so a split
 * key is missed that rarely), while every word-made path we tried is rejected.
 */
function readsAsCamelWords(text: string): boolean {
  const wordChars = text.match(/[A-Z][a-z]{2,}/g)?.join("").length ?? 0;
  return wordChars >= text.length * 0.6 && vowelRatio(text) >= 0.3;
}

/**
 * The default check on the random part of a compact match: mixed classes, and not
 * CamelCase words. Compacting path segments otherwise yields "tokens".
 */
export function looksRandomCompact(body: string): boolean {
  return looksRandom(body) && !readsAsCamelWords(body);
}

/**
 * OpenAI keys: every current key (legacy `sk-…`, `sk-proj-…`, `sk-svcacct-…`,
 * `sk-admin-…`) embeds `T3BlbkFJ` (base64 of "OpenAI"); a legacy key without it is
 * 48 random alphanumerics. Words like `sk-learn` or `sk-some-slug` are neither.
 */
function isOpenAiKey(match: string): boolean {
  if (match.includes("T3BlbkFJ")) return true;
  const body = match.slice(3);
  return /^[A-Za-z0-9]{48}$/.test(body) && looksRandom(body);
}

/**
 * AWS key IDs are base32 (A–Z, 2–7); a compact match must also contain a digit and
 * not read as upper-case words (`ASIA/PACIFIC/REGION/S3`): 45% or more vowels, or 38%
 * with under two digits. Random IDs (~19% vowels, ~3 digits) fail that ~3% of the
 * time, so a split ID is missed that often; an unsplit one never is.
 */
export function isCompactAwsKey(body: string): boolean {
  if (!/^[A-Z2-7]{16}$/.test(body)) return false;
  const digits = body.match(/[2-7]/g)?.length ?? 0;
  const vowels = vowelRatio(body);
  return digits > 0 && vowels < 0.45 && !(vowels >= 0.38 && digits < 2);
}

/** A JWT's header is base64url JSON naming its `alg`; anything else with dots isn't one. */
export function isJwt(match: string): boolean {
  return isJwtAt(match, 0);
}

/** The last header looked up and its answer: the spans of a body of repeated JWT-like
 * fragments share one, told apart from it in place, without a slice and a hash each
 * (a fifth of the body-wide JWT search there, Bun 1.4.5 profile). */
let lastHeader = "";
let lastValid = false;

/** {@link isJwt} of the span of `text` starting at `start` (a JWT-shaped span: it has a dot). */
export function isJwtAt(text: string, start: number): boolean {
  const dot = text.indexOf(".", start);
  if (lastHeader !== "" && dot - start === lastHeader.length && text.startsWith(lastHeader, start)) return lastValid;
  const header = text.slice(start, dot);
  const known = jwtHeaders.get(header);
  lastHeader = header;
  if (known !== undefined) return (lastValid = known);
  let valid = false;
  if (mayNameAlg(header)) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
      valid = typeof parsed === "object" && parsed !== null && "alg" in parsed;
    } catch {
      valid = false;
    }
  }
  // Remembered: a body of repeated JWT-like fragments parsed the same header each time.
  if (jwtHeaders.size > 1024) jwtHeaders.clear();
  jwtHeaders.set(header, valid);
  return (lastValid = valid);
}

const jwtHeaders = new Map<string, boolean>();

/** Base64url character values (a header holds nothing else). */
const BASE64URL_VALUES = new Int8Array(128).fill(-1);
for (const [value, char] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].entries()) BASE64URL_VALUES[char.charCodeAt(0)] = value;

/**
 * Whether base64url `header` decodes to what could be a JSON object with an `alg`
 * key: after JSON whitespace a `{`, and somewhere `alg` or a `\u` escape (the only way
 * to spell a letter otherwise). Read byte by byte, in place: ASCII bytes are the same
 * characters after UTF-8 decoding, whatever bytes surround them. Anything else is not
 * decoded and parsed, since a `JSON.parse` that throws cost ~2 µs and the decode
 * ~0.6, and a MiB of JWT-shaped spans with distinct headers (`eyJ` + 7 random
 * characters) has 60,000 of them (hostile-input search, Bun 1.4.5).
 */
function mayNameAlg(header: string): boolean {
  let accumulator = 0;
  let bits = 0;
  let started = false;
  let last = 0; // the two bytes before, as `(older << 8) | newer`
  for (let at = 0; at < header.length; at++) {
    const code = header.charCodeAt(at);
    accumulator = ((accumulator << 6) | (code < 128 ? (BASE64URL_VALUES[code] as number) & 63 : 0)) & 0xffff;
    bits += 6;
    if (bits < 8) continue;
    bits -= 8;
    const byte = (accumulator >> bits) & 0xff;
    if (!started) {
      if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
      if (byte !== 0x7b /* { */) return false;
      started = true;
    }
    if ((last === 0x616c && byte === 0x67) /* alg */ || ((last & 0xff) === 0x5c && byte === 0x75) /* \u */) return true;
    last = ((last << 8) | byte) & 0xffff;
  }
  return false;
}

const BASE64URL = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") BASE64URL[char.charCodeAt(0)] = 1;
const isBase64Url = (code: number): boolean => code < 128 && BASE64URL[code] === 1;

/**
 * JWT-shaped spans (`header.payload.signature`, header 10–2048 base64url characters
 * starting `ew`/`ey`, payload 8–8192, signature 0–2048), found around each `.`. The
 * regex this replaces, `e[wy][…]{8,2048}\.…`, retried 2,048 characters at every `e`
 * of `"eyJ" + "ey"×524288` (no dot anywhere): 0.6 s per MiB (issue 9, finding 5).
 * Here each character is visited a bounded number of times. With `range`, only the
 * dots in it (and `range.from` is moved on).
 */
export function findJwts(text: string, range?: JwtSearch): [number, number][] {
  const spans: [number, number][] = [];
  let searchFrom = range?.from ?? 0;
  const until = range?.until ?? text.length;
  for (let dot = text.indexOf(".", searchFrom); dot !== -1 && dot < until; dot = text.indexOf(".", searchFrom)) {
    searchFrom = dot + 1;
    let start = dot;
    while (start > 0 && dot - start < 2048 && isBase64Url(text.charCodeAt(start - 1))) start--;
    // The header starts at the run's start or right after a `-`/`_` glued before it.
    let header = -1;
    for (let at = start; at < dot - 9; at++) {
      const previous = text.charCodeAt(at - 1);
      if (at > start && previous !== 45 && previous !== 95) continue;
      if (text.charCodeAt(at) === 101 && (text.charCodeAt(at + 1) === 119 || text.charCodeAt(at + 1) === 121)) {
        header = at;
        break;
      }
    }
    if (header === -1) continue;
    let payloadEnd = dot + 1;
    while (payloadEnd < text.length && payloadEnd - dot <= 8192 && isBase64Url(text.charCodeAt(payloadEnd))) payloadEnd++;
    if (payloadEnd - dot - 1 < 8 || text.charCodeAt(payloadEnd) !== 46) continue;
    let end = payloadEnd + 1;
    while (end < text.length && end - payloadEnd <= 2048 && isBase64Url(text.charCodeAt(end))) end++;
    spans.push([header, end]);
    searchFrom = end;
  }
  if (range !== undefined) range.from = Math.max(searchFrom, until);
  return spans;
}

/** A part of a text to search for JWTs: the dots in `[from, until)` (a JWT around one
 * may reach outside it). After a search, `from` is where the next part starts (past
 * the last JWT found), so a long text is searched in bounded steps. */
export type JwtSearch = { from: number; until: number };

/** By default, a private key block longer than this is redacted only up to here. */
const MAX_PRIVATE_KEY_BLOCK = 16384;

/** The end of the `-----END … PRIVATE KEY-----` line after a BEGIN line, if near.
 * `memo` keeps the last END position for one text: without it, a body of thousands
 * of BEGIN lines and no END would be searched to its end once per line. */
function privateKeyBlockEnd(text: string, end: number, memo: { endLine?: number }): number {
  if (memo.endLine === undefined || (memo.endLine !== -1 && memo.endLine < end)) memo.endLine = text.indexOf("-----END", end);
  const endLine = memo.endLine;
  if (endLine === -1 || endLine - end > MAX_PRIVATE_KEY_BLOCK) return end;
  const close = text.indexOf("-----", endLine + 8);
  return close === -1 || close - endLine > 64 ? end : close + 5;
}

/** All known credential formats, most specific first (Anthropic before OpenAI). */
export const credentialPatterns: readonly CredentialPattern[] = [
  {
    // sk-ant-api03-…, sk-ant-admin01-…, sk-ant-oat01-… (OAuth) followed by ~90 chars;
    // `sk-ant-` is distinctive, so any 20–300 token characters after it count
    // (a shortened or lengthened key is still the key's material).
    kind: "anthropic-key",
    prefixes: ["sk-ant-"],
    raw: /sk-ant-[A-Za-z0-9_-]{20,300}/g,
    // Glued, only a real key's shape: `desk-ant-design-pro-…` is a package name.
    glued: (match) => /^sk-ant-(?:api|admin|oat)\d\d-[A-Za-z0-9_-]{40,}$/.test(match),
    compact: /skant([A-Za-z0-9]{20,300})/g,
    compactShape: { separator: "-", start: /^sk-ant-/ },
    compactPrefixes: ["skant"],
  },
  {
    kind: "openai-key",
    prefixes: ["sk-"],
    raw: /sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,256}/g,
    compact: /sk(?:proj|svcacct|admin)?[A-Za-z0-9]{8,160}T3BlbkFJ[A-Za-z0-9]{8,160}/g,
    compactPrefixes: ["T3BlbkFJ"],
    // `sk` + `svcacct` + 160 before the literal, 160 after it. Over the whole compacted
    // slice the regex backtracked ~160 steps at every `sk` once one `T3BlbkFJ` was in
    // it: 155–285 ms per MiB of `sk` repeated (hostile-input search, Bun 1.4.5).
    compactWindow: { literal: "T3BlbkFJ", before: 2 + 7 + 160, after: 160, minAfter: 8 },
    accept: isOpenAiKey,
    acceptCompact: () => true,
  },
  {
    // Access key IDs: AKIA (long-term) or ASIA (STS) + 16 characters.
    kind: "aws-access-key",
    prefixes: ["AKIA", "ASIA"],
    // Not followed by another upper-case letter or digit (inside a long upper-case run,
    // base32 spells `AKIA` by chance); a lower-case letter glued after is still the key.
    raw: /(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g,
    glued: true,
    compact: /(?:AKIA|ASIA)([A-Z0-9]{16})/g,
    compactPrefixes: ["AKIA", "ASIA"],
    acceptCompact: isCompactAwsKey,
  },
  {
    // Classic tokens ghp_/gho_/ghu_/ghs_/ghr_ + 36 base62; fine-grained github_pat_22_59.
    // The prefixes are distinctive: 30–255 characters after them count.
    kind: "github-token",
    prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    raw: /(?:gh[pousr]_[A-Za-z0-9]{30,255}(?![A-Za-z0-9])|github_pat_[A-Za-z0-9_]{22,255})/g,
    glued: (match) => /^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/.test(match) || match.length === 40,
    compact: /gh[pousr]([A-Za-z0-9]{30,255})|githubpat([A-Za-z0-9]{22,255})/g,
    compactShape: { separator: "_", start: /^(?:gh[pousr]_|github_pat_)/ },
    compactPrefixes: ["ghp", "gho", "ghu", "ghs", "ghr", "githubpat"],
  },
  {
    kind: "gitlab-token",
    prefixes: ["glpat-"],
    raw: /glpat-[A-Za-z0-9_.-]{20,128}/g,
    glued: true,
    compact: /glpat([A-Za-z0-9]{20,128})/g,
    compactShape: { separator: "-", start: /^glpat-/ },
    compactPrefixes: ["glpat"],
  },
  {
    // xoxb- (bot), xoxp- (user), xoxa-/xoxr- (app/refresh), xoxs- (session): dash-separated.
    kind: "slack-token",
    prefixes: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"],
    raw: /xox[abprs]-[0-9]{1,20}-[A-Za-z0-9-]{10,256}/g,
    glued: true,
    compact: /xox[abprs][0-9]{8,60}([A-Za-z0-9]{10,256})/g,
    compactShape: { separator: "-", start: /^xox[abprs]-/ },
    compactPrefixes: ["xox"],
    acceptCompact: (secret) => /[A-Za-z]/.test(secret) && !readsAsCamelWords(secret),
  },
  {
    // Live secret and restricted keys only: test-mode keys can't move money.
    kind: "stripe-key",
    prefixes: ["_live_"],
    raw: /(?:sk|rk)_live_[A-Za-z0-9]{20,256}/g,
    compact: /(?:sk|rk)live([A-Za-z0-9]{20,256})/g,
    compactShape: { separator: "_", start: /^[sr]k_live_/ },
    compactPrefixes: ["live"],
  },
  {
    kind: "google-api-key",
    prefixes: ["AIza"],
    // Not glued: `AIza` is four characters, and a MIME line of random base64 holds
    // one glued to a letter before it, 30–50 from the line's end, in ~1 upload in 50.
    raw: /AIza[A-Za-z0-9_-]{30,50}(?![A-Za-z0-9_-])/g,
    compact: /AIza([A-Za-z0-9]{30,50})/g,
    compactPrefixes: ["AIza"],
  },
  {
    kind: "npm-token",
    prefixes: ["npm_"],
    raw: /npm_[A-Za-z0-9]{30,255}(?![A-Za-z0-9])/g,
    glued: (match) => match.length === 40,
    compact: /npm([A-Za-z0-9]{30,255})/g,
    compactShape: { separator: "_", start: /^npm_/ },
    compactPrefixes: ["npm"],
  },
  {
    // PyPI API tokens are macaroons whose first bytes encode the location "pypi.org"
    // (or "test.pypi.org"), hence the fixed base64 prefix.
    kind: "pypi-token",
    prefixes: ["pypi-"],
    raw: /pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{40,512}/g,
    glued: true,
    compact: /pypi(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9]{40,512}/g,
    compactShape: { separator: "-", start: /^pypi-/ },
    compactPrefixes: ["pypi"],
    acceptCompact: () => true,
  },
  {
    // The BEGIN line; `extendEnd` stretches the hit over the block to its END line
    // (so redaction removes the key material). Doing that with a lazy `[\s\S]*?` in
    // the regex costs seconds on a body of repeated BEGIN lines.
    kind: "private-key",
    prefixes: ["PRIVATE KEY"],
    raw: /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/g,
    extendEnd: privateKeyBlockEnd,
    compact: /BEGIN[A-Z0-9]{0,40}PRIVATEKEY/g,
    compactPrefixes: ["PRIVATEKEY"],
    acceptCompact: () => true,
  },
  {
    // header.payload.signature, each base64url; the header is JSON starting with `{`
    // (base64 "ey" or "ew"), and `alg: none` tokens have an empty signature.
    kind: "jwt",
    // Base64 of `{"`, `{ `, `{\n`, `{\r\n` and `{\t`: how a JSON header starts.
    prefixes: ["eyJ", "eyA", "ewo", "ew0", "ewk"],
    raw: findJwts,
    compact: undefined,
    accept: isJwt,
  },
];
