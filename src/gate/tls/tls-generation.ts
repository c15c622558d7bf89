import { parseAllowEntry, type Egress } from "../../manifest/egress-schema.ts";
import { allowEntryHost, type AllowRule } from "../../manifest/tls-schema.ts";
import { canonicalHost as canonicalHostOf, canonicalPattern, hostMatches, normalizeHost } from "../egress/host-match.ts";
import type { Verdict } from "../egress/policy.ts";
import { ambiguousPath } from "./ambiguous-path.ts";
import { resolveCredentials, type ResolvedCredential } from "./resolve-credentials.ts";

/** What one config generation decides about TLS: inspect or not, rules, credentials. */
export interface TlsGeneration {
  /** True when a CONNECT to `host` is terminated and inspected rather than tunnelled. */
  inspects(host: string): boolean;
  /**
   * Refuses an uninspected tunnel to a host whose method/path rules or credential
   * could then never apply (a gate config written without `tls` for a manifest that
   * has them): the rules bind, or the tunnel does not open.
   */
  checkTunnel(host: string): Verdict;
  /**
   * Method and path rules of the `allow` entries for `host`; `path` is already
   * normalised. `overrides` are the methods the request also asks for
   * (`methodOverrides`): each must be allowed too.
   */
  checkRequest(host: string, method: string, path: string, overrides?: readonly string[], pathHeaders?: readonly string[]): Verdict;
  /** The credential to inject for `host`, if one is configured (first match wins). */
  credentialFor(host: string): ResolvedCredential | undefined;
  /** Every secret value the credentials hold, for DLP. */
  heldSecrets: string[];
  /** Listed by `/healthz` when inspection is on. */
  enabled: boolean;
}

const ALLOWED: Verdict = { allowed: true };

/** A path is under a prefix when it equals it or continues after a `/` boundary. */
function underPrefix(path: string, prefix: string): boolean {
  if (path === prefix || `${path}/` === prefix) return true;
  return path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`);
}

/** One rule's answer for a request: allowed, or which of its parts refused it. */
function ruleVerdict(rule: AllowRule, methods: readonly string[], path: string): "allowed" | "method" | "path" {
  if (rule.methods !== undefined && !methods.every((method) => rule.methods!.includes(method.toUpperCase()))) return "method";
  if (rule.paths === undefined) return "allowed";
  // A disguised dot segment or an encoded slash would let an origin see another path than the one checked.
  if (ambiguousPath(path)) return "path";
  return rule.paths.some((prefix) => underPrefix(path, prefix)) ? "allowed" : "path";
}

/** How specific an allow entry's host pattern is: an exact host above any wildcard, a
 * wildcard by the labels it fixes (`*.api.x.com` above `*.x.com`), `*` least. */
function specificity(entry: AllowEntry): number {
  // As `hostMatches` reads it: a trailing dot (`api.github.com.`) is no extra label.
  const pattern = normalizeHost(parseAllowEntry(allowEntryHost(entry))?.pattern ?? "");
  if (pattern === "*") return 0;
  const labels = pattern.split(".").length;
  return pattern.startsWith("*.") ? labels - 1 : 1000 + labels;
}

type AllowEntry = Egress["allow"][number];

const hasRules = (entry: AllowEntry): boolean => typeof entry !== "string" && (entry.methods !== undefined || entry.paths !== undefined);

/**
 * The entries naming a host that decide its requests: where one with rules names it,
 * a plain entry counts only when it names the host more specifically (`api.x.com`
 * plain under rules for `*.x.com`). A plain entry as or less specific lifted the
 * rules: an approved `request-egress` for `api.github.com:443` or `*.github.com`
 * let every method and path through to a host the manifest held to
 * `GET /repos/org/app/`, with its credential injected (a hunt for leaks, this round).
 */
function rulingEntries(entries: AllowEntry[]): AllowEntry[] {
  const ruled = entries.filter(hasRules);
  if (ruled.length === 0) return entries;
  const bar = Math.max(...ruled.map(specificity));
  return entries.filter((entry) => hasRules(entry) || specificity(entry) > bar);
}

/**
 * Builds the TLS part of a generation. Inspection is on when the config's `tls` says
 * so: `tls: {}` inspects (the manifest's default), but a config with no `tls` at all
 * inspects nothing, because a backend that installs the CA writes the bottle's
 * decision explicitly (manifest/tls-schema.ts `gateTls`) and one that cannot, must
 * not have its agent's every handshake fail. Rules: among the `allow` entries naming the
 * host, a plain one (or one without methods and paths) allows every request unless an
 * entry with rules names the host as or more specifically (`rulingEntries`); otherwise
 * a request must satisfy one entry's methods and paths. A host reached through
 * `allow_cidrs` or a route has no entry, and no rules.
 */
export function buildTlsGeneration(egress: Egress, env: Record<string, string | undefined>): TlsGeneration {
  const inspect = egress.tls?.inspect === true;
  const passthrough = egress.tls?.passthrough ?? [];
  const { credentials, heldSecrets } = resolveCredentials(egress.credentials ?? [], env);
  // Hosts and patterns compare in the policy's canonical form (an IP literal as its
  // address), kept per host: parsing an IP literal on every request cost the plain path.
  const canonical = new Map<string, string>();
  const canonicalHost = (host: string): string => {
    let name = canonical.get(host);
    if (name === undefined) {
      name = canonicalHostOf(host);
      if (canonical.size >= 1024) canonical.clear();
      canonical.set(host, name);
    }
    return name;
  };
  const passthroughPatterns = passthrough.map(canonicalPattern);
  const inspects = (host: string) => inspect && !passthroughPatterns.some((pattern) => hostMatches(pattern, canonicalHost(host)));
  const allowPatterns = egress.allow.map((entry) => ({ entry, pattern: canonicalPattern(parseAllowEntry(allowEntryHost(entry))?.pattern ?? "") }));
  const entriesFor = (name: string) => allowPatterns.filter(({ pattern }) => hostMatches(pattern, name)).map(({ entry }) => entry);
  const credentialPatterns = credentials.map((credential) => ({ credential, pattern: canonicalPattern(credential.host) }));
  return {
    enabled: inspect,
    heldSecrets,
    inspects,
    checkTunnel(host) {
      const name = canonicalHost(host);
      if (inspects(name)) return ALLOWED;
      const ruled = entriesFor(name).some((entry) => typeof entry !== "string" && (entry.methods !== undefined || entry.paths !== undefined));
      const credential = credentialPatterns.some(({ pattern }) => hostMatches(pattern, name));
      return ruled || credential ? { allowed: false, reason: "needs-inspection" } : ALLOWED;
    },
    checkRequest(host, method, path, overrides = [], pathHeaders = []) {
      const name = canonicalHost(host);
      const entries = rulingEntries(entriesFor(name));
      if (entries.length === 0) return ALLOWED;
      const methods = [method, ...overrides];
      // A path rule holds for the path the origin acts on: with a path- or host-override
      // header (`pathOverrides`) that is not the one checked, so the request is refused.
      const verdicts = entries.map((entry) =>
        typeof entry === "string" ? "allowed" : entry.paths !== undefined && pathHeaders.length > 0 ? "path" : ruleVerdict(entry, methods, path),
      );
      if (verdicts.includes("allowed")) return ALLOWED;
      return { allowed: false, reason: verdicts.includes("path") ? "path-not-allowed" : "method-not-allowed" };
    },
    credentialFor(host) {
      const name = canonicalHost(host);
      return credentialPatterns.find(({ pattern }) => hostMatches(pattern, name))?.credential;
    },
  };
}
