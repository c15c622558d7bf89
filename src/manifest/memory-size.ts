import * as v from "valibot";

/**
 * What `docker run --memory` reads (go-units' RAMInBytes, Docker 20.10): a number, an
 * optional space, then an optional unit `k m g t p` with an optional `i` and `b`, in
 * any case, all binary (`4gb`, `4GiB`, `4g` are the same 4 GiB).
 */
const DOCKER_SIZE = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/;

/**
 * A size as docker spells it, turned into the one form every backend reads: digits and
 * a lowercase `k`/`m`/`g` (`4GiB` → `4g`, `2t` → `2048g`, `1073741824` stays bytes).
 */
export function normalizeMemory(text: string): string {
  const match = DOCKER_SIZE.exec(text.trim());
  if (match === null) return text;
  const [, amount = "0", unit = ""] = match;
  const lower = unit.toLowerCase();
  if (lower === "t" || lower === "p") return `${Number(amount) * 1024 ** (lower === "t" ? 1 : 2)}g`;
  return `${amount}${lower}`;
}

/** `resources.memory`: a size as docker takes it, normalized (see {@link normalizeMemory}). */
export const MemorySchema = v.pipe(
  v.string(),
  v.regex(DOCKER_SIZE, "expected a size such as 512m, 4g, 4gb or 4GiB"),
  v.transform(normalizeMemory),
);
