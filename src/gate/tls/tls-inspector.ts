import tls from "node:tls";
import { createCertificateAuthority, type CertificateAuthorityOptions } from "./certificate-authority.ts";
import { createLeafCache } from "./leaf-cache.ts";

/** The gate's TLS termination: its CA certificate, and a server context per host. */
export interface TlsInspector {
  /** The CA certificate (PEM) the agent must trust; public. */
  caCertificate: string;
  /** A secure context presenting a leaf for `host`, minted on first use and cached. */
  contextFor(host: string): Promise<tls.SecureContext>;
}

/** Options for {@link createTlsInspector}: the CA's, and the cache bound. */
export interface TlsInspectorOptions extends CertificateAuthorityOptions {
  /** By default, 1,024 hosts. */
  cacheSize?: number;
}

/**
 * Makes the CA for this gate (at gate start: a bottle gets a fresh one each time its
 * gate starts) and the leaf cache in front of it. The cache holds ready
 * `SecureContext`s, so a cached host costs no parsing of PEM per handshake.
 */
export async function createTlsInspector(options: TlsInspectorOptions = {}): Promise<TlsInspector> {
  const ca = await createCertificateAuthority(options);
  const cache = createLeafCache({
    max: options.cacheSize,
    mint: async (host) => {
      const leaf = await ca.issue(host);
      return tls.createSecureContext({ cert: leaf.cert, key: leaf.key });
    },
  });
  return { caCertificate: ca.certificatePem, contextFor: (host) => cache.get(host) };
}
