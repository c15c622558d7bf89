import type { Runner } from "../../core/runner.ts";
import { AGENT_CA_BUNDLE, INSTALL_CA_SCRIPT } from "../../gate/tls/agent-trust.ts";
import type { Egress } from "../../manifest/egress-schema.ts";
import { GUEST_CA_BUNDLE } from "./smol-plan.ts";

/** Where the bottle's CA certificate itself lands in the guest, beside the bundle. */
const GUEST_CA_FILE = GUEST_CA_BUNDLE.replace(/[^/]+$/, "bottle-gate-ca.pem");

/**
 * Whether a smolmachines bottle's gate inspects TLS, so its guest must trust the
 * bottle's CA: `egress.tls.inspect`, as the gate reads it. The one place this backend
 * decides it: the gate's config (see {@link gateEgress}), the guest's trust variables
 * and the CA's installation all follow it, so they never disagree.
 */
export function inspectsTls(egress: Egress): boolean {
  return egress.tls?.inspect === true;
}

/**
 * The egress the gate's config gets: the bottle's, with the inspection decision
 * written out, so the gate inspects exactly when the guest is given the CA.
 */
export function gateEgress(egress: Egress): Egress {
  return { ...egress, tls: { inspect: inspectsTls(egress), passthrough: [...(egress.tls?.passthrough ?? [])] } };
}

/**
 * The script, run in the guest with the CA certificate (PEM) on stdin, that makes
 * the guest trust it. `machine exec` runs as the image's user: as root it installs
 * the CA into the system bundle as docker's agent gets it (`INSTALL_CA_SCRIPT`); as
 * anyone else it cannot, so the guest's own bundle — the image's roots plus the CA,
 * which the trust variables name — is what every client reads. Both are rewritten on
 * each launch: a resumed bottle's gate has a new CA, and its machine is a fresh one.
 */
export const TRUST_GUEST_CA_SCRIPT = [
  "set -e",
  "umask 022",
  `mkdir -p ${GUEST_CA_FILE.replace(/\/[^/]+$/, "")}`,
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
