import zlib from "node:zlib";

/**
 * Undoes a body's `Content-Encoding` (gzip, deflate, br, zstd where the runtime has
 * it; several in order) for scanning, under a bound: an agent that compresses a
 * secret no longer hides it, and a decompression bomb is refused, never expanded.
 * The body may be a prefix (the proxy reads only the first MiB): truncated streams
 * are decoded as far as they go.
 */

/** By default, decoded output past this is not scanned (the scan says so). */
export const MAX_DECODED_BODY = 8 * 1024 * 1024;
/** By default, a body that expands more than this many times is a bomb: text and
 * JSON compress 3–20×; 1 MiB of zeros gzips 1000×. */
export const MAX_EXPANSION_RATIO = 100;

/** What decoding a body gave: its bytes, or why it stopped. */
export type DecodedBody =
  | { ok: true; bytes: Uint8Array; truncated: boolean }
  | { ok: false; reason: "compression-bomb" | "undecodable-encoding" };

type Decoder = (input: Uint8Array, maxOutputLength: number) => Buffer;

const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
const DECODERS: Record<string, Decoder> = {
  gzip: (input, max) => zlib.gunzipSync(input, { ...flush, maxOutputLength: max }),
  "x-gzip": (input, max) => zlib.gunzipSync(input, { ...flush, maxOutputLength: max }),
  // `deflate` is zlib-wrapped by the RFC, raw in some clients: try both.
  deflate: (input, max) => {
    try {
      return zlib.inflateSync(input, { ...flush, maxOutputLength: max });
    } catch (error) {
      if (isTooLarge(error)) throw error;
      return zlib.inflateRawSync(input, { ...flush, maxOutputLength: max });
    }
  },
  br: (input, max) => zlib.brotliDecompressSync(input, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, maxOutputLength: max }),
};
const zstd = (zlib as unknown as { zstdDecompressSync?: (input: Uint8Array, options: object) => Buffer }).zstdDecompressSync;
if (zstd !== undefined) DECODERS.zstd = (input, max) => zstd(input, { maxOutputLength: max });

function isTooLarge(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "ERR_BUFFER_TOO_LARGE" || (error instanceof RangeError && /too large|larger than/i.test(error.message));
}

/** The codings of a `Content-Encoding` value in the order they must be undone. */
export function contentCodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity")
    .reverse();
}

/**
 * Decodes `body` through every coding of `header`. Output is bounded by
 * {@link MAX_DECODED_BODY} and by {@link MAX_EXPANSION_RATIO} times the input: past
 * the ratio the body is refused (`compression-bomb`); past the size, the longest input
 * prefix that fits is decoded instead and the result is marked truncated.
 */
export function decodeContent(body: Uint8Array, header: string | undefined): DecodedBody {
  let bytes = body;
  let truncated = false;
  for (const coding of contentCodings(header)) {
    const decoder = DECODERS[coding];
    if (decoder === undefined) return { ok: false, reason: "undecodable-encoding" };
    const byRatio = Math.max(64 * 1024, bytes.length * MAX_EXPANSION_RATIO);
    const cap = Math.min(MAX_DECODED_BODY, byRatio);
    const whole = decodeUpTo(decoder, bytes, cap);
    if (whole === "undecodable") return { ok: false, reason: "undecodable-encoding" };
    if (whole !== "too-large") {
      bytes = whole;
      continue;
    }
    // More than the cap from all of it: past the ratio, a bomb; else a large body, of
    // which the longest input prefix whose output fits is decoded.
    if (cap === byRatio) return { ok: false, reason: "compression-bomb" };
    const prefix = longestPrefixThatFits(decoder, bytes, cap);
    if (prefix === "bomb") return { ok: false, reason: "compression-bomb" };
    if (prefix === "undecodable") return { ok: false, reason: "undecodable-encoding" };
    truncated = true;
    bytes = prefix;
  }
  return { ok: true, bytes, truncated };
}

function decodeUpTo(decoder: Decoder, input: Uint8Array, cap: number): Buffer | "too-large" | "undecodable" {
  try {
    return decoder(input, cap);
  } catch (error) {
    return isTooLarge(error) ? "too-large" : "undecodable";
  }
}

/** By default, the search for the prefix to decode stops when its bounds are this close
 * (a fraction of the input): the output is then at least ~15/16 of the cap. */
const PREFIX_PRECISION = 16;

/**
 * The output of the longest prefix of `input` (to within 1/{@link PREFIX_PRECISION}
 * of it) that decodes to at most `cap` bytes: a bisection, each step a decode of at
 * most `cap`. Halving the input until its output fitted (what this replaces) kept as
 * little as half the cap: a gzip body decoding to 8.5 MiB had only ~4 MiB scanned, and
 * a key at 5 MiB went out under `dlp: block` (a hunt for leaks, this round). A bomb
 * when the prefix that fits expands past the ratio bound.
 */
function longestPrefixThatFits(decoder: Decoder, input: Uint8Array, cap: number): Buffer | "bomb" | "undecodable" {
  let fits = 0;
  let best: Buffer | undefined;
  let tooLarge = input.length;
  while (tooLarge - fits > Math.max(1, input.length / PREFIX_PRECISION)) {
    const middle = (fits + tooLarge) >> 1;
    const output = decodeUpTo(decoder, input.subarray(0, middle), cap);
    if (output === "too-large") tooLarge = middle;
    else if (output === "undecodable") return best ?? "undecodable";
    else {
      fits = middle;
      best = output;
    }
  }
  if (best === undefined || best.length / Math.max(1, fits) > MAX_EXPANSION_RATIO) return "bomb";
  return best;
}
