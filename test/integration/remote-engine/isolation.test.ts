import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { dockerBackend } from "../../../src/backend/docker/index.ts";
import { launchBottle } from "../../../src/backend/lifecycle/launch-bottle.ts";
import type { BackendDeps, Bottle } from "../../../src/backend/types.ts";
import type { Runner } from "../../../src/core/runner.ts";
import { BUSYBOX_IMAGE, ensureBusyboxImage } from "../../helpers/images.ts";
import { describeRemoteEngine, holdRemoteEngine, loadRemoteImages, remoteEngine, runnerWithEnv, type RemoteTransport } from "../../helpers/remote-engine.ts";
import { busyboxSpec, testDeps } from "../backend/docker/fixtures.ts";

const SECRET = `bottle-test-secret-${randomBytes(12).toString("hex")}`;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 120_000);

/**
 * The isolation the local engine's test checks, on the second engine: the agent's only
 * way out is the gate, which enforces the policy and injects a secret it alone holds.
 * Nothing here reaches a container's bridge address from this host (the host cannot:
 * the range is unreachable); the origins are waited on from a container beside them.
 */
function remoteIsolation(transport: RemoteTransport) {
  test(`the agent's only way out is the gate, on a remote engine over ${transport}`, async () => {
    const engine = await remoteEngine(transport);
    await ensureBusyboxImage();
    await loadRemoteImages(BUSYBOX_IMAGE);
    const runner: Runner = runnerWithEnv(engine.env);
    const suffix = randomBytes(4).toString("hex");
    const [allowed, denied, echo] = [`origin-ok-${suffix}`, `origin-no-${suffix}`, `origin-echo-${suffix}`];
    const base = await testDeps({ ...engine.env, BOTTLE_SUBNET_POOL: "198.19.0.0/17", BOTTLE_TEST_SECRET: SECRET });
    const deps: BackendDeps = { ...base, runner };
    const spec = busyboxSpec({
      egress: {
        allow: [allowed],
        deny: [],
        // The origins sit on the bottle's egress bridge, in the engine's private range.
        allow_cidrs: [engine.bridges],
        routes: [{ name: "echo", upstream: `http://${echo}`, roles: [], inject: { header: "authorization", value: "Bearer ${BOTTLE_TEST_SECRET}" } }],
        dlp: { action: "block" },
      },
    });
    const bottle: Bottle = await launchBottle(dockerBackend, await dockerBackend.prepare(spec, deps), deps);
    cleanups.push(() => dockerBackend.cleanup(base, { includeStopped: true }), async () => bottle[Symbol.asyncDispose]());
    const inAgent = (script: string) => runner.run(["docker", "exec", bottle.containers[1]!, "sh", "-c", script], { check: false, timeoutMs: 60_000 });
    const egress = bottle.networks[1]!;
    const gate = bottle.containers[0]!;
    const origin = async (name: string, script: string) => {
      cleanups.push(() => runner.run(["docker", "rm", "--force", name], { check: false }));
      await runner.run(["docker", "run", "--detach", "--name", name, "--network", egress, "--label", "dev.bottle.test=remote-isolation", BUSYBOX_IMAGE, "sh", "-c", script]);
    };
    await Promise.all([
      origin(allowed, `mkdir -p /www && echo hello-from-${allowed} > /www/index.html && exec httpd -f -p 80 -h /www`),
      origin(denied, `mkdir -p /www && echo hello-from-${denied} > /www/index.html && exec httpd -f -p 80 -h /www`),
      origin(echo, 'while true; do printf "HTTP/1.0 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\necho\\n" | nc -l -p 80; done'),
    ]);
    // Waited on from beside the origins (the host has no route to them).
    const ready = await runner.run(["docker", "run", "--rm", "--network", egress, BUSYBOX_IMAGE, "sh", "-c", `for i in $(seq 100); do wget -q -O /dev/null http://${allowed}/ && exit 0; sleep 0.1; done; exit 1`], { check: false });
    expect(ready.exitCode).toBe(0);
    const address = (await runner.run(["docker", "inspect", "--format", `{{(index .NetworkSettings.Networks "${egress}").IPAddress}}`, allowed])).stdout.trim();

    // No direct route from the internal network, no DNS for outside names.
    const direct = await inAgent(`timeout 2 wget -Y off -q -O - http://${address}/`);
    expect(direct.stdout).not.toContain("hello-from");
    expect(direct.exitCode).not.toBe(0);
    const dns = await inAgent("timeout 3 nslookup example.com");
    expect(dns.stdout).not.toMatch(/Name:\s+example\.com/);
    // Through the gate: the allowed origin answers, the denied one is refused with 403.
    expect((await inAgent(`wget -q -O - http://${allowed}/index.html`)).stdout).toContain(`hello-from-${allowed}`);
    const refused = await inAgent(`wget -q -O - http://${denied}/index.html`);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("403");
    // The route injects the secret at the origin; the agent never holds it.
    const routed = await inAgent(`wget -Y off -q -O - --header "Authorization: Bearer bottle-placeholder" http://${gate}:8080/r/echo/v1/messages`);
    expect(routed.stdout).toContain("echo");
    const seen = await runner.run(["docker", "logs", echo]);
    expect(seen.stdout.toLowerCase()).toContain(`authorization: bearer ${SECRET}`);
    expect((await inAgent("env; cat /proc/1/environ")).stdout).not.toContain(SECRET);
    expect((await runner.run(["docker", "inspect", bottle.containers[1]!])).stdout).not.toContain(SECRET);
  }, 240_000);
}

describeRemoteEngine("docker isolation on a remote engine", () => {
  holdRemoteEngine();
  describe("tls", () => remoteIsolation("tls"));
  describe("ssh", () => remoteIsolation("ssh"));
});
