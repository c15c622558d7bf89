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
 * the ratio the body is refused (`compression-bomb`); past the size, a shorter input
 * prefix is decoded instead and the result is marked truncated.
 */
export function decodeContent(body: Uint8Array, header: string | undefined): DecodedBody {
  let bytes = body;
  let truncated = false;
  for (const coding of contentCodings(header)) {
    const decoder = DECODERS[coding];
    if (decoder === undefined) return { ok: false, reason: "undecodable-encoding" };
    const byRatio = Math.max(64 * 1024, bytes.length * MAX_EXPANSION_RATIO);
    let input = bytes;
    for (;;) {
      try {
        bytes = decoder(input, Math.min(MAX_DECODED_BODY, byRatio));
        break;
      } catch (error) {
        if (!isTooLarge(error)) return { ok: false, reason: "undecodable-encoding" };
        // More than the cap from this much input: past the ratio, a bomb; else a large
        // body, of which a shorter input prefix is decoded (halving bounds the retries).
        const cap = Math.min(MAX_DECODED_BODY, byRatio);
        if (cap / input.length > MAX_EXPANSION_RATIO || cap === byRatio) return { ok: false, reason: "compression-bomb" };
        truncated = true;
        input = input.subarray(0, input.length >> 1);
      }
    }
  }
  return { ok: true, bytes, truncated };
}
