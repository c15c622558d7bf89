import type { Runner } from "../../core/runner.ts";
import { CA_CERTIFICATE_PATH, checkedCaCertificate, fetchGateCa, INSTALL_CA_SCRIPT } from "../../gate/tls/agent-trust.ts";
import { GATE_CONFIG_MOUNT } from "./gate-config.ts";
import { GATE_BINARY } from "./probe-gate.ts";

/** Where the gate's CA certificate can be read from. */
export interface GateCaSource {
  /** The agent container, where the certificate is installed. */
  agent: string;
  /** The gate's base URL from this host (its bridge address), when this host routes to it. */
  gateBase: string | undefined;
  /** The gate's base URL as the agent reaches it (`http://<gate>:<port>`), for engines whose bridges this host cannot reach. */
  gateInBottle: string;
  /**
   * The gate's container: where this host does not route to the bridge, its own binary
   * prints the certificate (`bottle gate ca`, by `docker exec`), whatever tools the
   * agent's image has. Without it, the agent's curl or wget reads `gateInBottle`.
   */
  gate?: string;
  /**
   * Installs the checked certificate as root in the agent another way (an exec that
   * started before the gate was ready, or one through the engine's API). By default,
   * `docker exec` of the install script with the PEM on stdin.
   */
  install?: (certificate: string) => Promise<void>;
}

/**
 * Installs the gate's CA certificate (public; its key never leaves the gate) into a
 * running agent container's trust: read from the gate's port — from this host where
 * it routes to the bridge, else by the gate's own binary in its container (or, with
 * no gate container named, from inside the agent with its curl or wget) — checked
 * to be one certificate, then written as root into the local CA folder and the system
 * bundle, which the agent's NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, REQUESTS_CA_BUNDLE,
 * GIT_SSL_CAINFO and CURL_CA_BUNDLE name. The PEM goes on stdin, never on argv. A
 * resumed bottle's gate has a new CA: this replaces the old one.
 */
export async function trustGateCa(runner: Runner, source: GateCaSource): Promise<void> {
  let certificate: string;
  if (source.gateBase !== undefined) {
    certificate = await fetchGateCa(source.gateBase);
  } else if (source.gate !== undefined) {
    const read = await runner.run(["docker", "exec", source.gate, GATE_BINARY, "gate", "ca", "--config", GATE_CONFIG_MOUNT]);
    certificate = checkedCaCertificate(read.stdout, `${source.gate}'s \`bottle gate ca\``);
  } else {
    const url = `${source.gateInBottle}${CA_CERTIFICATE_PATH}`;
    const read = await runner.run(["docker", "exec", source.agent, "sh", "-c", `curl -fsS --noproxy '*' ${url} 2>/dev/null || wget -q -Y off -O - ${url}`]);
    certificate = checkedCaCertificate(read.stdout, url);
  }
  if (source.install !== undefined) return source.install(certificate);
  await installCaByExec(runner, source.agent, certificate);
}

/** The default install: `docker exec` of the install script as root, the PEM on its stdin. */
export async function installCaByExec(runner: Runner, agent: string, certificate: string): Promise<void> {
  await runner.run(["docker", "exec", "--interactive", "--user", "0", agent, "sh", "-c", INSTALL_CA_SCRIPT], { stdin: certificate });
}
