import type { Duplex } from "node:stream";
import type { AuditLog } from "./audit.ts";
import type { LookupAll } from "./egress/resolve.ts";
import type { GateGeneration } from "./gate-generation.ts";
import type { PrefixBudget } from "./pipeline/prefix-budget.ts";
import type { TlsTermination } from "./tls/tls-termination.ts";

/** What every proxy-port handler reads: the live generation, the audit log, the resolver, the gate's bounds. */
export interface GateContext {
  /** The generation in force now; read once per request. */
  generation(): GateGeneration;
  audit: AuditLog;
  lookup: LookupAll;
  /** Extra CA certificates (PEM) trusted for upstream TLS; by default, the system store only. */
  upstreamCa?: string[];
  /** The gate-wide budget for request-body prefixes held for DLP. */
  budget: PrefixBudget;
  /** By default, 30 s: how long a request body may stall while its prefix is read. */
  bodyIdleMs?: number;
  /** By default, 120 s: how long reading a request body's prefix may take in all. */
  bodyDeadlineMs?: number;
  /** By default, 10 s: how long a tunnel's client has to send its TLS ClientHello. */
  helloTimeoutMs?: number;
  /** By default, the policy's `dlp.scan_budget_ms`, else 500 ms: the scan time one request body or WebSocket frame may cost. */
  scanBudgetMs?: number;
  /** By default, 60 s: how long an inspected tunnel may sit between requests, or take to send one's head. */
  tunnelIdleMs?: number;
  /** Open tunnels, so shutdown can cut them and a reload can leave them be. */
  tunnels: Set<Duplex>;
  /** With `upstreamCa`: the default store (bundled roots and NODE_EXTRA_CA_CERTS) plus those, as fetch's `ca` replaces the store. */
  upstreamTrust?: string[];
  /** TLS termination for inspected CONNECTs (the gate's CA lives in it). */
  tls?: TlsTermination;
}
