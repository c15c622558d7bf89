import { describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { createCertificateAuthority } from "../../../../src/gate/tls/certificate-authority.ts";

describe("createCertificateAuthority", async () => {
  const start = new Date("2026-12-01T10:00:00Z");
  let clock = start;
  const ca = await createCertificateAuthority({ label: "test-bottle", now: () => clock });
  const caCert = new X509Certificate(ca.certificatePem);

  test("the CA is a P-256 CA that may sign leaves only", () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(caCert.subject).toContain("test-bottle CA");
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    // The private key is nowhere in what the CA hands out.
    expect(ca.certificatePem).not.toContain("PRIVATE KEY");
  });

  test("a leaf for a host name is signed by the CA and names the host, not a CA", async () => {
    const leaf = await ca.issue("Registry.NPMJS.org");
    const cert = new X509Certificate(leaf.cert);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkHost("registry.npmjs.org")).toBe("registry.npmjs.org");
    expect(cert.checkHost("evil.npmjs.org")).toBeUndefined();
    expect(cert.subjectAltName).toBe("DNS:registry.npmjs.org");
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(leaf.key).toContain("BEGIN PRIVATE KEY");
  });

  test("a leaf is short-lived: backdated an hour, valid a day", async () => {
    const leaf = await ca.issue("api.github.com");
    const cert = new X509Certificate(leaf.cert);
    expect(new Date(cert.validFrom).getTime()).toBe(start.getTime() - 3_600_000);
    expect(new Date(cert.validTo).getTime()).toBe(start.getTime() + 24 * 3_600_000);
    expect(leaf.notAfter.getTime()).toBe(start.getTime() + 24 * 3_600_000);
  });

  test("a leaf for an IP literal carries an IP SAN, brackets or not", async () => {
    for (const host of ["10.1.2.3", "[fd00::1]"]) {
      const cert = new X509Certificate((await ca.issue(host)).cert);
      expect(cert.checkIP(host.replace(/^\[|\]$/g, ""))).toBeDefined();
      expect(cert.verify(caCert.publicKey)).toBe(true);
    }
  });

  test("a host longer than a CN may be still gets a leaf, matched by its SAN", async () => {
    const host = `${"a".repeat(60)}.${"b".repeat(60)}.example.com`;
    const cert = new X509Certificate((await ca.issue(host)).cert);
    expect(cert.checkHost(host)).toBe(host);
  });

  test("every leaf has its own serial number", async () => {
    const serials = new Set<string>();
    for (let index = 0; index < 5; index++) serials.add(new X509Certificate((await ca.issue("a.example")).cert).serialNumber);
    expect(serials.size).toBe(5);
  });

  test("a leaf never outlives its CA", async () => {
    const short = await createCertificateAuthority({ now: () => clock, caLifetimeMs: 3_600_000 });
    clock = new Date(start.getTime() + 30 * 60_000);
    const cert = new X509Certificate((await short.issue("a.example")).cert);
    expect(new Date(cert.validTo).getTime()).toBe(start.getTime() + 3_600_000);
    clock = start;
  });

  test("two CAs are strangers: one's leaves do not verify under the other", async () => {
    const other = await createCertificateAuthority();
    const cert = new X509Certificate((await other.issue("a.example")).cert);
    expect(cert.verify(caCert.publicKey)).toBe(false);
  });
});
