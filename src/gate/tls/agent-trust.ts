// Kept free of the X.509 modules: the CLI imports this to provision an agent.

/** Where the gate serves its CA certificate (public) for the CLI to install in the agent. */
export const CA_CERTIFICATE_PATH = "/tls/ca.pem";

/** Where the bottle's CA certificate is installed in the agent: Debian's folder for local CAs. */
export const AGENT_CA_FILE = "/usr/local/share/ca-certificates/bottle-gate.crt";

/** The system bundle `update-ca-certificates` writes: the image's roots plus the bottle's CA. */
export const AGENT_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * What the agent's environment names so every common client trusts the bundle that
 * holds the bottle's CA: Node (added to its roots), OpenSSL-based tools and Python's
 * ssl, requests, git, curl. The bundle keeps the image's own roots, so passthrough
 * hosts (real certificates, or a corporate proxy's) still verify.
 */
export const AGENT_TRUST_ENV: Readonly<Record<string, string>> = {
  NODE_EXTRA_CA_CERTS: AGENT_CA_BUNDLE,
  SSL_CERT_FILE: AGENT_CA_BUNDLE,
  REQUESTS_CA_BUNDLE: AGENT_CA_BUNDLE,
  GIT_SSL_CAINFO: AGENT_CA_BUNDLE,
  CURL_CA_BUNDLE: AGENT_CA_BUNDLE,
};

/**
 * A shell script, run as root in the agent with the CA certificate (PEM) on stdin,
 * that installs it: into the local CA folder and the system bundle
 * (`update-ca-certificates --fresh`, so a resumed bottle's new CA replaces the old
 * one), or, in an image without that tool, appended to the bundle.
 */
export const INSTALL_CA_SCRIPT = [
  "set -e",
  `mkdir -p ${AGENT_CA_FILE.replace(/\/[^/]+$/, "")} ${AGENT_CA_BUNDLE.replace(/\/[^/]+$/, "")}`,
  `cat > ${AGENT_CA_FILE}`,
  `chmod 644 ${AGENT_CA_FILE}`,
  `if command -v update-ca-certificates >/dev/null 2>&1; then update-ca-certificates --fresh >/dev/null 2>&1; else cat ${AGENT_CA_FILE} >> ${AGENT_CA_BUNDLE}; fi`,
].join("\n");

/** The text if it is exactly one PEM certificate (what the gate serves), else an error naming where it came from. */
export function checkedCaCertificate(text: string, from: string): string {
  if (!/^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/.test(text)) {
    throw new Error(`${from} did not serve the gate's CA certificate`);
  }
  return text;
}

/**
 * Reads the CA certificate a running gate serves (`GET /tls/ca.pem` on its port), for
 * the CLI to install in the agent. It is public; only a certificate is accepted.
 */
export async function fetchGateCa(gateBase: string, signal?: AbortSignal): Promise<string> {
  const url = `${gateBase.replace(/\/+$/, "")}${CA_CERTIFICATE_PATH}`;
  const response = await fetch(url, { signal: signal ?? AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} did not serve the gate's CA certificate (HTTP ${response.status})`);
  return checkedCaCertificate(text, url);
}
