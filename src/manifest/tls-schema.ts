import * as v from "valibot";

/** What the host patterns of `egress` are checked with (egress-schema.ts hands in its own). */
type HostPattern = v.GenericSchema<string, string>;

/** `host:443,8443` without its ports (an allow entry may name tunnel ports). */
function withoutPorts(entry: string): string {
  return entry.replace(/^(\[[^\]]*\]|[^:[\]]*):\d+(?:,\d+)*$/, "$1");
}

const HEADER_NAME = /^[A-Za-z0-9-]+$/;

/**
 * The TLS pieces of `egress`, built around the egress schema's host pattern and allow
 * entry (passed in, so the two modules do not import each other):
 *
 * * `tls: { inspect, passthrough }` — by default (no `tls`, or no `inspect`), every
 *   allowed host is inspected except those matching `passthrough` (clients that pin
 *   certificates). `inspect: false` leaves every CONNECT an opaque tunnel.
 * * an `allow` entry `{ host, methods, paths }` — method and path rules for a host
 *   (`host` as a plain entry is written, tunnel ports included; an entry with neither
 *   rule allows the host like a plain string does).
 * * `credentials: [{ host, header, value }]` — a header injected into every inspected
 *   request to `host`, replacing what the agent sent; `${NAME}` is read from the
 *   gate's environment, so the agent never holds the value.
 */
export function tlsEgressSchemas(hostPattern: HostPattern, allowEntry: HostPattern) {
  const TlsSchema = v.strictObject({
    inspect: v.optional(
      v.pipe(v.boolean(), v.description("Terminate TLS in the gate (a CA per bottle) so HTTPS gets DLP, method/path rules and credentials. By default, true; false leaves HTTPS as opaque tunnels.")),
      true,
    ),
    passthrough: v.optional(v.pipe(v.array(hostPattern), v.description("Hosts tunnelled without inspection (clients that pin certificates).")), []),
  });

  const AllowRuleSchema = v.strictObject({
    host: allowEntry,
    methods: v.optional(
      v.pipe(
        v.array(v.pipe(v.string(), v.regex(/^[A-Z]+$/, "an HTTP method in upper case, such as GET"))),
        v.description("Methods allowed to this host; by default, every method. Binds HTTPS only while tls.inspect is on (the default)."),
      ),
    ),
    paths: v.optional(
      v.pipe(
        v.array(v.pipe(v.string(), v.regex(/^\/[^?#\s]*$/, "a path prefix starting with /, such as /repos/org/app/"))),
        v.description("Path prefixes allowed on this host (after dot segments are resolved); by default, every path."),
      ),
    ),
  });

  const CredentialSchema = v.strictObject({
    host: hostPattern,
    header: v.pipe(v.string(), v.regex(HEADER_NAME, "not a valid header name: use letters, digits and '-'")),
    value: v.pipe(v.string(), v.minLength(1, "a value, such as \"Bearer ${GH_TOKEN}\"")),
  });

  return { TlsSchema, AllowRuleSchema, CredentialSchema };
}

/** An `allow` entry with rules, as validated. */
export interface AllowRule {
  host: string;
  methods?: string[] | undefined;
  paths?: string[] | undefined;
}

/** An `allow` entry as a plain entry would be written (`host` or `host:ports`), whichever form it takes. */
export function allowEntryHost(entry: string | AllowRule): string {
  return typeof entry === "string" ? entry : entry.host;
}

/** The `tls` of a validated `egress`: absent when the manifest names none. */
type TlsInput = { tls?: { inspect: boolean; passthrough: string[] } | undefined };

/**
 * Whether a bottle's HTTPS is inspected: the one place the default is decided. By
 * default (no `tls`, or no `inspect`), yes; only `tls: { inspect: false }` turns it
 * off. A backend that installs the gate's CA in its agent reads this, and writes the
 * answer into its gate config with {@link gateTls}.
 */
export function inspectsTls(egress: TlsInput): boolean {
  return egress.tls?.inspect !== false;
}

/**
 * The `tls` a backend that installs the gate's CA writes into its gate config: the
 * bottle's decision made explicit. A gate whose config has no `tls` inspects nothing
 * (see tls-generation.ts), so a backend that cannot give its agent the CA yet, and
 * writes the manifest's egress as it is, never gets an agent that fails every handshake.
 */
export function gateTls(egress: TlsInput): { inspect: boolean; passthrough: string[] } {
  return { inspect: inspectsTls(egress), passthrough: [...(egress.tls?.passthrough ?? [])] };
}

/** What the inspection check reads of a validated `egress`. */
interface InspectionInput extends TlsInput {
  allow: (string | AllowRule)[];
  credentials?: { host: string }[] | undefined;
}

/**
 * Why an `egress` cannot work as written, or undefined: method/path rules and
 * credentials act only on requests the gate can read, so they need inspection on
 * (for HTTPS, which is almost all traffic) and must not name a passthrough host.
 */
export function inspectionProblem(egress: InspectionInput): string | undefined {
  const ruled = egress.allow.filter((entry): entry is AllowRule => typeof entry !== "string" && (entry.methods !== undefined || entry.paths !== undefined));
  const credentials = egress.credentials ?? [];
  const needing = [...ruled.map((rule) => `allow ${rule.host} (methods/paths)`), ...credentials.map((credential) => `credentials for ${credential.host}`)];
  if (needing.length > 0 && !inspectsTls(egress)) return `${needing[0]} needs TLS inspection, which tls: { inspect: false } turns off: without it the gate cannot see HTTPS requests`;
  for (const host of [...ruled.map((rule) => withoutPorts(rule.host)), ...credentials.map((credential) => credential.host)]) {
    if (egress.tls?.passthrough.includes(host)) return `${host} is in tls.passthrough, so its method/path rules and credentials could never apply`;
  }
  return undefined;
}

/** An `allow` entry as `bottle plan` shows it: the host, and its rules when it has any. */
export function describeAllowEntry(entry: string | AllowRule): string {
  if (typeof entry === "string") return entry;
  const rules = [entry.methods?.join(" "), entry.paths?.join(" ")].filter((part) => part !== undefined && part !== "");
  return rules.length === 0 ? entry.host : `${entry.host} (${rules.join("; ")})`;
}
