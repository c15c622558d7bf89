import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { dockerBackend } from "../../../../src/backend/docker/index.ts";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import type { Bottle } from "../../../../src/backend/types.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { ensureAgentImage } from "../../../helpers/images.ts";
import { testSpec } from "../../../helpers/start-spec.ts";
import { gateImageTrusting, makeOriginMaterial } from "../../gate/tls/tls-origin.ts";
import { labelled, testDeps } from "./fixtures.ts";

const HELD = `bottle-fetch-held-${randomBytes(12).toString("hex")}`;
const suffix = randomBytes(4).toString("hex");
const ORIGIN = `fetch-origin-${suffix}`;
const DERIVED_GATE = `bottle-test-gate-ca-fetch:${suffix}`;
const made: string[] = [];

/** The origin, in the agent image's Node (nothing pulled): HTTPS on 443 and plain HTTP on 80, one `SEEN` line per request. */
const ORIGIN_SERVER = String.raw`
  const http = require("node:http"), https = require("node:https");
  const handle = (scheme) => (req, res) => {
    let body = ""; req.on("data", (c) => (body += c)); req.on("end", () => {
      console.log("SEEN " + scheme + " " + req.method + " " + req.url + " " + body.length);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ saw: scheme + " " + req.method + " " + req.url }));
    });
  };
  https.createServer({ cert: process.env.CERT, key: process.env.KEY }, handle("https")).listen(443);
  http.createServer(handle("http")).listen(80);`;

/**
 * Node's global `fetch` as an agent's script calls it, configured by nothing but the
 * image: argv is the URL, then optionally a method and a body. Prints the status, the
 * gate's block header and the body as JSON; a failed fetch exits 1 with its cause.
 */
const FETCH = String.raw`
  const [url, method = "GET", body] = process.argv.slice(1);
  fetch(url, { method, body }).then(
    async (r) => console.log(JSON.stringify({ status: r.status, block: r.headers.get("x-bottle-block"), body: await r.text() })),
    (e) => { console.error("fetch failed: " + (e.cause?.code ?? e.cause?.message ?? e.message)); process.exit(1); });`;

interface Fetched {
  status: number;
  block: string | null;
  body: string;
}

afterAll(async () => {
  if (made.length > 0) await processRunner.run(["docker", "rm", "--force", ...made], { check: false });
  await processRunner.run(["docker", "image", "rm", DERIVED_GATE], { check: false });
}, 60_000);

describeEngine("docker: Node's fetch in the default agent image goes through the gate", () => {
  test("https and http through inspection with nothing configured, a held secret refused, NO_PROXY honoured, npm and claude unharmed", async () => {
    // The tag is shared by every test process; its id pins the image this file built.
    const tag = await ensureAgentImage();
    const agentImage = (await processRunner.run(["docker", "image", "inspect", "--format", "{{.Id}}", tag])).stdout.trim();
    const material = await makeOriginMaterial([ORIGIN]);
    const base = await testDeps({ BOTTLE_TEST_HELD: HELD }, (line) => process.stderr.write(`${line}\n`));
    // The origin's CA joins the gate image's bundle, as a corporate proxy's CA does.
    await gateImageTrusting(material, DERIVED_GATE, base.paths);
    const env = { ...base.env, BOTTLE_GATE_IMAGE: DERIVED_GATE };
    const deps = { ...base, env, settings: readSettings(env) };

    const spec = testSpec({
      agentName: "nodefetch",
      env,
      agent: { image: agentImage, command: ["sh"] },
      bottle: {
        supervise: false,
        // No tls key: inspection is the default.
        egress: {
          allow: [ORIGIN],
          deny: [],
          // The origin sits on the bottle's egress bridge, a private range.
          allow_cidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
          // A route holds the secret: the gate refuses it wherever it appears.
          routes: [{ name: "held", upstream: "https://held.invalid", roles: [], inject: { header: "x-api-key", value: "${BOTTLE_TEST_HELD}" } }],
          dlp: { action: "block" },
        },
      },
    });
    let bottle: Bottle | undefined;
    try {
      bottle = await launchBottle(dockerBackend, await dockerBackend.prepare(spec, deps), deps);
      const agent = bottle.containers[1]!;
      const [cert, key] = await Promise.all([readFile(material.certFile, "utf8"), readFile(material.keyFile, "utf8")]);
      made.push(ORIGIN);
      await processRunner.run(["docker", "run", "--detach", "--name", ORIGIN, "--network", bottle.networks[1]!, "--label", "dev.bottle.test=tls", "--env", "CERT", "--env", "KEY", "--entrypoint", "node", agentImage, "-e", ORIGIN_SERVER], {
        env: { CERT: cert, KEY: key },
      });
      // As the agent runs: its user, and only the env the bottle gave it (plus `extra`).
      const exec = (argv: string[], extra: Record<string, string> = {}) =>
        processRunner.run(["docker", "exec", "--user", "agent", ...Object.keys(extra).flatMap((name) => ["--env", name]), agent, ...argv], { check: false, timeoutMs: 60_000, env: extra });
      const fetchIn = async (args: string[], extra: Record<string, string> = {}) => {
        const run = await exec(["node", "-e", FETCH, ...args], extra);
        return { ...run, answer: run.exitCode === 0 ? (JSON.parse(run.stdout) as Fetched) : undefined };
      };
      let ready = await fetchIn([`https://${ORIGIN}/ready`]);
      for (let i = 0; i < 50 && ready.answer?.status !== 200; i++) {
        await Bun.sleep(200);
        ready = await fetchIn([`https://${ORIGIN}/ready`]);
      }

      // HTTPS: a CONNECT to the gate, which inspects it (the agent trusts the bottle's CA). Nothing on stderr: no warning either.
      const https = await fetchIn([`https://${ORIGIN}/node-fetch?page=1`]);
      expect(https.stderr).toBe("");
      expect(https.answer).toEqual({ status: 200, block: null, body: JSON.stringify({ saw: "https GET /node-fetch?page=1" }) });
      // Plain HTTP: an absolute-form request the gate relays (it tunnels only TLS).
      const http = await fetchIn([`http://${ORIGIN}/plain`]);
      expect(http.stderr).toBe("");
      expect(http.answer).toEqual({ status: 200, block: null, body: JSON.stringify({ saw: "http GET /plain" }) });
      const post = await fetchIn([`https://${ORIGIN}/upload`, "POST", "twelve bytes"]);
      expect(post.answer?.body).toBe(JSON.stringify({ saw: "https POST /upload" }));
      // An ES module (the CommonJS preload still runs first), and a script that loads the
      // image's undici itself before fetching (the preload then runs inside undici's own loading).
      const esm = await exec(["node", "--input-type=module", "-e", `const r = await fetch("https://${ORIGIN}/esm"); console.log(r.status, await r.text());`]);
      expect(esm.stderr).toBe("");
      expect(esm.stdout.trim()).toBe(`200 ${JSON.stringify({ saw: "https GET /esm" })}`);
      const own = await exec(["node", "-e", `require("/usr/local/lib/node_modules/undici"); ${FETCH}`, `https://${ORIGIN}/own-undici`]);
      expect(own.stderr).toBe("");
      expect(JSON.parse(own.stdout)).toEqual({ status: 200, block: null, body: JSON.stringify({ saw: "https GET /own-undici" }) });

      // A held secret in the URL or the body, over HTTPS or HTTP: the gate's 403, which fetch hands back as a response.
      for (const args of [[`https://${ORIGIN}/q?k=${HELD}`], [`http://${ORIGIN}/q?k=${HELD}`], [`https://${ORIGIN}/leak`, "POST", `k=${HELD}`]]) {
        const leak = await fetchIn(args);
        expect(leak.stderr).toBe("");
        expect(leak.answer?.status).toBe(403);
        expect(leak.answer?.block).toBe("dlp:held-secret");
      }

      // NO_PROXY: the gate itself is exempt, so its proxy port sees an origin-form /healthz
      // (through itself, an absolute-form http://gate/healthz would be an egress request, refused).
      const direct = await exec(["sh", "-c", `node -e "fetch(process.env.BOTTLE_GATE_URL + '/healthz').then(async (r) => console.log(r.status, (await r.json()).status))"`]);
      expect(direct.stderr).toBe("");
      expect(direct.stdout.trim()).toBe("200 ok");
      // A host the agent adds to NO_PROXY goes direct, and from the internal network that
      // reaches nothing (the origin's log, below, never sees it).
      const bypass = await fetchIn([`https://${ORIGIN}/bypassed`], { NO_PROXY: `${ORIGIN},localhost`, no_proxy: `${ORIGIN},localhost` });
      expect(bypass.exitCode).toBe(1);
      expect(bypass.stderr).toStartWith("fetch failed: ");
      // The preload is what does it: without it Node 18's fetch ignores the proxy and goes
      // direct like that (Debian's undici 5.15 then times out rather than failing to resolve).
      const bare = await fetchIn([`https://${ORIGIN}/bare`], { NODE_OPTIONS: "" });
      expect(bare.exitCode).toBe(1);
      expect(bare.stderr).toStartWith("fetch failed: ");

      const seen = (await processRunner.run(["docker", "logs", ORIGIN])).stdout;
      expect(seen).toContain("SEEN https GET /node-fetch?page=1 0");
      expect(seen).toContain("SEEN http GET /plain 0");
      expect(seen).toContain("SEEN https POST /upload 12");
      expect(seen).toContain("SEEN https GET /esm 0");
      expect(seen).toContain("SEEN https GET /own-undici 0");
      expect(seen).not.toContain(HELD);
      expect(seen).not.toContain("/leak");
      expect(seen).not.toContain("/bypassed");
      expect(seen).not.toContain("/bare");

      // Every node process loads the preload: npm and Claude Code still run, and a node that never fetches is untouched.
      const tools = await exec(["sh", "-c", `echo "$NODE_OPTIONS"; npm --version; claude --version; node -e 'console.log("plain node")'`]);
      expect(tools.stderr).toBe("");
      const [options, npm, claude, node] = tools.stdout.trim().split("\n");
      expect(options).toBe("--require /usr/local/lib/bottle/proxy-fetch.cjs");
      expect(npm).toMatch(/^\d+\.\d+\.\d+$/);
      expect(claude).toContain("(Claude Code)");
      expect(node).toBe("plain node");
    } finally {
      await processRunner.run(["docker", "rm", "--force", ...made.splice(0)], { check: false });
      await bottle?.[Symbol.asyncDispose]();
      await dockerBackend.cleanup(base, { includeStopped: true });
      await rm(material.dir, { recursive: true, force: true });
    }
    expect(await labelled(spec.identity)).toEqual([]);
  }, 600_000);
});
