import { isIP } from "node:net";
import { EC_P256, randomSerial, x509 } from "./x509.ts";

/** A leaf certificate and its key, PEM, as `tls.createSecureContext` takes them. */
export interface LeafMaterial {
  cert: string;
  key: string;
  notAfter: Date;
}

/** A bottle's CA: its public certificate, and leaves minted on demand. */
export interface CertificateAuthority {
  /** The CA certificate (PEM): public, what the agent is told to trust. */
  certificatePem: string;
  /** A server certificate for one host name or IP literal, signed by this CA. */
  issue(host: string): Promise<LeafMaterial>;
}

/** Options for {@link createCertificateAuthority}; tests set the clock and lifetimes. */
export interface CertificateAuthorityOptions {
  /** Shown in the CA's subject, so a person inspecting a chain sees which bottle made it. */
  label?: string;
  now?: () => Date;
  /** By default, 90 days: longer than any bottle's gate runs, since a new gate makes a new CA. */
  caLifetimeMs?: number;
  /** By default, 24 hours: short-lived, so a leaf that leaked is soon worthless. */
  leafLifetimeMs?: number;
}

const HOUR = 3_600_000;
/** Clients whose clocks run a little behind must still accept a fresh certificate. */
const BACKDATE_MS = HOUR;

/**
 * Makes a fresh CA (ECDSA P-256) for one gate. Its private key is a WebCrypto key
 * created non-extractable: it exists only in this process's memory, cannot be
 * exported or written anywhere, and is gone when the gate stops. Leaves share one
 * key pair made with the CA (signing is then the whole cost of a new host); that key
 * is as private as the CA's and lives in the same memory.
 */
export async function createCertificateAuthority(options: CertificateAuthorityOptions = {}): Promise<CertificateAuthority> {
  const now = options.now ?? (() => new Date());
  const caLifetime = options.caLifetimeMs ?? 90 * 24 * HOUR;
  const leafLifetime = options.leafLifetimeMs ?? 24 * HOUR;
  const [caKeys, leafKeys] = await Promise.all([
    crypto.subtle.generateKey(EC_P256, false, ["sign", "verify"]),
    crypto.subtle.generateKey(EC_P256, true, ["sign", "verify"]),
  ]);
  const start = now();
  const caNotAfter = new Date(start.getTime() + caLifetime);
  const label = (options.label ?? "bottle gate").replace(/[^A-Za-z0-9 ._-]/g, "");
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [`${label} CA ${randomSerial().slice(0, 8)}`] }, { O: ["bottle"] }],
    notBefore: new Date(start.getTime() - BACKDATE_MS),
    notAfter: caNotAfter,
    signingAlgorithm: EC_P256,
    keys: caKeys,
    extensions: [
      // pathLen 0: this CA signs leaves only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKey = x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", leafKeys.privateKey), "PRIVATE KEY");
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(ca, false);

  return {
    certificatePem: ca.toString("pem"),
    async issue(host) {
      const name = host.replace(/^\[|\]$/g, "").toLowerCase();
      const issued = now();
      // A leaf never outlives its CA.
      const notAfter = new Date(Math.min(issued.getTime() + leafLifetime, caNotAfter.getTime()));
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        // RFC 5280 caps a CN at 64 characters; clients match the SAN, so a longer name goes without.
        subject: name.length <= 64 ? [{ CN: [name] }] : [{ O: ["bottle"] }],
        issuer: ca.subject,
        notBefore: new Date(issued.getTime() - BACKDATE_MS),
        notAfter,
        signingAlgorithm: EC_P256,
        publicKey: leafKeys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.SubjectAlternativeNameExtension([{ type: isIP(name) === 0 ? "dns" : "ip", value: name }], false),
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
          authorityKeyId,
        ],
      });
      return { cert: leaf.toString("pem"), key: leafKey, notAfter };
    },
  };
}
