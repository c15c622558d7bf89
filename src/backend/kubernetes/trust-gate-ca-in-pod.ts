import { BottleError } from "../../core/errors.ts";
import { CA_CERTIFICATE_PATH, checkedCaCertificate } from "../../gate/tls/agent-trust.ts";
import { execCaptured } from "./exec-in-pod.ts";
import type { KubeClient } from "./kube-client.ts";
import type { KubernetesBottle } from "./kube-bottle.ts";
import { serviceHostVariable } from "./kube-names.ts";

/** The image's own roots, where Debian-like images keep them (kept in the agent's bundle: passthrough hosts verify). */
const IMAGE_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * TLS inspection on Kubernetes: the gate made its CA as it started; before the agent
 * runs, its certificate (public; the key never leaves the gate) is read from the gate's
 * control port from inside the agent's pod (its curl or wget, as the agent reaches the
 * gate), checked to be one certificate, and written with the image's roots into the
 * agent's own bundle, which its trust variables name. The pod runs as the agent's user
 * with every capability dropped, so the system bundle stays as the image has it. The
 * PEM goes on stdin, never on argv.
 */
export async function trustGateCaInPod(client: KubeClient, bottle: KubernetesBottle): Promise<void> {
  const bundle = bottle.agent.trustBundle;
  if (bundle === undefined) return;
  const pod = bottle.names.agentPod;
  const url = `http://$${serviceHostVariable(bottle.names.service)}:${bottle.gate.controlPort}${CA_CERTIFICATE_PATH}`;
  const read = await execCaptured(client, pod, "agent", ["sh", "-c", `curl -fsS --noproxy '*' ${url} 2>/dev/null || wget -q -Y off -O - ${url}`]);
  const certificate = checkedCaCertificate(read.stdout, `the gate's ${CA_CERTIFICATE_PATH}`);
  const install = `{ cat ${IMAGE_BUNDLE} 2>/dev/null; cat; } > ${bundle}.partial && mv ${bundle}.partial ${bundle}`;
  const written = await execCaptured(client, pod, "agent", ["sh", "-c", install], certificate);
  if (written.exitCode !== 0) throw new BottleError(`cannot install the gate's CA in ${pod}: ${written.stderr.trim() || `exit ${written.exitCode}`}`);
}
