import { AGENT_TRUST_ENV } from "../../gate/tls/agent-trust.ts";
import type { StartSpec } from "../types.ts";

/**
 * The placeholder the agent holds instead of a real token, so its CLI starts; the gate
 * strips it and injects the real credential. Not a secret.
 */
export const PLACEHOLDER_TOKEN = "bottle-placeholder";

/** Stands for a gate port that only launch learns, in what `bottle plan` shows (never in a launch). */
export const PLANNED_PORT = Symbol("planned gate port");
export type PlannedPort = typeof PLANNED_PORT;

/**
 * The agent's environment that bottle sets (not secret: passed as `-e K=V`); the
 * manifest's literals go to a 0600 env-file and forwarded values by name. Every way out goes through the gate: both proxy
 * spellings (tools read either case), the gate itself exempt so route URLs go straight
 * to it, and the Claude route as `ANTHROPIC_BASE_URL` with the placeholder token.
 * Telemetry and auto-updates are off: they would only be refused by the egress policy.
 * With `trustsGateCa` (a backend that installs the bottle's CA in the agent, as
 * docker does when the bottle inspects TLS), every HTTPS client is pointed at the
 * system bundle that holds it; by default, not: a variable naming a bundle nobody
 * wrote would break every client.
 */
export function agentEnv(spec: StartSpec, gateHost: string, port: number | PlannedPort, options: { trustsGateCa?: boolean } = {}): Record<string, string> {
  const gate = `http://${gateHost}:${port === PLANNED_PORT ? "<gate-port>" : port}`;
  const fixed: Record<string, string> = {
    HTTPS_PROXY: gate,
    HTTP_PROXY: gate,
    https_proxy: gate,
    http_proxy: gate,
    NO_PROXY: `${gateHost},localhost,127.0.0.1`,
    no_proxy: `${gateHost},localhost,127.0.0.1`,
    BOTTLE_IDENTITY: spec.identity,
    BOTTLE_GATE_URL: gate,
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
  // With TLS inspection every HTTPS client must trust the bottle's CA (installed into the system bundle at launch).
  if (options.trustsGateCa === true) Object.assign(fixed, AGENT_TRUST_ENV);
  const claude = spec.bottle.egress.routes.find((route) => route.roles.includes("claude_code_oauth"));
  if (claude !== undefined) {
    fixed.ANTHROPIC_BASE_URL = `${gate}/r/${claude.name}`;
    fixed.CLAUDE_CODE_OAUTH_TOKEN = PLACEHOLDER_TOKEN;
  }
  // The manifest's own values win over bottle's defaults, except the proxies: a bottle
  // whose agent could unset its proxy would still be isolated, but would just fail.
  for (const key of [...Object.keys(spec.env.literal), ...spec.env.forwarded.map(({ key }) => key)]) {
    if (!/^(https?_proxy|no_proxy)$/i.test(key)) delete fixed[key];
  }
  return fixed;
}

/** The env-file text: `KEY=VALUE` lines (the manifest forbids newlines in values). */
export function envFileText(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${value}\n`)
    .join("");
}
