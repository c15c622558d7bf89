import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dockerBackend } from "../../../src/backend/docker/index.ts";
import { ensureGateImage, gateImage } from "../../../src/backend/images/gate-image.ts";
import { launchBottle } from "../../../src/backend/lifecycle/launch-bottle.ts";
import type { BackendDeps, Bottle } from "../../../src/backend/types.ts";
import { processRunner, type Runner } from "../../../src/core/runner.ts";
import { readSettings } from "../../../src/core/settings.ts";
import { AGENT_CA_FILE } from "../../../src/gate/tls/agent-trust.ts";
import { ensureAgentImage } from "../../helpers/images.ts";
import { describeRemoteEngine, holdRemoteEngine, loadRemoteImages, remoteEngine, runnerWithEnv } from "../../helpers/remote-engine.ts";
import { testSpec } from "../../helpers/start-spec.ts";
import { makeOriginMaterial } from "../gate/tls/tls-origin.ts";
import { testDeps } from "../backend/docker/fixtures.ts";

const HELD = `bottle-remote-held-${randomBytes(12).toString("hex")}`;
const suffix = randomBytes(4).toString("hex");
const ORIGIN = `tls-remote-origin-${suffix}`;
const DERIVED_GATE = `bottle-test-gate-ca-remote:${suffix}`;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 120_000);

/** The origin, in the agent image's Node: it answers what it saw, as JSON. */
const ORIGIN_SERVER = `
  require("node:https").createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
    console.log("SEEN " + req.method + " " + req.url + " " + (req.headers.authorization ?? "-"));
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ saw: req.method + " " + req.url, authorization: req.headers.authorization ?? null }));
  }).listen(443);`;

/**
 * Inspection on the second engine, whose bridges this host cannot reach: the CLI has
 * the gate's own binary print its CA in the gate's container (`bottle gate ca`, by
 * `docker exec`) and installs it, and the gate, by default, terminates the agent's HTTPS.
 */
describeRemoteEngine("TLS inspection on a remote engine", () => {
  holdRemoteEngine();
  test("by default the agent's curl over HTTPS is inspected on a remote engine over tls: the answer comes, a held secret is refused", async () => {
    const engine = await remoteEngine("tls");
    const agentImage = await ensureAgentImage();
    const material = await makeOriginMaterial([ORIGIN]);
    cleanups.push(() => rm(material.dir, { recursive: true, force: true }));
    const base = await testDeps({ ...engine.env, BOTTLE_SUBNET_POOL: "198.19.0.0/17", BOTTLE_TEST_HELD: HELD });
    // The origin's CA joins the gate image's bundle (as a corporate proxy's would), built here and loaded there.
    const plain = gateImage(undefined, base.paths);
    await ensureGateImage(plain, processRunner, () => {});
    const context = join(material.dir, "gate-image");
    await mkdir(context);
    await writeFile(join(context, "bundle.crt"), `${await readFile("/etc/ssl/certs/ca-certificates.crt", "utf8")}\n${await readFile(material.caFile, "utf8")}`);
    await writeFile(join(context, "Dockerfile"), `FROM ${plain.ref}\nCOPY bundle.crt /etc/ssl/certs/ca-certificates.crt\n`);
    await processRunner.run(["docker", "build", "-q", "-t", DERIVED_GATE, "--label", "dev.bottle.test=tls", context]);
    cleanups.push(() => processRunner.run(["docker", "image", "rm", DERIVED_GATE], { check: false }));
    await loadRemoteImages(agentImage, DERIVED_GATE);
    const runner: Runner = runnerWithEnv(engine.env);
    cleanups.push(() => runner.run(["docker", "image", "rm", DERIVED_GATE], { check: false }));
    const env = { ...base.env, BOTTLE_GATE_IMAGE: DERIVED_GATE };
    const deps: BackendDeps = { ...base, env, runner, settings: readSettings(env) };

    const spec = testSpec({
      agentName: "tlsremote",
      env,
      agent: { image: agentImage, command: ["sh"] },
      bottle: {
        // Supervise shares files with this host: not across engines.
        supervise: false,
        egress: {
          allow: [ORIGIN],
          deny: [],
          // The origin sits on the bottle's egress bridge, in the engine's private range.
          allow_cidrs: [engine.bridges],
          // A route holds the secret: the gate refuses it wherever it appears.
          routes: [{ name: "held", upstream: "https://held.invalid", roles: [], inject: { header: "x-api-key", value: "${BOTTLE_TEST_HELD}" } }],
          dlp: { action: "block" },
        },
      },
    });
    expect(spec.bottle.egress.tls).toBeUndefined();
    const plan = await dockerBackend.prepare(spec, deps);
    expect(plan.details.engine.reachesBridges).toBe(false);
    const bottle: Bottle = await launchBottle(dockerBackend, plan, deps);
    cleanups.push(() => dockerBackend.cleanup(base, { includeStopped: true }), async () => bottle[Symbol.asyncDispose]());
    const agent = bottle.containers[1]!;
    const [cert, key] = await Promise.all([readFile(material.certFile, "utf8"), readFile(material.keyFile, "utf8")]);
    cleanups.push(() => runner.run(["docker", "rm", "--force", ORIGIN], { check: false }));
    await runner.run(["docker", "run", "--detach", "--name", ORIGIN, "--network", bottle.networks[1]!, "--label", "dev.bottle.test=tls", "--env", "CERT", "--env", "KEY", "--entrypoint", "node", agentImage, "-e", ORIGIN_SERVER], {
      env: { CERT: cert, KEY: key },
    });
    const inAgent = (script: string) => runner.run(["docker", "exec", agent, "sh", "-c", script], { check: false, timeoutMs: 60_000 });

    // The CLI installed the gate's CA, read in the gate's container.
    expect((await inAgent(`cat ${AGENT_CA_FILE}`)).stdout).toStartWith("-----BEGIN CERTIFICATE-----");
    // Until the origin listens the gate answers 502: --fail makes that an exit code.
    let ready = await inAgent(`curl -sS --fail https://${ORIGIN}/ready`);
    for (let i = 0; i < 50 && ready.exitCode !== 0; i++) {
      await Bun.sleep(200);
      ready = await inAgent(`curl -sS --fail https://${ORIGIN}/ready`);
    }
    expect(ready.stderr).toBe("");
    // The agent's curl verified the gate's leaf (the origin's CA is not in the agent's trust).
    const viaCurl = await inAgent(`curl -sS -v https://${ORIGIN}/api?x=1 2>&1`);
    expect(viaCurl.stdout).toContain('"saw":"GET /api?x=1"');
    expect(viaCurl.stdout).toMatch(/issuer: CN=bottle gate CA/);
    // A held secret in the HTTPS URL: 403 with X-Bottle-Block, after the handshake; the origin never sees it.
    const leak = await inAgent(`curl -sS -o /dev/null -w "%{http_code}" -D - "https://${ORIGIN}/q?t=${HELD}"`);
    expect(leak.stdout).toMatch(/x-bottle-block: dlp:held-secret/i);
    expect(leak.stdout).toEndWith("403");
    const seen = (await runner.run(["docker", "logs", ORIGIN])).stdout;
    expect(seen).toContain("SEEN GET /api?x=1");
    expect(seen).not.toContain(HELD);
  }, 600_000);
});
