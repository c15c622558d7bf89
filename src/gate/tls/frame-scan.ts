import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import type { ScanReport } from "../dlp/create-scanner.ts";
import { SLICE } from "../dlp/scan-body.ts";
import { DEFAULT_SCAN_BUDGET_MS } from "../dlp/scan-budget.ts";
import { dlpVerdict } from "../pipeline/dlp-verdict.ts";
import { scanBudget } from "../pipeline/inspect-body.ts";
import type { WebSocketFrame } from "./websocket-frames.ts";

/** What of a message's earlier frames is scanned again with its next one, so a secret split over frames is still whole once. */
const OVERLAP = 4 * 1024;

/** Whether an agent frame may go on, or why not (a `dlp:<kind>`, or `scan-incomplete`). */
export type FrameVerdict = { pass: true } | { pass: false; reason: string; incomplete: string[] };

const PASS: FrameVerdict = { pass: true };

/** DLP over one WebSocket connection's agent frames, in order. */
export interface FrameScan {
  /** The verdict at once for a frame within one slice, else a promise of it. */
  admit(frame: WebSocketFrame): FrameVerdict | Promise<FrameVerdict>;
  /** Under `dlp: warn`, the first finding's reason, once there was one. */
  readonly warned: string | undefined;
  /** Where scans of passed frames stopped short (under `dlp: warn`), for the audit line. */
  readonly incomplete: readonly string[];
}

/**
 * Scans agent frames as request bodies are scanned: through the scanner's sliced
 * `scanRequest` (the gate-wide scheduler, so a hostile 8 MiB frame yields the loop to
 * other clients, and the same per-scan budget), a data frame together with the tail of
 * its message's earlier frames (a secret split over fragments, or over the pieces a
 * long frame is read in, is found). A scan that
 * could not finish under `dlp: block` fails closed (`scan-incomplete`): the frame is
 * not one the gate saw whole, and a synchronous scan that dropped that news let an
 * 8 MiB frame with a held secret at its end through (review round 2, finding 3). Under
 * `dlp: warn` it passes and is noted.
 */
export function createFrameScan(context: GateContext, generation: GateGeneration): FrameScan {
  let tail: Buffer = Buffer.alloc(0);
  // The tail carried over covers the longest held form too (a long key percent-encoded
  // can be longer than the overlap), so no form is whole in neither scan.
  const overlap = Math.max(OVERLAP, ...generation.scanner.held.exact.map((form) => form.length));
  let warned: string | undefined;
  const incomplete = new Set<string>();
  const budget = scanBudget(context, generation);
  // A message's fragments shorter than the tail share one scan budget: each is scanned
  // with the tail of the ones before, so 2,000 one-byte fragments (7 bytes each on the
  // wire) cost 2,000 scans of 4 KiB, 2 s of the gate's CPU for 18 KB sent (a hunt, this
  // round). Longer fragments are not charged: their scan is mostly their own bytes (a
  // 16 MiB upload in 16 KiB fragments must pass), and past the budget the rest of the
  // message is not scanned at all (it fails closed under `dlp: block`).
  const messageBudgetMs = budget.maxScanMs ?? DEFAULT_SCAN_BUDGET_MS;
  let messageSpentMs = 0;
  const decide = (report: ScanReport): FrameVerdict => {
    const verdict = dlpVerdict(report.findings, generation.dlpAction);
    if (verdict.action === "block") return { pass: false, reason: verdict.reason, incomplete: report.incomplete };
    if (report.incomplete.length > 0 && generation.dlpAction === "block") return { pass: false, reason: "scan-incomplete", incomplete: report.incomplete };
    for (const part of report.incomplete) incomplete.add(part);
    if (verdict.action === "warn") warned ??= verdict.reason;
    return PASS;
  };
  return {
    get warned() {
      return warned;
    },
    get incomplete() {
      return [...incomplete];
    },
    admit(frame) {
      if (generation.dlpAction === "off") return PASS;
      const data = frame.opcode <= 2;
      const continues = data && tail.length > 0;
      const scanned = continues ? Buffer.concat([tail, frame.payload]) : frame.payload;
      // A message goes on past a frame without `fin`, and past a piece of a long frame.
      const ends = frame.fin && frame.partial !== true;
      if (data) tail = ends ? Buffer.alloc(0) : scanned.subarray(Math.max(0, scanned.length - overlap));
      const contentType = frame.opcode === 2 ? "application/octet-stream" : "text/plain";
      const small = data && continues && frame.payload.length < overlap;
      if (small && messageSpentMs > messageBudgetMs) {
        if (ends) messageSpentMs = 0;
        return decide({ findings: [], incomplete: ["scan-budget"] });
      }
      // Scans at once are charged what they took; a sliced one has a budget of its own
      // (its wall time includes other clients' slices).
      const charge = (report: ScanReport, spentMs = 0): FrameVerdict => {
        if (small) messageSpentMs += spentMs;
        const over = messageSpentMs > messageBudgetMs && !report.incomplete.includes("scan-budget");
        if (ends) messageSpentMs = 0;
        return decide(over ? { findings: report.findings, incomplete: [...report.incomplete, "scan-budget"] } : report);
      };
      // A frame within one slice is scanned at once, as a request's target and headers
      // are: one slice costs a few ms at worst (so it never stops short), and a
      // scheduler turn per message more than doubled a 1 KiB round trip's added cost.
      if (scanned.length <= SLICE) {
        const started = performance.now();
        const findings = generation.scanner.scanBody(scanned, contentType, undefined, continues);
        return charge({ findings, incomplete: [] }, performance.now() - started);
      }
      return generation.scanner.scanRequest({ body: scanned, contentType, continues }, budget).then((report) => charge(report));
    },
  };
}
