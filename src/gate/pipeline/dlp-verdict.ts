import type { Finding } from "../dlp/create-scanner.ts";
import type { GateGeneration } from "../gate-generation.ts";

/** What DLP decided about one request: nothing seen, seen and forwarded, or refused. */
export type DlpVerdict = { action: "pass" } | { action: "warn" | "block"; reason: string };

/**
 * Where a scan stopped because of what the body cost, not how large it is: an agent
 * can make a small body cost the whole budget before the part that holds the secret
 * (a few hundred KiB of hostile text, `bench/dlp`), so under `block` a body whose
 * scan stopped there is refused (`scan-incomplete`), as a WebSocket frame is. Size
 * stops (`body-prefix`, `body-size`, `decoded-size`) let large uploads through, as
 * the README says.
 */
const COST_STOPS: ReadonlySet<string> = new Set(["scan-budget"]);

/**
 * Turns findings into a decision under the generation's `dlp.action`. The reason
 * names the first finding's kind (`dlp:anthropic-key`), never the secret; with none,
 * a scan stopped by its cost under `block` is `scan-incomplete`.
 */
export function dlpVerdict(findings: readonly Finding[], action: GateGeneration["dlpAction"], incomplete: readonly string[] = []): DlpVerdict {
  if (action === "off") return { action: "pass" };
  const first = findings[0];
  if (first !== undefined) return { action, reason: `dlp:${first.kind}` };
  if (action === "block" && incomplete.some((part) => COST_STOPS.has(part))) return { action: "block", reason: "scan-incomplete" };
  return { action: "pass" };
}
