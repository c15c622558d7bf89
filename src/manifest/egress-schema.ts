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

/**
 * An allow/deny entry: `*` (every host), `*.example.com` (its subdomains), a host name,
 * or an IP literal. A URL or `host:port` is refused here rather than silently never
 * matching at the gate.
 */
export const HostPatternSchema = v.pipe(
  v.string(),
  v.regex(
    /^(?:\*|(?:\*\.)?[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?|\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]?)$/,
    "not a host pattern: use a host name (github.com), *.github.com for its subdomains, an IP, or *",
  ),
);

/** DLP: `block` refuses a request carrying a secret, `warn` logs and forwards, `off` skips scanning. */
export const DlpSchema = v.strictObject({
  action: v.optional(v.picklist(["block", "warn", "off"], "block | warn | off"), "block"),
});

/** TLS inspection, method/path allow rules and injected credentials (tls-schema.ts). */
const TLS = tlsEgressSchemas(HostPatternSchema);

/** A bottle's egress policy, and the `egress` of a gate config: the same shape. */
export const EgressSchema = v.pipe(v.strictObject({
  allow: v.optional(v.pipe(v.array(v.union([HostPatternSchema, TLS.AllowRuleSchema])), v.description("Hosts the agent may reach: github.com, *.github.com, or *.")), []),
  deny: v.optional(v.pipe(v.array(HostPatternSchema), v.description("Hosts refused even when allowed.")), []),
  allow_cidrs: v.optional(v.pipe(v.array(v.string()), v.description("Private address ranges the agent may reach, e.g. 10.1.0.0/16.")), []),
  routes: v.optional(v.pipe(v.array(RouteSchema), v.description("Auth-injecting routes: http://gate:PORT/r/<name>/… → upstream.")), []),
  dlp: v.optional(DlpSchema, { action: "block" }),
  tls: v.optional(TLS.TlsSchema),
  credentials: v.optional(v.pipe(v.array(TLS.CredentialSchema), v.description("Headers injected into inspected HTTPS requests to a host; the agent never holds them."))),
}), v.check((egress) => inspectionProblem(egress) === undefined, (issue) => inspectionProblem(issue.input as never) ?? "tls inspection"));

export type Egress = v.InferOutput<typeof EgressSchema>;
export type Route = v.InferOutput<typeof RouteSchema>;
