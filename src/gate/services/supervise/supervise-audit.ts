import type { AuditEntry } from "../../audit.ts";
import type { RequestView } from "./request-schema.ts";

/** What a request is about, for the audit line's `host`: the host asked for, or `dockerfile`. */
function subject(view: RequestView): string {
  const host = view.request.arguments.host;
  return view.request.tool === "request-egress" && typeof host === "string" ? host : "dockerfile";
}

/**
 * The audit line of a request (`supervise:requested`, 202) or of its outcome
 * (`supervise:approved` 200, `supervise:denied`/`supervise:unattended`/`supervise:expired`
 * 403, the last three as `block` so `logs --blocked` shows them). Justifications stay
 * out of the log: the request file holds them. The host is the agent's text and goes
 * through `redactHost` (a host spelling a hex-encoded token was logged raw, a hunt of
 * this round; the same name as a CONNECT was logged redacted).
 */
export function superviseAuditEntry(view: RequestView, client: string, event: "requested" | "decided", redactHost: (host: string) => string = (host) => host): AuditEntry {
  const { request, decision, status } = view;
  const reason =
    event === "requested" ? "supervise:requested"
    : status === "expired" ? "supervise:expired"
    : status === "denied" && decision?.by === "gate" ? "supervise:unattended"
    : `supervise:${status}`;
  const approved = event === "decided" && status === "approved";
  return {
    time: new Date().toISOString(),
    client,
    method: "MCP",
    host: redactHost(subject(view)),
    path: `/mcp/${request.tool}`,
    decision: event === "requested" || approved ? "allow" : "block",
    reason,
    status: event === "requested" ? 202 : approved ? 200 : 403,
    bytes_up: 0,
    bytes_down: 0,
    duration_ms: event === "requested" ? 0 : Math.max(0, Date.now() - Date.parse(request.time)),
    supervise: {
      request: request.id,
      tool: request.tool,
      ...(event === "decided" && decision !== undefined ? { by: decision.by } : {}),
      ...(event === "decided" && decision?.note !== undefined ? { note: decision.note } : {}),
    },
  };
}
