import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dockerBackend } from "../../../../src/backend/docker/index.ts";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import type { Bottle, BackendDeps } from "../../../../src/backend/types.ts";
import { processRunner, type Runner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { busyboxImage, busyboxSpec, labelled, testDeps } from "./fixtures.ts";

const SECRET = `bottle-test-secret-${randomBytes(12).toString("hex")}`;
const suffix = randomBytes(4).toString("hex");
const ALLOWED = `origin-ok-${suffix}`;
const DENIED = `origin-no-${suffix}`;
const ECHO = `origin-echo-${suffix}`;
const made: string[] = [];

/** A runner that runs for real and records every argv and environment it was handed. */
function teeRunner(): { runner: Runner; argvs: string[][] } {
  const argvs: string[][] = [];
  return {
    argvs,
    runner: {
      run: (argv, options) => (argvs.push([...argv]), processRunner.run(argv, options)),
      start: (argv, options) => (argvs.push([...argv]), processRunner.start(argv, options)),
    },
  };
}

/** Every process's command line on this host, as text. */
function allCmdlines(): string {
  let text = "";
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      text += `${readFileSync(`/proc/${pid}/cmdline`, "utf8")}\n`;
    } catch {
      // Gone already.
    }
  }
  return text;
}

/** A busybox origin on the bottle's egress network; `echo` prints each request it receives. */
async function origin(name: string, network: string, echo = false): Promise<void> {
  const script = echo
    ? 'while true; do printf "HTTP/1.0 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\necho\\n" | nc -l -p 80; done'
    : `mkdir -p /www && echo hello-from-${name} > /www/index.html && exec httpd -f -p 80 -h /www`;
  made.push(name);
  await processRunner.run(["docker", "run", "--detach", "--name", name, "--network", network, "--label", "dev.bottle.test=isolation", "bottle-test-busybox:1", "sh", "-c", script]);
}

const inAgent = (bottle: Bottle, script: string) =>
  processRunner.run(["docker", "exec", bottle.containers[1]!, "sh", "-c", script], { check: false, timeoutMs: 60_000 });

afterAll(async () => {
  if (made.length > 0) await processRunner.run(["docker", "rm", "--force", ...made], { check: false });
}, 60_000);

describeEngine("docker isolation", () => {
  test("the agent's only way out is the gate, which enforces the policy and injects secrets it alone holds", async () => {
    await busyboxImage();
    const tee = teeRunner();
    const base = await testDeps({ BOTTLE_TEST_SECRET: SECRET });
    const deps: BackendDeps = { ...base, runner: tee.runner };
    const spec = busyboxSpec({
      egress: {
        allow: [ALLOWED],
        deny: [],
        // The origins sit on the bottle's egress bridge, a private range the SSRF guard refuses by default.
        allow_cidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
        routes: [{ name: "echo", upstream: `http://${ECHO}`, roles: [], inject: { header: "authorization", value: "Bearer ${BOTTLE_TEST_SECRET}" } }],
        dlp: { action: "block" },
      },
    });

    // Scan every command line on the host while the bottle launches.
    let scanning = true;
    let leaked = false;
    const scan = (async () => {
      while (scanning) {
        if (allCmdlines().includes(SECRET)) leaked = true;
        await Bun.sleep(10);
      }
    })();
    const plan = await dockerBackend.prepare(spec, deps);
    const bottle = await launchBottle(dockerBackend, plan, deps);
    scanning = false;
    await scan;
    try {
      expect(leaked).toBe(false);
      for (const argv of tee.argvs) expect(argv.join(" ")).not.toContain(SECRET);

      const egress = bottle.networks[1]!;
      const gate = bottle.containers[0]!;
      await Promise.all([origin(ALLOWED, egress), origin(DENIED, egress), origin(ECHO, egress, true)]);
      const address = (await processRunner.run(["docker", "inspect", "--format", `{{(index .NetworkSettings.Networks "${egress}").IPAddress}}`, ALLOWED])).stdout.trim();
      // httpd needs a moment to listen: wait on it from the gate's side of the world (the host).
      for (let i = 0; i < 100 && !(await fetch(`http://${address}/`).then((r) => r.ok, () => false)); i++) await Bun.sleep(50);

      // Direct TCP to a host on the egress network: no route from the internal network.
      const direct = await inAgent(bottle, `wget -Y off -T 3 -q -O - http://${address}/`);
      expect(direct.exitCode).not.toBe(0);
      expect(direct.stdout).not.toContain("hello-from");
      // DNS for outside names fails.
      const dns = await inAgent(bottle, "nslookup example.com");
      expect(dns.exitCode).not.toBe(0);
      expect(dns.stdout).not.toMatch(/Name:\s+example\.com/);
      // The gate is reachable.
      const health = await inAgent(bottle, `wget -Y off -q -O - http://${gate}:8080/healthz`);
      expect(health.exitCode).toBe(0);
      // An allowed origin answers through the proxy (HTTP_PROXY is set in the agent).
      const allowed = await inAgent(bottle, `wget -q -O - http://${ALLOWED}/index.html`);
      expect(allowed.stdout).toContain(`hello-from-${ALLOWED}`);
      // A denied one gets 403 from the gate.
      const denied = await inAgent(bottle, `wget -q -O - http://${DENIED}/index.html`);
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr).toContain("403");

      // The route injects the secret at the origin; the agent never holds it.
      const routed = await inAgent(bottle, `wget -Y off -q -O - --header "Authorization: Bearer bottle-placeholder" http://${gate}:8080/r/echo/v1/messages`);
      expect(routed.stdout).toContain("echo");
      const seen = await processRunner.run(["docker", "logs", ECHO]);
      expect(seen.stdout.toLowerCase()).toContain(`authorization: bearer ${SECRET}`);
      expect(seen.stdout).not.toContain("bottle-placeholder");
      const agentEnv = await inAgent(bottle, "env; cat /proc/1/environ");
      expect(agentEnv.stdout).not.toContain(SECRET);
      const inspect = await processRunner.run(["docker", "inspect", bottle.containers[1]!]);
      expect(inspect.stdout).not.toContain(SECRET);
      const files = await inAgent(bottle, `grep -rl "${SECRET}" / 2>/dev/null | grep -v ^/proc | head -1`);
      expect(files.stdout.trim()).toBe("");
    } finally {
      // The origins sit on the bottle's network: they go first, or it cannot be removed.
      await processRunner.run(["docker", "rm", "--force", ...made.splice(0)], { check: false });
      await bottle[Symbol.asyncDispose]();
      await dockerBackend.cleanup(base, { includeStopped: true });
    }
    expect(await labelled(spec.identity)).toEqual([]);
  }, 300_000);
});
