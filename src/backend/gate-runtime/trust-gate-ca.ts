import type { Runner } from "../../core/runner.ts";
import { fetchGateCa, INSTALL_CA_SCRIPT } from "../../gate/tls/agent-trust.ts";

/**
 * Installs the gate's CA certificate (public; its key never leaves the gate) into a
 * running agent container's trust: read from the gate's port, written as root into the
 * local CA folder and the system bundle, which the agent's NODE_EXTRA_CA_CERTS,
 * SSL_CERT_FILE, REQUESTS_CA_BUNDLE, GIT_SSL_CAINFO and CURL_CA_BUNDLE name. The PEM
 * goes on stdin, never on argv. A resumed bottle's gate has a new CA: this replaces
 * the old one.
 */
export async function trustGateCa(runner: Runner, agent: string, gateBase: string): Promise<void> {
  const certificate = await fetchGateCa(gateBase);
  await runner.run(["docker", "exec", "--interactive", "--user", "0", agent, "sh", "-c", INSTALL_CA_SCRIPT], { stdin: certificate });
}
