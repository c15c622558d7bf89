import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";
import { INSTALL_CA_SCRIPT } from "../../gate/tls/agent-trust.ts";
import { installCaByExec } from "../gate-runtime/trust-gate-ca.ts";
import { apiExec } from "./engine-container-api.ts";
import type { EngineApi } from "./engine-query.ts";

/** The variable the certificate travels in: it is public, and the API's exec takes no stdin. */
const CA_ENV = "BOTTLE_GATE_CA";

/**
 * Installs the gate's CA certificate in the agent as `trustGateCa` does by default
 * (the same script, as root, the PEM on its stdin), through the engine's API: no docker
 * CLI to start on the last step before a bottle is ready. The PEM reaches the script's
 * stdin from the exec's environment, byte for byte. When the engine cannot be asked
 * this way, `docker exec` installs it; a script that fails is an error either way.
 */
export async function installCaByApi(api: EngineApi, runner: Runner, agent: string, certificate: string): Promise<void> {
  const ran = await apiExec(api, agent, {
    cmd: ["sh", "-c", `printf '%s' "$${CA_ENV}" | sh -c "$1"`, "sh", INSTALL_CA_SCRIPT],
    user: "0",
    env: { [CA_ENV]: certificate },
  }).catch(() => undefined);
  if (ran === undefined) return installCaByExec(runner, agent, certificate);
  if (ran.exitCode !== 0) {
    const detail = `${ran.stdout}${ran.stderr}`.trim().split("\n").pop();
    throw new BottleError(`installing the gate's CA certificate in ${agent} failed (exit ${ran.exitCode}${detail ? `: ${detail}` : ""})`);
  }
}
