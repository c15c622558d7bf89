/**
 * Bytes from a size as Docker prints it (go-units' HumanSize: decimal units, `24.58kB`,
 * `1.2GB`, `0B`); undefined for anything else.
 */
export function parseSizeText(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kKMGTP]?)B$/.exec(text.trim());
  if (match === null) return undefined;
  const power = { "": 0, k: 1, K: 1, M: 2, G: 3, T: 4, P: 5 }[match[2]! as "" | "k" | "K" | "M" | "G" | "T" | "P"];
  return Math.round(Number(match[1]) * 1000 ** power);
}
