import type { Finding } from "../dlp/create-scanner.ts";
import type { GateGeneration } from "../gate-generation.ts";

/** What DLP decided about one request: nothing seen, seen and forwarded, or refused. */
export type DlpVerdict = { action: "pass" } | { action: "warn" | "block"; reason: string };

/**
 * Turns findings into a decision under the generation's `dlp.action`. The reason
 * names the first finding's kind (`dlp:anthropic-key`), never the secret.
 */
export function dlpVerdict(findings: readonly Finding[], action: GateGeneration["dlpAction"]): DlpVerdict {
  const first = findings[0];
  if (first === undefined || action === "off") return { action: "pass" };
  return { action, reason: `dlp:${first.kind}` };
}
