import { beginAudit, type AuditEntry, type AuditStart } from "../audit.ts";
import type { Finding } from "../dlp/create-scanner.ts";
import { describeAddressClass } from "../egress/classify-address.ts";
import { resolveChecked, type RefusedAddress } from "../egress/resolve.ts";
import type { GateContext } from "../gate-context.ts";
import type { GateGeneration } from "../gate-generation.ts";
import { dlpVerdict } from "./dlp-verdict.ts";
import { blockText } from "./respond.ts";

/**
 * The gate ends an exchange itself: what the client is answered and what the audit
 * line says. A 403 is a policy decision (`block`, with `X-Bottle-Block: reason`);
 * anything else is an `error`. Status 0: the client is gone and gets nothing.
 */
export interface Stop {
  status: number;
  decision: "block" | "error";
  reason: string;
  text: string;
}

/** What the policy step lets through: the host to resolve, and how refusals name it. */
export interface Admitted {
  host: string;
  /** The host as a refusal's text names it (a tunnel's DLP refusal must not echo it). */
  shown: string;
}

/** What DLP saw in what the exchange sends, how many bytes it read to see it, and where it stopped short. */
export interface Inspection {
  findings: Finding[];
  bytesUp?: number;
  incomplete?: string[];
}

/** The address the pipeline checked, for the relay to connect to (never the name again). */
export interface Checked {
  address: string;
  family: 4 | 6;
  /** Set when DLP saw something under `dlp: warn` and let it through. */
  warned: string | undefined;
}

/** What a service supplies to the pipeline: each step's part that differs per exchange. */
export interface PipelineSteps {
  start: AuditStart;
  /** The client's socket, for the audit's client address. */
  client: { remoteAddress?: string | undefined; remotePort?: number | undefined };
  /** Answers the client when the gate stops the exchange. */
  answer(stop: Stop): void;
  /** Policy: where the exchange may go, or why not. */
  policy(generation: GateGeneration): Admitted | Stop;
  /** DLP (skipped under `dlp: off`): what the scanner finds in what is sent, or a Stop (a stalled body, the gate busy). */
  inspect(generation: GateGeneration): Promise<Inspection | Stop>;
  /** Connects to the checked address and relays; what the audit line says of the outcome. */
  relay(checked: Checked): Promise<Partial<AuditEntry>>;
}

function isStop(value: object): value is Stop {
  return "decision" in value;
}

/**
 * A refused address's text: what kind of range it lies in and who can let it through.
 * An allowed name whose DNS answer is private is often the network's doing (a filter
 * answering with a documentation address), and a bare `private-address` left the
 * agent and the person reading its output with no way to tell. The address itself is
 * left out: with `allow: ["*"]` the gate would be the agent's resolver of internal
 * names (it is in the audit line).
 */
function privateAddressText(host: string, refused: RefusedAddress): string {
  const what = describeAddressClass(refused.kind);
  const where = refused.resolved ? `it resolves to ${what}` : `${what}`;
  return `${blockText("private-address", host)}: ${where}; the gate connects to such an address only inside the bottle's egress.allow_cidrs`;
}

/**
 * The one request pipeline — policy → DLP → resolve → connect → relay → audit — that
 * the forward proxy, routes and tunnels all run. Each service supplies only the steps'
 * specifics; the order, the refusals' shape and the one audit line per exchange live
 * here. The generation is read once: a reload never changes an exchange midway.
 */
export async function runPipeline(context: GateContext, steps: PipelineSteps): Promise<void> {
  const generation = context.generation();
  const begun = beginAudit(context.audit, steps.client, steps.start);
  let incomplete: string[] | undefined;
  // Every line after the DLP step says where the scan stopped short, whatever the outcome.
  const finish = (changes: Partial<AuditEntry>) => begun(incomplete === undefined ? changes : { ...changes, scan_incomplete: incomplete });
  const stop = (result: Stop, bytesUp = 0) => {
    if (result.status !== 0) steps.answer(result);
    finish({ decision: result.decision, reason: result.reason, status: result.status, bytes_up: bytesUp });
  };

  const admitted = steps.policy(generation);
  if (isStop(admitted)) return stop(admitted);

  let warned: string | undefined;
  if (generation.dlpAction !== "off") {
    const inspection = await steps.inspect(generation);
    if (isStop(inspection)) return stop(inspection);
    if (inspection.incomplete !== undefined && inspection.incomplete.length > 0) incomplete = inspection.incomplete;
    const dlp = dlpVerdict(inspection.findings, generation.dlpAction, inspection.incomplete);
    if (dlp.action === "block") {
      return stop({ status: 403, decision: "block", reason: dlp.reason, text: blockText(dlp.reason, admitted.shown) }, inspection.bytesUp);
    }
    if (dlp.action === "warn") warned = dlp.reason;
  }

  const resolution = await resolveChecked(admitted.host, generation.policy, context.lookup);
  if (!resolution.ok) {
    if (resolution.status === 502) return stop({ status: 502, decision: "error", reason: resolution.reason, text: `bottle gate: cannot resolve ${admitted.host}` });
    steps.answer({ status: 403, decision: "block", reason: resolution.reason, text: privateAddressText(admitted.host, resolution.refused) });
    return finish({ decision: "block", reason: resolution.reason, status: 403, bytes_up: 0, address: resolution.refused.address });
  }

  let outcome: Partial<AuditEntry>;
  try {
    outcome = await steps.relay({ address: resolution.address, family: resolution.family, warned });
  } catch (error) {
    // Never let one bad exchange take the gate down, nor go unlogged.
    process.stderr.write(`bottle gate: relay failed: ${(error as Error)?.message ?? String(error)}\n`);
    steps.answer({ status: 502, decision: "error", reason: "internal-error", text: "bottle gate: internal error" });
    outcome = { decision: "error", reason: "internal-error", status: 502 };
  }
  finish(outcome);
}
