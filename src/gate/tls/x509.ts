// tsyringe (inside @peculiar/x509 2.2.0) needs the Reflect metadata API before it loads.
// Imported in sequence, not side by side: in a Bun 1.4.5 `--compile` binary built
// without splitting (the gate image's), `import "reflect-metadata"` above
// `import * as x509` still let the library's CommonJS build run first and throw.
await import("reflect-metadata");
const x509 = await import("@peculiar/x509");

// Bun's WebCrypto does the signing: no openssl, no native module.
x509.cryptoProvider.set(crypto);

/** The X.509 library, set up once with Bun's WebCrypto. */
export { x509 };

/** ECDSA P-256 with SHA-256: every key and signature the gate's CA makes. */
export const EC_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** A random positive serial number, 16 bytes in hex (RFC 5280 allows up to 20). */
export function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // The top bit clear keeps the DER integer positive.
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString("hex");
}
