import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_SCANNED_BODY } from "../dlp/body-text.ts";
import type { ScanInput } from "../dlp/create-scanner.ts";
import type { ScanBudget } from "../dlp/scan-budget.ts";
import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { readBodyPrefix, type BodyPrefix } from "./read-body-prefix.ts";
import type { Inspection, Stop } from "./run-pipeline.ts";

/**
 * Reads a request body's prefix for the DLP step under the gate's bounds, and gives
 * the budget back once the upstream has the prefix or has answered (`release`, which
 * the relay calls), at the latest when the exchange ends: held to the end, 32 answers
 * an origin kept open held the whole budget, and every later body was refused `busy`
 * (a hunt, this round). Stops: 408 for a body that stalled or came
 * too slowly, 503
 * `busy` when the gate-wide budget is spent, and status 0 (nothing to answer, one
 * audit line) for a client that hung up mid-body.
 */
export async function inspectBody(context: GateContext, req: IncomingMessage, res: ServerResponse): Promise<BodyPrefix | Stop> {
  const { read, release } = readBodyPrefix(req, { limit: MAX_SCANNED_BODY, budget: context.budget, idleMs: context.bodyIdleMs, deadlineMs: context.bodyDeadlineMs });
  res.once("close", release);
  const result = await read;
  if (result.ok) return { ...result.body, release };
  if (result.why === "busy") {
    return { status: 503, decision: "error", reason: "busy", text: "bottle gate: too many request bodies in flight, try again" };
  }
  if (result.why === "timeout") {
    return { status: 408, decision: "error", reason: "body-timeout", text: "bottle gate: the request body stalled" };
  }
  if (result.why === "too-slow") {
    return { status: 408, decision: "error", reason: "body-too-slow", text: "bottle gate: the request body came too slowly" };
  }
  return { status: 0, decision: "error", reason: "client-closed", text: "" };
}

/** The per-scan budget: the gate's `scanBudgetMs` option when set (tests), else the
 * policy's `dlp.scan_budget_ms`, else the scanner's default. */
export function scanBudget(context: GateContext, generation: GateGeneration): Partial<ScanBudget> {
  const maxScanMs = context.scanBudgetMs ?? generation.scanBudgetMs;
  return maxScanMs === undefined ? {} : { maxScanMs };
}

/**
 * Scans a request with the prefix `inspectBody` read, through the gate-wide scheduler
 * (a hostile body yields the loop to other clients) under the gate's budget: the
 * inspection the pipeline judges, with `body-prefix` where the body was longer.
 */
export async function scanWithBody(context: GateContext, generation: GateGeneration, request: Omit<ScanInput, "body" | "bodyTruncated">, body: BodyPrefix): Promise<Inspection> {
  const report = await generation.scanner.scanRequest({ ...request, body: body.prefix, bodyTruncated: !body.complete }, scanBudget(context, generation));
  const incomplete = body.complete ? report.incomplete : ["body-prefix", ...report.incomplete];
  return { findings: report.findings, bytesUp: body.prefix.length, incomplete };
}
