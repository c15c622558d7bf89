import { describe, expect, test } from "bun:test";
import { trustGateCa } from "../../../../src/backend/gate-runtime/trust-gate-ca.ts";
import { checkedCaCertificate, INSTALL_CA_SCRIPT } from "../../../../src/gate/tls/agent-trust.ts";
import { createCertificateAuthority } from "../../../../src/gate/tls/certificate-authority.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

describe("trustGateCa", async () => {
  const pem = (await createCertificateAuthority()).certificatePem;

  test("where this host cannot reach the bridge, the agent reads the certificate from the gate and root installs it from stdin", async () => {
    const { runner, calls } = recordingRunner([{ match: /curl -fsS/, stdout: pem }]);
    await trustGateCa(runner, { agent: "a-agent", gateBase: undefined, gateInBottle: "http://a-gate:8080" });
    expect(calls.map((call) => call.argv.slice(0, 6))).toEqual([
      ["docker", "exec", "a-agent", "sh", "-c", "curl -fsS --noproxy '*' http://a-gate:8080/tls/ca.pem 2>/dev/null || wget -q -Y off -O - http://a-gate:8080/tls/ca.pem"],
      ["docker", "exec", "--interactive", "--user", "0", "a-agent"],
    ]);
    expect(calls[1]!.argv.at(-1)).toBe(INSTALL_CA_SCRIPT);
    // The certificate travels on stdin, never on argv.
    expect(calls[1]!.options.stdin).toBe(pem);
    expect(calls.some((call) => call.argv.join(" ").includes("BEGIN CERTIFICATE"))).toBe(false);
  });

  test("with the gate's container named, its own binary prints the certificate there (no tool of the agent's image needed)", async () => {
    const { runner, calls } = recordingRunner([{ match: /^docker exec a-gate \/usr\/local\/bin\/bottle gate ca --config /, stdout: pem }]);
    await trustGateCa(runner, { agent: "a-agent", gateBase: undefined, gateInBottle: "http://a-gate:8080", gate: "a-gate" });
    expect(calls.map((call) => call.argv.slice(0, 6))).toEqual([
      ["docker", "exec", "a-gate", "/usr/local/bin/bottle", "gate", "ca"],
      ["docker", "exec", "--interactive", "--user", "0", "a-agent"],
    ]);
    expect(calls[1]!.options.stdin).toBe(pem);
    expect(calls.some((call) => call.argv.join(" ").includes("BEGIN CERTIFICATE"))).toBe(false);
    // Anything but one certificate stops before the agent is touched.
    const bad = recordingRunner([{ match: /gate ca/, stdout: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }]);
    await expect(trustGateCa(bad.runner, { agent: "a-agent", gateBase: undefined, gateInBottle: "http://a-gate:8080", gate: "a-gate" })).rejects.toThrow("did not serve the gate's CA certificate");
    expect(bad.calls.length).toBe(1);
  });

  test("anything but one certificate from the gate installs nothing", async () => {
    const { runner, calls } = recordingRunner([{ match: /curl -fsS/, stdout: `${pem}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n` }]);
    await expect(trustGateCa(runner, { agent: "a-agent", gateBase: undefined, gateInBottle: "http://a-gate:8080" })).rejects.toThrow("did not serve the gate's CA certificate");
    expect(calls.length).toBe(1);
  });
});

test.each([
  ["", false],
  ["<html>not found</html>", false],
  ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n", false],
  ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", true],
])("checkedCaCertificate(%j) accepts exactly one certificate: %p", (text, ok) => {
  if (ok) expect(checkedCaCertificate(text, "x")).toBe(text);
  else expect(() => checkedCaCertificate(text, "x")).toThrow();
});
