import * as v from "valibot";

/** A request id: `req-` and 10 base32 letters; validated before it touches a path. */
export const REQUEST_ID = /^req-[a-z2-7]{10}$/;

/** The tools whose calls become requests a person decides. */
export const REQUEST_TOOLS = ["request-egress", "propose-dockerfile"] as const;

/** One request as the gate wrote it: `<requests>/<id>.json`, mode 0600, written once. */
export const SuperviseRequestSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(REQUEST_ID)),
  /** When the agent asked (ISO 8601). */
  time: v.string(),
  /** After this moment (ISO 8601), an undecided request counts as denied (`expired`). */
  expires_at: v.string(),
  tool: v.picklist(REQUEST_TOOLS),
  /** The tool's arguments, as validated by the gate. */
  arguments: v.record(v.string(), v.unknown()),
  justification: v.string(),
});

/** A person's (or the gate's, when no one can attend) decision: `<id>.decision.json`, written once. */
export const DecisionSchema = v.strictObject({
  status: v.picklist(["approved", "denied"]),
  /** The person's note, handed to the agent with the answer. */
  note: v.optional(v.string()),
  time: v.string(),
  /** `person` (bottle approve/deny/supervise) or `gate` (denied at once, unattended). */
  by: v.picklist(["person", "gate"]),
  /** `approve --save` also wrote the host into the manifest. */
  saved: v.optional(v.boolean()),
});

/** A request as validated. */
export type SuperviseRequest = v.InferOutput<typeof SuperviseRequestSchema>;
/** A decision as validated. */
export type Decision = v.InferOutput<typeof DecisionSchema>;

/** Where a request stands; `expired` counts as denied. */
export type RequestStatus = "pending" | "approved" | "denied" | "expired";

/** A request with its decision, if any, and the status they add up to. */
export interface RequestView {
  request: SuperviseRequest;
  decision?: Decision;
  status: RequestStatus;
}

/** The status of a request at `now`: its decision, or `expired` past `expires_at`, else `pending`. */
export function requestStatus(request: SuperviseRequest, decision: Decision | undefined, now: number = Date.now()): RequestStatus {
  if (decision !== undefined) {
    // A decision written after expiry came too late: the agent was already told "denied".
    if (Date.parse(decision.time) > Date.parse(request.expires_at)) return "expired";
    return decision.status;
  }
  return now > Date.parse(request.expires_at) ? "expired" : "pending";
}
