import type { AuditLog } from "./audit.ts";
import type { LookupAll } from "./egress/resolve.ts";
import type { GateGeneration } from "./gate-generation.ts";

/** What every request handler reads: the live generation, the audit log, the resolver. */
export interface GateContext {
  /** The generation in force now; read once per request. */
  generation(): GateGeneration;
  audit: AuditLog;
  lookup: LookupAll;
  /** Extra CA certificates (PEM) trusted for upstream TLS; by default, the system store only. */
  upstreamCa?: string[];
}
