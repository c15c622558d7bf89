import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { AuditLog } from "../audit.ts";
import type { Egress } from "../../manifest/egress-schema.ts";
import type { GateConfig } from "../config-schema.ts";

/**
 * One exchange on the proxy port, as the dispatcher hands it to a service: an HTTP
 * request (absolute-form to the egress proxy, origin-form to a route), or a `CONNECT`
 * with the raw client socket and the bytes that came after the request head.
 */
export type ProxyExchange =
  | { kind: "http"; req: IncomingMessage; res: ServerResponse }
  | { kind: "connect"; req: IncomingMessage; socket: Duplex; head: Buffer };

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
  /**
   * Proxy-port services only: whether this service takes the exchange. The dispatcher
   * asks each service in order and hands the exchange to the first that matches.
   */
  match?(exchange: ProxyExchange): boolean;
  /** Proxy-port services only: answers a matched exchange through the gate's one pipeline. */
  handle?(exchange: ProxyExchange): Promise<void>;
  /**
   * Secret values this service holds (a git token, a key), read at start and on each
   * reload: the gate's DLP refuses them on the way out and redacts them from what
   * comes back. By default, none.
   */
  heldSecrets?(): string[];
  /**
   * Widens or narrows the config's egress before the gate builds a generation from it
   * (supervise adds the hosts a person approved); by default the service leaves it.
   */
  extendEgress?(egress: Egress): Egress;
  /** A new config generation: applies to new requests; what is in flight keeps going. */
  reload(config: GateConfig): void;
  /** The gate is stopping: finish or cut what is in flight. */
  close(): Promise<void>;
}

/** Makes a service from the gate's config; `undefined` when the config does not enable it. */
export type GateServiceFactory = (config: GateConfig, context: GateServiceContext) => GateService | undefined;
