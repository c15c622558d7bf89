import { BottleError } from "../../core/errors.ts";
import type { GitGatePlan } from "../../gate/services/git/plan-git-gate.ts";

/**
 * The values of the host variables the git gate's tokens name, read at the last
 * moment and never stored; they reach the gate container only (`-e NAME`). An unset
 * one is an error before anything starts.
 */
export function gitTokenValues(git: GitGatePlan, env: Record<string, string | undefined>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of git.secretNames) {
    const value = env[name];
    if (value === undefined || value === "") {
      throw new BottleError(`host variable ${name} is not set (a git repo's token: \${${name}})`, { hint: `export ${name}=… before starting, or remove the token` });
    }
    values[name] = value;
  }
  return values;
}
