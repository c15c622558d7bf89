import { isMap, isScalar, type Document } from "yaml";

/**
 * Env values that YAML reads as numbers or booleans (`PORT: 8080`, `DEBUG: true`,
 * `RATIO: 1.50`) become the text they were written as ("8080", "true", "1.50"), which
 * is what an environment variable holds anyway (docker's `--env-file` agrees).
 * Rewrites `data` (what `yaml` converted `doc` to) in place, before validation; every
 * other value, `null` (`KEY:` with nothing) included, is left for the schema to judge.
 */
export function envScalarsAsText(doc: Document.Parsed, data: unknown): void {
  const agents = isMap(doc.contents) ? doc.contents.get("agents", true) : undefined;
  const dataAgents = (data as { agents?: Record<string, { env?: Record<string, unknown> }> } | null)?.agents;
  if (!isMap(agents) || typeof dataAgents !== "object" || dataAgents === null) return;
  for (const agentPair of agents.items) {
    const name = isScalar(agentPair.key) ? String(agentPair.key.value) : undefined;
    const env = isMap(agentPair.value) ? agentPair.value.get("env", true) : undefined;
    const dataEnv = name === undefined ? undefined : dataAgents[name]?.env;
    if (!isMap(env) || typeof dataEnv !== "object" || dataEnv === null) continue;
    for (const pair of env.items) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) continue;
      const value = pair.value.value;
      if (typeof value !== "number" && typeof value !== "boolean" && typeof value !== "bigint") continue;
      const key = String(pair.key.value);
      // `source` is the scalar as written (`1.50`, `0x1F`, `yes` stays a string in YAML 1.2).
      dataEnv[key] = pair.value.source ?? String(value);
    }
  }
}
