import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubernetesInput } from "../../../src/backend/kubernetes/kube-input.ts";
import { serviceHostVariable } from "../../../src/backend/kubernetes/kube-names.ts";
import { registerSuperviseInPod } from "../../../src/backend/kubernetes/register-supervise-in-pod.ts";
import { trustGateCaInPod } from "../../../src/backend/kubernetes/trust-gate-ca-in-pod.ts";
import { readSettings } from "../../../src/core/settings.ts";
import { DEFAULT_MANIFEST } from "../../../src/manifest/default-manifest.ts";
import { resolveStart } from "../../../src/manifest/resolve.ts";
import { startTestGate } from "../gate/harness.ts";
import { hostExecKube, type HostExecCall } from "../../helpers/host-exec-kube.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** The every-launch input of a default bottle with TLS inspection and supervise on. */
function bottleInput() {
  const spec = resolveStart({ manifest: DEFAULT_MANIFEST, file: "<built-in>", dir: "/work/project" }, { env: { CLAUDE_CODE_OAUTH_TOKEN: "x" }, identity: "claude-abcdefgh" });
  const withBoth = { ...spec, bottle: { ...spec.bottle, supervise: true, egress: { ...spec.bottle.egress, tls: { inspect: true, passthrough: [] } } } } as typeof spec;
  return kubernetesInput(withBoth, {
    owner: "/state",
    namespace: "bottles",
    images: { agent: "agent:1", gate: "gate:1" },
    settings: readSettings({}),
  });
}

/**
 * What launch does in the agent's pod before the agent runs, over the exec API — here
 * against a real gate on this host (its CA, its control port) and a host-exec stand-in
 * for the API (no cluster can run here): the commands, their shell and their stdin are
 * the ones a pod gets.
 */
describe("kubernetes launch, in the agent's pod: the gate's CA and supervise", () => {
  test("the gate's CA is read from its control port as the agent reaches it, and written with the image's roots into the agent's bundle", async () => {
    await using gate = await startTestGate({ tls: { inspect: true } }, {}, undefined, undefined, { control: true });
    const home = await mkdtemp(join(tmpdir(), "bottle-kube-pod-"));
    dirs.push(home);
    const input = bottleInput();
    const bottle = { ...input, gate: { ...input.gate, controlPort: gate.controlPort! }, agent: { ...input.agent, trustBundle: join(home, "ca-certificates.crt") } };
    const calls: HostExecCall[] = [];
    // The kubelet sets the Service's variable in the pod; here the gate is on loopback.
    const client = hostExecKube(calls, { [serviceHostVariable(bottle.names.service)]: "127.0.0.1" });
    await trustGateCaInPod(client, bottle);
    const served = await (await fetch(`http://127.0.0.1:${gate.controlPort}/tls/ca.pem`)).text();
    const bundle = await readFile(join(home, "ca-certificates.crt"), "utf8");
    const roots = await readFile("/etc/ssl/certs/ca-certificates.crt", "utf8");
    expect(bundle).toBe(`${roots}${served}`);
    expect(calls.every((call) => call.pod === bottle.names.agentPod && call.container === "agent")).toBe(true);
    // The PEM travelled on stdin, never on argv.
    expect(JSON.stringify(calls)).not.toContain("BEGIN CERTIFICATE");
  });

  test("a port that serves no certificate is refused before anything is written", async () => {
    const home = await mkdtemp(join(tmpdir(), "bottle-kube-pod-"));
    dirs.push(home);
    await using origin = { server: Bun.serve({ port: 0, fetch: () => new Response("<html>not a certificate</html>") }), async [Symbol.asyncDispose]() { this.server.stop(true); } };
    const input = bottleInput();
    const bottle = { ...input, gate: { ...input.gate, controlPort: origin.server.port! }, agent: { ...input.agent, trustBundle: join(home, "ca-certificates.crt") } };
    const client = hostExecKube([], { [serviceHostVariable(bottle.names.service)]: "127.0.0.1" });
    await expect(trustGateCaInPod(client, bottle)).rejects.toThrow("did not serve the gate's CA certificate");
    expect(await Bun.file(join(home, "ca-certificates.crt")).exists()).toBe(false);
  });

  test("supervise is registered in Claude Code's config with the pod's URL and the launch's token; the rest of the config is kept", async () => {
    const home = await mkdtemp(join(tmpdir(), "bottle-kube-home-"));
    dirs.push(home);
    await writeFile(join(home, ".claude.json"), JSON.stringify({ projects: { "/workspace": { history: ["kept"] } } }));
    const bottle = bottleInput();
    const calls: HostExecCall[] = [];
    const client = hostExecKube(calls, { HOME: home, BOTTLE_SUPERVISE_URL: "http://10.96.0.7:8081/mcp" });
    await registerSuperviseInPod(client, bottle, "launch-token-123");
    const config = JSON.parse(await readFile(join(home, ".claude.json"), "utf8"));
    expect(config.projects["/workspace"].history).toEqual(["kept"]);
    expect(config.mcpServers.bottle).toEqual({ type: "http", url: "http://10.96.0.7:8081/mcp", headers: { Authorization: "Bearer launch-token-123" } });
    expect((await Bun.file(join(home, ".claude.json")).stat()).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(calls)).not.toContain("launch-token-123");
  });
});
