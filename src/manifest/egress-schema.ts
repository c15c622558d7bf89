import * as v from "valibot";
import { NameSchema } from "./name-schema.ts";
import { inspectionProblem, tlsEgressSchemas } from "./tls-schema.ts";

/** Roles a route can play; `claude_code_oauth` marks the Claude route (at most one per bottle). */
export const ROUTE_ROLES = ["claude_code_oauth"] as const;

/** The header a route injects; `${NAME}` in `value` is read from the gate's environment. */
export const InjectSchema = v.strictObject({
  header: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]+$/, "not a valid header name: use letters, digits and '-'")),
  value: v.string(),
});

/** An auth-injecting reverse route: `http://gate:PORT/r/<name>/…` → `upstream`. */
export const RouteSchema = v.strictObject({
  name: NameSchema,
  upstream: v.pipe(v.string(), v.url("expected an absolute URL such as https://api.anthropic.com")),
  roles: v.optional(v.array(v.picklist(ROUTE_ROLES, `a role (${ROUTE_ROLES.join(" | ")})`)), []),
  inject: v.optional(InjectSchema),
});

const HOST_NAME = String.raw`(?:\*\.)?[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?`;
const IPV6 = String.raw`[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*`;
const HOST_PATTERN = new RegExp(`^(?:\\*|${HOST_NAME}|\\[?${IPV6}\\]?)$`);
/** A port from 1 to 65535, without leading zeros. */
const PORT = String.raw`(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])`;
/** `host:443,8443`, `*.x.com:8443`, `[v6]:443`; IPv6 needs brackets before a port. */
const ALLOW_ENTRY = new RegExp(`^(\\*|${HOST_NAME}|\\[${IPV6}\\]):(${PORT}(?:,${PORT})*)$`);
/** An allow entry as one pattern (the JSON Schema carries it for editors). */
const ALLOW_PATTERN = new RegExp(`${HOST_PATTERN.source}|${ALLOW_ENTRY.source}`);

/**
 * A deny entry: `*` (every host), `*.example.com` (its subdomains), a host name,
 * or an IP literal. A URL or `host:port` is refused here rather than silently never
 * matching at the gate.
 */
export const HostPatternSchema = v.pipe(
  v.string(),
  v.regex(HOST_PATTERN, "not a host pattern: use a host name (github.com), *.github.com for its subdomains, an IP, or *"),
);

/** An allow entry split into its host pattern and, when it names them, its tunnel ports. */
export interface AllowEntry {
  pattern: string;
  /** Ports `CONNECT` may reach; by default (none named), 443 only. */
  ports: number[] | undefined;
}

/** Reads an allow entry (`github.com`, `*.x.com:443,8443`, `[::1]:8443`); undefined when it is not one. */
export function parseAllowEntry(text: string): AllowEntry | undefined {
  const match = ALLOW_ENTRY.exec(text);
  if (match === null) return HOST_PATTERN.test(text) ? { pattern: text, ports: undefined } : undefined;
  return { pattern: match[1]!, ports: match[2]!.split(",").map(Number) };
}

/**
 * An allow entry: a host pattern as for deny, optionally with the ports `CONNECT`
 * tunnels may reach (`host:8443`, `*.x.com:443,8443`). By default, tunnels reach
 * port 443 only; plain HTTP requests (scanned whole by DLP) reach any port of an
 * allowed host.
 */
export const AllowEntrySchema = v.pipe(
  v.string(),
  v.regex(ALLOW_PATTERN, (issue) => allowEntryProblem(issue.input as string)),
);

/** What is wrong with an allow entry the pattern refused: its ports when the host is
 * fine (`registry.npmjs.org:99999`), else the entry. */
function allowEntryProblem(text: string): string {
  const ported = /^(\[[^\]]*\]|[^:]*):([0-9,]+)$/.exec(text);
  if (ported !== null && HOST_PATTERN.test(ported[1] as string)) {
    const bad = (ported[2] as string).split(",").filter((port) => !new RegExp(`^${PORT}$`).test(port));
    if (bad.length > 0) return `not a port: ${bad.map((port) => JSON.stringify(port)).join(", ")} (tunnel ports are 1–65535, comma-separated: github.com:443,8443)`;
  }
  return "not an allow entry: use a host name (github.com), *.github.com, an IP or *, optionally with tunnel ports (github.com:443,8443)";
}

/** The scan time one request body or WebSocket frame may cost, in ms: at least 10, at most a minute. */
export const SCAN_BUDGET_MS = { min: 10, max: 60_000 } as const;

/** DLP: `block` refuses a request carrying a secret, `warn` logs and forwards, `off` skips scanning. */
export const DlpSchema = v.strictObject({
  action: v.optional(v.picklist(["block", "warn", "off"], "block | warn | off"), "block"),
  scan_budget_ms: v.optional(
    v.pipe(
      v.number("a number of milliseconds"),
      v.integer((issue) => `a whole number of milliseconds (got ${issue.input})`),
      v.minValue(SCAN_BUDGET_MS.min, (issue) => `at least ${SCAN_BUDGET_MS.min} ms (got ${issue.input})`),
      v.maxValue(SCAN_BUDGET_MS.max, (issue) => `at most ${SCAN_BUDGET_MS.max} ms (got ${issue.input})`),
      v.description("The scan time one request body or WebSocket frame may cost (default 500 ms). Under block, a body the scan could not finish in it is refused (403 scan-incomplete); under warn it goes on, noted in its audit line."),
    ),
  ),
});

/** TLS inspection, method/path allow rules and injected credentials (tls-schema.ts). */
const TLS = tlsEgressSchemas(HostPatternSchema, AllowEntrySchema);

/** A bottle's egress policy, and the `egress` of a gate config: the same shape. */
export const EgressSchema = v.pipe(v.strictObject({
  allow: v.optional(
    v.pipe(v.array(v.union([AllowEntrySchema, TLS.AllowRuleSchema])), v.description("Hosts the agent may reach: github.com, *.github.com, or *; HTTPS tunnels reach port 443 unless ports are named (host:443,8443).")),
    [],
  ),
  deny: v.optional(v.pipe(v.array(HostPatternSchema), v.description("Hosts refused even when allowed.")), []),
  allow_cidrs: v.optional(v.pipe(v.array(v.string()), v.description("Private address ranges the agent may reach, e.g. 10.1.0.0/16.")), []),
  routes: v.optional(v.pipe(v.array(RouteSchema), v.description("Auth-injecting routes: http://gate:PORT/r/<name>/… → upstream.")), []),
  dlp: v.optional(DlpSchema, { action: "block" }),
  tls: v.optional(TLS.TlsSchema),
  credentials: v.optional(v.pipe(v.array(TLS.CredentialSchema), v.description("Headers injected into inspected HTTPS requests to a host; the agent never holds them."))),
}), v.check((egress) => inspectionProblem(egress) === undefined, (issue) => inspectionProblem(issue.input as never) ?? "tls inspection"));

export type Egress = v.InferOutput<typeof EgressSchema>;
export type Route = v.InferOutput<typeof RouteSchema>;
