import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { dockerBackend } from "../../../../src/backend/docker/index.ts";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import type { Bottle } from "../../../../src/backend/types.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { AGENT_CA_FILE } from "../../../../src/gate/tls/agent-trust.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { ensureAgentImage } from "../../../helpers/images.ts";
import { testSpec } from "../../../helpers/start-spec.ts";
import { gateImageTrusting, makeOriginMaterial } from "../../gate/tls/tls-origin.ts";
import { labelled, testDeps } from "./fixtures.ts";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const suffix = randomBytes(4).toString("hex");
const ORIGIN = `tls-origin-${suffix}`;
const DERIVED_GATE = `bottle-test-gate-ca:${suffix}`;
const made: string[] = [];

/** The origin, in the agent image's Node: JSON of what it saw; `/left-pad` is a packument for npm. */
const ORIGIN_SERVER = `
  const https = require("node:https");
  https.createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
    let body = ""; req.on("data", (c) => (body += c)); req.on("end", () => {
      console.log("SEEN " + JSON.stringify({ method: req.method, url: req.url, authorization: req.headers.authorization }));
      res.setHeader("content-type", "application/json");
      if (req.url.startsWith("/left-pad")) return res.end(JSON.stringify({ name: "left-pad", "dist-tags": { latest: "1.3.0" }, versions: { "1.3.0": { name: "left-pad", version: "1.3.0" } } }));
      res.end(JSON.stringify({ saw: req.method + " " + req.url, authorization: req.headers.authorization ?? null, bytes: body.length }));
    });
  }).listen(443);`;

afterAll(async () => {
  if (made.length > 0) await processRunner.run(["docker", "rm", "--force", ...made], { check: false });
  await processRunner.run(["docker", "image", "rm", DERIVED_GATE], { check: false });
}, 60_000);

describeEngine("docker: TLS inspection with the default agent image", () => {
  test("curl, npm, Node and Python in the agent trust the bottle's CA; secrets are refused, the credential injected, the CA key nowhere", async () => {
    const agentImage = await ensureAgentImage();
    const material = await makeOriginMaterial([ORIGIN]);
    // The docker CLI only: the CA goes in by `docker exec` with the PEM on stdin (tls-default.test.ts covers the API's exec).
    const base = await testDeps({ BOTTLE_TEST_TOKEN: TOKEN }, (line) => process.stderr.write(`${line}\n`), { socket: false });
    // The origin's CA joins the gate image's bundle, as a corporate proxy's CA does.
    await gateImageTrusting(material, DERIVED_GATE, base.paths);
    const env = { ...base.env, BOTTLE_GATE_IMAGE: DERIVED_GATE };
    const deps = { ...base, env, settings: readSettings(env) };

    const spec = testSpec({
      agentName: "tlstest",
      env,
      agent: { image: agentImage, command: ["sh"] },
      bottle: {
        egress: {
          allow: [ORIGIN],
          deny: [],
          // The origin sits on the bottle's egress bridge, a private range.
          allow_cidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
          routes: [],
          dlp: { action: "block" },
          tls: { inspect: true, passthrough: [] },
          credentials: [{ host: ORIGIN, header: "authorization", value: "Bearer ${BOTTLE_TEST_TOKEN}" }],
        },
      },
    });
    const plan = await dockerBackend.prepare(spec, deps);
    let bottle: Bottle | undefined;
    try {
      bottle = await launchBottle(dockerBackend, plan, deps);
      const [gate, agent] = bottle.containers as [string, string];
      const egress = bottle.networks[1]!;
      const [cert, key] = await Promise.all([readFile(material.certFile, "utf8"), readFile(material.keyFile, "utf8")]);
      made.push(ORIGIN);
      // The certificate and key go by name (`--env CERT`): their values travel in docker's environment.
      await processRunner.run(["docker", "run", "--detach", "--name", ORIGIN, "--network", egress, "--label", "dev.bottle.test=tls", "--env", "CERT", "--env", "KEY", "--entrypoint", "node", agentImage, "-e", ORIGIN_SERVER], {
        env: { CERT: cert, KEY: key },
      });
      const inAgent = (script: string) => processRunner.run(["docker", "exec", agent, "sh", "-c", script], { check: false, timeoutMs: 60_000 });
      // Until the origin listens the gate answers 502: --fail makes that an exit code.
      let ready = await inAgent(`curl -sS --fail https://${ORIGIN}/ready`);
      for (let i = 0; i < 50 && ready.exitCode !== 0; i++) {
        await Bun.sleep(200);
        ready = await inAgent(`curl -sS --fail https://${ORIGIN}/ready`);
      }
      expect(ready.stderr).toBe("");

      // curl: the agent's curl trusts the system bundle, which now holds the bottle's CA.
      const viaCurl = await inAgent(`curl -sS -H "authorization: Bearer bottle-placeholder" https://${ORIGIN}/api/user`);
      expect(viaCurl.stderr).toBe("");
      expect(viaCurl.stdout).toStartWith("{");
      const answer = JSON.parse(viaCurl.stdout) as { saw: string; authorization: string };
      expect(answer.saw).toBe("GET /api/user");
      // The origin saw the real credential; the agent got it back redacted.
      expect(answer.authorization).toContain("[REDACTED:held-secret]");
      expect(viaCurl.stdout).not.toContain(TOKEN);
      const seen = (await processRunner.run(["docker", "logs", ORIGIN])).stdout;
      expect(seen).toContain(`"url":"/api/user","authorization":"Bearer ${TOKEN}"`);
      expect(seen).not.toContain("bottle-placeholder");

      // Node (NODE_EXTRA_CA_CERTS), through a CONNECT tunnel as its proxy-aware clients do.
      const node = await inAgent(`node -e '
        const http = require("node:http"), https = require("node:https"), proxy = new URL(process.env.HTTPS_PROXY);
        http.request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: "${ORIGIN}:443" }).on("connect", (res, socket) => {
          https.get({ socket, host: "${ORIGIN}", path: "/node", agent: false }, (r) => { let b = ""; r.on("data", (c) => (b += c)); r.on("end", () => { console.log(r.statusCode, JSON.parse(b).saw); socket.destroy(); }); })
            .on("error", (e) => { console.error(e.message); process.exit(1); });
        }).end();'`);
      expect(node.stderr).toBe("");
      expect(node.stdout.trim()).toBe("200 GET /node");

      // Python's urllib (SSL_CERT_FILE, https_proxy).
      const python = await inAgent(`python3 -c 'import json, urllib.request; print(json.load(urllib.request.urlopen("https://${ORIGIN}/py"))["saw"])'`);
      expect(python.stderr).toBe("");
      expect(python.stdout.trim()).toBe("GET /py");

      // npm against a registry-like origin (its proxy and CA from the environment).
      const npm = await inAgent(`cd /tmp && npm view left-pad version --registry=https://${ORIGIN}/ --https-proxy="$HTTPS_PROXY" --update-notifier=false`);
      expect(npm.stdout.trim()).toBe("1.3.0");

      // A held secret and a GitHub token in HTTPS are refused after the handshake.
      const leak = await inAgent(`curl -sS -o /dev/null -w "%{http_code}" -D - "https://${ORIGIN}/q?t=${TOKEN}"`);
      expect(leak.stdout).toMatch(/x-bottle-block: dlp:/i);
      expect(leak.stdout).toEndWith("403");
      const body = await inAgent(`curl -sS -o /dev/null -w "%{http_code}" -D - -d 'token=ghp_${"aB3".repeat(12)}' https://${ORIGIN}/upload`);
      expect(body.stdout).toMatch(/x-bottle-block: dlp:github-token/i);
      expect((await processRunner.run(["docker", "logs", ORIGIN])).stdout).not.toContain("/upload");

      // The CA certificate is installed; no private key is anywhere the agent can read, nor in its env.
      const installed = await inAgent(`cat ${AGENT_CA_FILE}`);
      expect(installed.stdout).toStartWith("-----BEGIN CERTIFICATE-----");
      const keys = await inAgent(`grep -rls "PRIVATE KEY" /etc /usr/local/share /tmp /workspace "$HOME" 2>/dev/null | head -5; env | grep -c "PRIVATE" || true`);
      expect(keys.stdout.trim()).toBe("0");
      // The gate's root is read-only: its only changes are its mount points, and what it
      // writes (the audit log in the bottle's state folder) holds no key.
      const written = (await processRunner.run(["docker", "diff", gate])).stdout.trim().split("\n");
      expect(written.filter((line) => !/^[AC] \/(etc|etc\/bottle|etc\/bottle\/gate\.json|var|var\/log|var\/log\/bottle)$/.test(line))).toEqual([]);
      const state = await processRunner.run(["grep", "-rl", "PRIVATE KEY", base.root], { check: false });
      expect(state.stdout).toBe("");
      expect((await processRunner.run(["docker", "inspect", gate, agent])).stdout).not.toContain("PRIVATE KEY");
      // The gate holds the token (its env, by name); the agent never does.
      expect((await processRunner.run(["docker", "inspect", agent])).stdout).not.toContain(TOKEN);
      expect((await inAgent(`env; grep -rl "${TOKEN}" /etc /tmp /workspace "$HOME" 2>/dev/null`)).stdout).not.toContain(TOKEN);
    } finally {
      await processRunner.run(["docker", "rm", "--force", ...made.splice(0)], { check: false });
      await bottle?.[Symbol.asyncDispose]();
      await dockerBackend.cleanup(base, { includeStopped: true });
      await rm(material.dir, { recursive: true, force: true });
    }
    expect(await labelled(spec.identity)).toEqual([]);
  }, 600_000);
});
