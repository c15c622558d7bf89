import type { AuditLog } from "./audit.ts";
import type { LookupAll } from "./egress/resolve.ts";
import type { GateGeneration } from "./gate-generation.ts";
import type { TlsTermination } from "./tls/tls-termination.ts";

/** What every request handler reads: the live generation, the audit log, the resolver. */
export interface GateContext {
  /** The generation in force now; read once per request. */
  generation(): GateGeneration;
  audit: AuditLog;
  lookup: LookupAll;
  /** Extra CA certificates (PEM) trusted for upstream TLS; by default, the system store only. */
  upstreamCa?: string[];
  /** With `upstreamCa`: the default store (bundled roots and NODE_EXTRA_CA_CERTS) plus those, as fetch's `ca` replaces the store. */
  upstreamTrust?: string[];
  /** TLS termination for inspected CONNECTs (the gate's CA lives in it). */
  tls?: TlsTermination;
}
