import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import { smolmachinesBackend } from "../../../../src/backend/smolmachines/index.ts";
import { guestExec } from "../../../../src/backend/smolmachines/machine-commands.ts";
import { GUEST_CA_BUNDLE } from "../../../../src/backend/smolmachines/smol-plan.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { AGENT_CA_BUNDLE } from "../../../../src/gate/tls/agent-trust.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { writeAgentContext } from "../../../fixtures/smolvm/agent-context.ts";
import { disposeWorld, smolDeps, smolLeftovers, smolSpec, smolWorld, type SmolWorld } from "./fixtures.ts";
import { bridgeGateway } from "../../../helpers/bridge-gateway.ts";

// Shaped like an AWS access key id: the gate's DLP refuses it in an inspected URL.
const AWS_KEY = "AKIAQWERTYUIOPASDFGH";

/**
 * An inspected bottle whose one allowed host is the default bridge's gateway, an IP:
 * the gate needs no DNS for it (the fake's gate has none for test names), answers the
 * CONNECT, and terminates TLS with a leaf for that address. Nothing listens on its 443,
 * so a request that passes the policy gets the gate's 502 — over a handshake the guest
 * had to verify. A guest that does not trust the bottle's CA never sees an HTTP status.
 */
async function inspecting(options: { byDefault?: boolean } = {}) {
  const gateway = await bridgeGateway();
  // By default (no tls key) the gate inspects, as with `tls: { inspect: true }`.
  const tls = options.byDefault ? {} : { tls: { inspect: true, passthrough: [] } };
  const bottle = { egress: { allow: [gateway], deny: [], allow_cidrs: [`${gateway}/32`], routes: [], dlp: { action: "block" as const }, ...tls } };
  return { gateway, bottle };
}

describeEngine("smolmachines: the bottle's CA in the guest (fake smolvm, real gate with TLS inspection, real clients)", () => {
  let world: SmolWorld;
  beforeAll(async () => {
    world = await smolWorld();
  }, 300_000);
  afterAll(() => disposeWorld(world));

  test("by default, a non-root guest's curl completes the handshake with the gate and sees its answers; a resume trusts the new gate's CA", async () => {
    const deps = await smolDeps(world);
    const { gateway, bottle } = await inspecting({ byDefault: true });
    const spec = smolSpec(world, {}, { env: deps.env, bottle });
    const machine = `bottle-${spec.identity}`;
    const inGuest = (script: string) => processRunner.run(guestExec(machine, ["sh", "-c", script]), { check: false, timeoutMs: 60_000 });
    // The gate's answer after the TLS handshake: a policy 403 names its reason, an unresolvable allowed host is a 502.
    const status = (url: string) => inGuest(`curl -s -o /dev/null --max-time 20 -w '%{http_code} %header{x-bottle-block}' '${url}'; echo " exit=$?"`);
    const cas: string[] = [];
    for (const round of ["start", "resume"]) {
      const plan = await smolmachinesBackend.prepare(spec, deps);
      expect(plan.resume).toBe(round === "resume");
      await using _bottle = await launchBottle(smolmachinesBackend, plan, deps);
      expect((await inGuest("id -u")).stdout.trim()).toBe("1000");
      expect((await status(`https://${gateway}/x`)).stdout).toBe("502  exit=0\n");
      expect((await status(`https://${gateway}/x?key=${AWS_KEY}`)).stdout).toMatch(/^403 dlp:\S+ exit=0\n$/);
      // Every trust variable names the guest's bundle, which holds the image's roots and the CA.
      const env = await inGuest("for v in NODE_EXTRA_CA_CERTS SSL_CERT_FILE REQUESTS_CA_BUNDLE GIT_SSL_CAINFO CURL_CA_BUNDLE; do eval echo \\$$v; done");
      expect(env.stdout.trim().split("\n")).toEqual(Array(5).fill(GUEST_CA_BUNDLE));
      const ca = (await inGuest("cat /tmp/bottle/bottle-gate-ca.pem")).stdout;
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
      expect((await inGuest(`cat ${GUEST_CA_BUNDLE}`)).stdout).toContain(ca);
      // Only the certificate reached the guest: no private key in what provisioning wrote, nor in its env.
      const keys = await inGuest('grep -rls "PRIVATE KEY" /tmp /etc /workspace "$HOME" 2>/dev/null | head -3; env | grep -c "PRIVATE KEY"');
      expect(keys.stdout).toBe("0\n");
      cas.push(ca);
    }
    // A resumed bottle's gate made a new CA; the guest trusts that one (the handshake above), not the old.
    expect(cas[1]).not.toBe(cas[0]);
    expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 600_000);

  test("a root guest gets the CA in its system bundle too: curl trusts it without the trust variables", async () => {
    const deps = await smolDeps(world);
    const { gateway, bottle } = await inspecting();
    const context = join(world.root, "root-agent");
    await mkdir(context, { recursive: true });
    const dockerfile = await writeAgentContext(context, processRunner, basename(world.root));
    const spec = smolSpec(world, { image: { dockerfile } }, { env: deps.env, bottle });
    const machine = `bottle-${spec.identity}`;
    const inGuest = (script: string) => processRunner.run(guestExec(machine, ["sh", "-c", script]), { check: false, timeoutMs: 60_000 });
    {
      await using _bottle = await launchBottle(smolmachinesBackend, await smolmachinesBackend.prepare(spec, deps), deps);
      expect((await inGuest("id -u")).stdout.trim()).toBe("0");
      const ca = (await inGuest("cat /tmp/bottle/bottle-gate-ca.pem")).stdout;
      expect((await inGuest(`cat ${AGENT_CA_BUNDLE}`)).stdout).toContain(ca);
      // curl reads the system bundle alone here: the gate's 502 arrives only over a verified handshake.
      const curl = await inGuest(`env -u SSL_CERT_FILE -u CURL_CA_BUNDLE curl -s -o /dev/null --max-time 20 -w '%{http_code}' https://${gateway}/x; echo " exit=$?"`);
      expect(curl.stdout).toBe("502 exit=0\n");
    }
    expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 600_000);
});
