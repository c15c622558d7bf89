import type { Runner } from "../../core/runner.ts";
import { AGENT_CA_BUNDLE, INSTALL_CA_SCRIPT } from "../../gate/tls/agent-trust.ts";
import { GUEST_CA_BUNDLE } from "./smol-plan.ts";

/** Where the bottle's CA certificate itself lands in the guest, beside the bundle. */
const GUEST_CA_FILE = GUEST_CA_BUNDLE.replace(/[^/]+$/, "bottle-gate-ca.pem");

/**
 * The script, run in the guest with the CA certificate (PEM) on stdin, that makes
 * the guest trust it, as whoever `machine exec` runs as (the fake smolvm: the image's
 * user). As root it installs the CA into the system bundle as docker's agent gets it
 * (`INSTALL_CA_SCRIPT`); as anyone else it cannot, so the guest's own bundle — the image's roots plus the CA,
 * which the trust variables name — is what every client reads. Both are rewritten on
 * each launch: a resumed bottle's gate has a new CA, and its machine is a fresh one.
 */
export const TRUST_GUEST_CA_SCRIPT = [
  "set -e",
  "umask 022",
  // The folder is the agent's own, as for its env file (0700); the certificates in it are public.
  `mkdir -p -m 700 ${GUEST_CA_FILE.replace(/\/[^/]+$/, "")}`,
  `cat > ${GUEST_CA_FILE}`,
  `if [ "$(id -u)" = 0 ]; then ( ${INSTALL_CA_SCRIPT.replaceAll("\n", "; ")} ) < ${GUEST_CA_FILE}; fi`,
  // Root's system bundle holds the CA now; anyone else's bundle gets it appended.
  // The blank line keeps a bundle that lacks its final newline from running into the next PEM block.
  `{ cat ${AGENT_CA_BUNDLE} 2>/dev/null && echo || true; [ "$(id -u)" = 0 ] || cat ${GUEST_CA_FILE}; } > ${GUEST_CA_BUNDLE}.new`,
  `mv -f ${GUEST_CA_BUNDLE}.new ${GUEST_CA_BUNDLE}`,
].join("\n");

/**
 * Installs the gate's CA certificate (public; its key never leaves the gate) in a
 * running guest, before the agent runs: the PEM goes on stdin, never on argv.
 */
export async function trustGuestCa(runner: Runner, options: { machine: string; certificate: string; signal?: AbortSignal | undefined }): Promise<void> {
  await runner.run(["smolvm", "machine", "exec", "--name", options.machine, "-i", "--", "sh", "-c", TRUST_GUEST_CA_SCRIPT], {
    // The gate serves the PEM without a final newline; appended to a bundle it must end its line.
    stdin: options.certificate.endsWith("\n") ? options.certificate : `${options.certificate}\n`,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
