import type { AuditLog } from "../audit.ts";
import type { GateConfig } from "../config-schema.ts";
import type { Egress } from "../../manifest/egress-schema.ts";

/**
 * What a gate service is handed when the gate starts: the audit log every decision
 * goes to, the gate's environment (secrets by name), and where its state may live.
 */
export interface GateServiceContext {
  audit: AuditLog;
  /** The gate's environment: where held secrets (`${NAME}`) are read, by name. */
  env: Record<string, string | undefined>;
  /** A folder this service may keep state in (mirrors, requests); by default none. */
  stateDir?: string;
  /**
   * Asks the gate to rebuild its policy generation now (a supervise approval changed
   * what {@link GateService.extendEgress} returns); by default the gate has no hook.
   */
  onPolicyChange?: () => void;
}

/**
 * The one contract through which a service plugs into the gate.
 *
 * Services that speak HTTP to the agent directly (git smart HTTP, the supervise MCP
 * server) answer on the **control port**, served by `Bun.serve`, under a path prefix
 * of their own (`/git/`, `/mcp`); `/healthz` there lists every service's `name` and is
 * ready only when every listener is bound. Services on the **proxy port** (egress,
 * routes) are dispatched by the proxy through the same pipeline (policy → DLP →
 * resolve → connect → relay → audit); they never copy it.
 */
export interface GateService {
  /** Listed by `/healthz` (`egress`, `routes`, `git`, `supervise`, `tls`). */
  readonly name: string;
  /** Control-port requests under this prefix go to `fetch`; by default the service has none. */
  readonly controlPrefix?: string;
  /** Answers one control-port request (web-standard, as `Bun.serve` gives it). */
  fetch?(request: Request, client: { address: string }): Promise<Response>;
  /** A new config generation: applies to new requests; what is in flight keeps going. */
  reload(config: GateConfig): void;
  /**
   * Widens or narrows the config's egress before the gate builds a generation from it
   * (supervise adds the hosts a person approved); by default the service leaves it.
   */
  extendEgress?(egress: Egress): Egress;
  /** The gate is stopping: finish or cut what is in flight. */
  close(): Promise<void>;
}

/** Makes a service from the gate's config; `undefined` when the config does not enable it. */
export type GateServiceFactory = (config: GateConfig, context: GateServiceContext) => GateService | undefined;
