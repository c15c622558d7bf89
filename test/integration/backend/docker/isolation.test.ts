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
      // A service on the host listening on all addresses: out of reach through the
      // internal bridge's gateway address (the bridge holds none) or the egress one's.
      // Docker gives a bridge the first address of its subnet (bottle names only the subnet).
      const gatewayOf = async (network: string) => {
        const subnet = (await processRunner.run(["docker", "network", "inspect", "--format", "{{(index .IPAM.Config 0).Subnet}}", network])).stdout.trim();
        const [a, b, c, d] = subnet.split("/")[0]!.split(".").map(Number);
        return `${a}.${b}.${c}.${d! + 1}`;
      };
      const internalGateway = await gatewayOf(bottle.networks[0]!);
      const egressGateway = await gatewayOf(egress);
      const hostService = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { open: (socket) => void socket.end("host-service-answered\n"), data() {} } });
      try {
        // The host itself reaches it on both addresses (so a refusal below is the bottle's doing).
        const fromHost = await new Promise<string>((resolve) => {
          let text = "";
          void Bun.connect({ hostname: egressGateway, port: hostService.port, socket: { data: (_socket, chunk) => void (text += chunk.toString()), close: () => resolve(text), error: () => resolve(text) } });
        });
        expect(fromHost).toContain("host-service-answered");
        for (const address of [internalGateway, egressGateway]) {
          const reached = await inAgent(bottle, `nc -w 3 ${address} ${hostService.port} </dev/null`);
          expect(reached.stdout).not.toContain("host-service-answered");
        }
      } finally {
        hostService.stop(true);
      }
      // A lookup of an outside name goes no further than the agent's own loopback: a
      // listener there (in the agent's network namespace, as root) gets the query, which
      // without the bottle's resolver setting went to the host's resolvers.
      const probe = `dns-probe-${suffix}`;
      made.push(probe);
      const listener = "Bun.udpSocket({ hostname: '127.0.0.1', port: 53, socket: { data(_s, buf) { console.log('query ' + buf.toString('latin1').replace(/[^a-z0-9-]/g, '.')); } } }).then(() => console.log('listening'));";
      await processRunner.run(["docker", "run", "--detach", "--name", probe, "--label", "dev.bottle.test=isolation", "--network", `container:${bottle.containers[1]!}`, "--user", "0", "--env", "BUN_BE_BUN=1", "--entrypoint", "/usr/local/bin/bottle", plan.details.gateImage.ref, "-e", `${listener} setInterval(() => {}, 1000);`]);
      for (let i = 0; i < 100 && !(await processRunner.run(["docker", "logs", probe])).stdout.includes("listening"); i++) await Bun.sleep(50);
      await inAgent(bottle, `timeout 5 nslookup leak-${suffix}.example.com`);
      expect((await processRunner.run(["docker", "logs", probe])).stdout).toContain(`leak-${suffix}.example`);
      // The gate's container is capped: one hostile bottle's gate cannot take the host's memory or fork without end.
      const limits = (await processRunner.run(["docker", "inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}}", gate])).stdout.trim();
      expect(limits).toBe(`${1024 ** 3} ${1024 ** 3} 512`);
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
      // Every file but /proc, /sys and /dev (a `grep -r /` never ends there: it timed out, found nothing, and passed).
      const files = await inAgent(bottle, `find / \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o -type f -print | xargs grep -l "${SECRET}" 2>/dev/null; echo scan-done`);
      expect(files.stdout.trim()).toBe("scan-done");
    } finally {
      // The origins sit on the bottle's network: they go first, or it cannot be removed.
      await processRunner.run(["docker", "rm", "--force", ...made.splice(0)], { check: false });
      await bottle[Symbol.asyncDispose]();
      await dockerBackend.cleanup(base, { includeStopped: true });
    }
    expect(await labelled(spec.identity)).toEqual([]);
  }, 300_000);
});
