import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { labelLooksRandom } from "../../../../src/gate/dlp/label-looks-random.ts";
import { base32, FakeSource, fakeCredentials } from "./fake-credentials.ts";

/** CONNECT hostnames: real names pass, encoded or random labels are reported. */

const scanner = createScanner({ heldSecrets: [] });
const source = new FakeSource(5);

const realHosts = [
  "ec2-54-12-34-56.compute-1.amazonaws.com",
  "d1234abcd.cloudfront.net",
  "fonts.gstatic.com",
  "a-very-long-but-normal-subdomain-name.example.com",
  "r3---sn-abc.googlevideo.com",
  "rr5---sn-4g5e6nzz.googlevideo.com",
  "api.anthropic.com",
  "statsig.anthropic.com",
  "registry.npmjs.org",
  "objects.githubusercontent.com",
  "raw.githubusercontent.com",
  "github-production-release-asset-2e65be.s3.amazonaws.com",
  "my-loadbalancer-1234567890.us-west-2.elb.amazonaws.com",
  "internal-my-internal-lb-123456789.eu-west-1.elb.amazonaws.com",
  "cdk-hnb659fds-assets-123456789012-us-east-1.s3.us-east-1.amazonaws.com",
  "my-service-1a2b3c4d5e-uc.a.run.app",
  "storage.googleapis.com",
  "files.pythonhosted.org",
  "pypi.org",
  "deb.debian.org",
  "security.debian.org",
  "production.cloudflare.docker.com",
  "thisisaverylongsubdomainnamewithoutdashes.example.org",
  "kubernetes-dashboard-internal.prod.example.com",
  "production-api-gateway-eu-west-1.example.net",
  "mystorageaccount.blob.core.windows.net",
  "xn--80ak6aa92e.com",
  "xn--bcher-kva.example",
  "login.microsoftonline.com",
  "accounts.google.com",
  "oauth2.googleapis.com",
  "sentry.io",
  "o123456.ingest.sentry.io",
  "api.openai.com",
  "gitlab.com",
  "slack.com",
  "hooks.slack.com",
  "api.stripe.com",
  "abcdefghij.execute-api.us-east-1.amazonaws.com",
  "vpce-0a1b2c3d4e5f67890-abcdefgh.s3.us-east-1.vpce.amazonaws.com",
  "1.2.3.4",
  "[::1]:443",
  "localhost:8080",
  "api.github.com:443",
];

describe("real hostnames pass", () => {
  for (const host of realHosts) {
    test(host, () => {
      expect(scanner.scanHostname(host)).toEqual([]);
    });
  }
});

describe("encoded and random labels are reported", () => {
  test("base32 text split over labels", () => {
    const encoded = base32("user=alice;project=apollo;notes=confidential").replace(/=+$/, "").toLowerCase();
    const host = `${encoded.slice(0, 36)}.${encoded.slice(36)}.exfil.example`;
    expect(scanner.scanHostname(host)).toContainEqual({ kind: "encoded-label", where: "hostname" });
  });

  test("hex text in a label", () => {
    const host = `${Buffer.from("password=hunter2!").toString("hex")}.exfil.example`;
    expect(scanner.scanHostname(host)).toContainEqual({ kind: "encoded-label", where: "hostname" });
  });

  test("base64url text in a label", () => {
    const host = `${Buffer.from("the quick brown fox").toString("base64url")}.exfil.example`;
    expect(scanner.scanHostname(host)).toContainEqual({ kind: "encoded-label", where: "hostname" });
  });

  test("random binary as base32, hex and base64url labels", () => {
    const bytes = source.bytes(20);
    for (const label of [
      base32(bytes).replace(/=+$/, "").toLowerCase(),
      Buffer.from(bytes).toString("hex"),
      Buffer.from(bytes).toString("base64url").replace(/[-_]/g, "x"),
    ]) {
      expect(scanner.scanHostname(`${label}.exfil.example`)).toContainEqual({ kind: "high-entropy-label", where: "hostname" });
    }
  });
});

describe("the host of an absolute-form URL", () => {
  test("is scanned by scanUrl like a CONNECT host", () => {
    const host = `${Buffer.from("password=hunter2!").toString("hex")}.exfil.example`;
    expect(scanner.scanUrl(`http://${host}:8080/index.html`)).toEqual([{ kind: "encoded-label", where: "hostname" }]);
    expect(scanner.scanUrl("http://user@api.github.com:80/repos")).toEqual([]);
  });
});

describe("labelLooksRandom", () => {
  test("random base32 labels of 24+ characters nearly always count", () => {
    let random = 0;
    for (let i = 0; i < 200; i++) {
      if (labelLooksRandom(base32(source.bytes(16)).replace(/=+$/, "").toLowerCase().slice(0, 26))) random++;
    }
    // Documented miss rate (label-looks-random.ts): ~6% have too many vowels or too few digits.
    expect(random).toBeGreaterThanOrEqual(180);
  });

  test("short labels never count", () => {
    expect(labelLooksRandom(source.chars("abcdef0123456789", 23))).toBe(false);
  });
});

describe("an AWS key id in a hostname, any case", () => {
  // The attack (a hunt for leaks, this round): written lower case (DNS ignores case, and
  // key ids are upper case only), the key passed and the gate's own lookup carried it.
  const key = fakeCredentials(41)["aws-access-key"]!;
  const kinds = (host: string) => scanner.scanHostname(host).map((finding) => finding.kind);

  test.each([`${key.toLowerCase()}.evil.example`, `x${key.toLowerCase()}.evil.example`, `x${key}.evil.example`, `${key.slice(0, 10).toLowerCase()}${key.slice(10)}.evil.example`])("%s", (host) => {
    expect(kinds(host)).toContain("aws-access-key");
  });

  test.each(["asia-east2-docker.pkg.dev", "asia-northeast1-run.googleapis.com", "asia.pool.ntp.org", "asiasoutheast1-a.example.com", "storage.asia-south1.rep.googleapis.com"])("a region name is no key: %s", (host) => {
    expect(kinds(host)).not.toContain("aws-access-key");
  });
});

test.each(["x", "-"])("a lower-cased AWS key id with %s after it or split by it across labels is still found", (char) => {
  const key = fakeCredentials(41)["aws-access-key"]!.toLowerCase();
  const found = (host: string) => scanner.scanHostname(host).map((finding) => finding.kind);
  expect(found(`${key}${char}.evil.example`)).toContain("aws-access-key");
  expect(found(`${key.slice(0, 9)}${char}${key.slice(9)}.evil.example`)).toContain("aws-access-key");
  expect(found(`${key.slice(0, 9)}.${key.slice(9)}.evil.example`)).toContain("aws-access-key");
});
