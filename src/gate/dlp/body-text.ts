/** By default, pattern scanning reads at most the first 1 MiB of a body: enough for
 * any API request an agent makes, bounded so a huge upload can't stall the proxy.
 * Held secrets are still searched for in all the bytes `scanBody` is given (plain byte
 * search); the proxy reads only this much of a request body before streaming the rest. */
export const MAX_SCANNED_BODY = 1024 * 1024;

/** Content types whose bytes are not text: no pattern scan, held secrets only. */
const BINARY_TYPES =
  /^(?:image|audio|video|font)\/|^application\/(?:octet-stream|zip|gzip|x-gzip|x-tar|x-xz|zstd|x-bzip2|pdf|wasm|x-protobuf|protobuf|grpc|vnd\.apple\.|x-7z)/i;

/** Whether a body of this content type is binary (an absent type counts as text,
 * so leaving the header out doesn't skip the scan). */
export function isBinaryContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && BINARY_TYPES.test(contentType.trim());
}

/** Whether the body is form-encoded (`a=1&b=2`, percent- and `+`-encoded). */
export function isFormContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/x-www-form-urlencoded/i.test(contentType.trim());
}

/**
 * The string values and keys of a JSON text, joined by newlines, when the text uses
 * JSON escapes (`\u002d`, `\/`) that could hide a credential from a raw scan; an
 * unescaped JSON body already contains its strings verbatim, so we skip the parse.
 */
export function jsonStringsIfEscaped(text: string): string | undefined {
  if (!text.includes("\\u") && !text.includes("\\/")) return undefined;
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[" && first !== '"') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === "string") strings.push(value);
    else if (Array.isArray(value)) for (const item of value) walk(item);
    else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        strings.push(key);
        walk(item);
      }
    }
  };
  walk(parsed);
  return strings.join("\n");
}
