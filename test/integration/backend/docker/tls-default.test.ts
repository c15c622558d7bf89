import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dockerBackend } from "../../../../src/backend/docker/index.ts";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import type { Bottle } from "../../../../src/backend/types.ts";
import { bottleFiles } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { socketGet, type SocketGet } from "../../../../src/core/socket-get.ts";
import { AGENT_CA_FILE } from "../../../../src/gate/tls/agent-trust.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { ensureAgentImage } from "../../../helpers/images.ts";
import { testSpec } from "../../../helpers/start-spec.ts";
import { gateImageTrusting, makeOriginMaterial } from "../../gate/tls/tls-origin.ts";
import { labelled, testDeps } from "./fixtures.ts";

const HELD = `bottle-default-held-${randomBytes(12).toString("hex")}`;
const suffix = randomBytes(4).toString("hex");
const ORIGIN = `tls-default-origin-${suffix}`;
const DERIVED_GATE = `bottle-test-gate-ca-default:${suffix}`;
const made: string[] = [];

/** A wheel's bytes, served by the simple index with its sha256 in the link, as PyPI does. */
const WHEEL = "PK-not-really-a-wheel-but-bytes-to-hash\n".repeat(64);

/**
 * The origin, in the agent image's Node (nothing pulled): a PEP 503 simple index and
 * the file it links to, a smart-HTTP git server (`git http-backend` as CGI over a bare
 * repository made at start), and a WebSocket echo. It logs one `SEEN` line per request.
 */
const ORIGIN_SERVER = String.raw`
  const https = require("node:https"), crypto = require("node:crypto"), cp = require("node:child_process");
  cp.execSync("git init -q --bare /tmp/app.git && git init -q /tmp/w && cd /tmp/w && echo hello-through-inspection > README && git add README && git -c user.name=t -c user.email=t@t commit -qm first && git push -q /tmp/app.git HEAD:refs/heads/main && git -C /tmp/app.git symbolic-ref HEAD refs/heads/main");
  const wheel = Buffer.from(process.env.WHEEL), sha = crypto.createHash("sha256").update(wheel).digest("hex");
  const server = https.createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
    console.log("SEEN " + req.method + " " + req.url + " " + (req.headers.authorization || "-"));
    const url = new URL(req.url, "https://origin");
    if (url.pathname === "/simple/demo-pkg/") {
      res.setHeader("content-type", "text/html");
      return res.end('<!DOCTYPE html><html><body><a href="../../files/demo_pkg-1.0-py3-none-any.whl#sha256=' + sha + '">demo_pkg-1.0-py3-none-any.whl</a></body></html>');
    }
    if (url.pathname === "/files/demo_pkg-1.0-py3-none-any.whl") return res.end(wheel);
    if (url.pathname.startsWith("/app.git/")) {
      const cgi = cp.spawn("git", ["http-backend"], { env: { ...process.env, GIT_PROJECT_ROOT: "/tmp", GIT_HTTP_EXPORT_ALL: "1", PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1), REQUEST_METHOD: req.method, CONTENT_TYPE: req.headers["content-type"] || "", GIT_PROTOCOL: req.headers["git-protocol"] || "" } });
      req.pipe(cgi.stdin);
      let head = Buffer.alloc(0), started = false;
      cgi.stdout.on("data", (chunk) => {
        if (started) return res.write(chunk);
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        started = true;
        for (const line of head.subarray(0, end).toString().split("\r\n")) {
          const [name, ...value] = line.split(":");
          if (name.toLowerCase() === "status") res.statusCode = Number(value.join(":").trim().slice(0, 3));
          else res.setHeader(name, value.join(":").trim());
        }
        res.write(head.subarray(end + 4));
      });
      return cgi.stdout.on("end", () => res.end());
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ saw: req.method + " " + req.url }));
  });
  server.on("upgrade", (req, socket) => {
    console.log("SEEN UPGRADE " + req.url + " " + (req.headers.authorization || "-"));
    const accept = crypto.createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n");
    socket.on("data", (frame) => {
      const length = frame[1] & 0x7f, mask = frame.subarray(2, 6);
      const text = Buffer.from(frame.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4])).toString();
      console.log("SEEN FRAME " + text);
      const reply = Buffer.from("echo:" + text);
      socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
    });
  });
  server.listen(443);`;

/** A PEP 503 client, as `pip download` reads an index: the project page, the link, the file checked against the link's sha256. */
const SIMPLE_INDEX_CLIENT = String.raw`
import hashlib, html.parser, urllib.parse, urllib.request, sys
index = "https://${ORIGIN}/simple/demo-pkg/"
class Links(html.parser.HTMLParser):
    links = []
    def handle_starttag(self, tag, attrs):
        if tag == "a": self.links.append(dict(attrs)["href"])
page = urllib.request.urlopen(urllib.request.Request(index, headers={"Accept": "text/html"})).read().decode()
parser = Links(); parser.feed(page)
href = urllib.parse.urljoin(index, parser.links[0])
url, _, fragment = href.partition("#")
data = urllib.request.urlopen(url).read()
assert fragment == "sha256=" + hashlib.sha256(data).hexdigest(), "hash mismatch"
print("downloaded", url.rsplit("/", 1)[1], len(data))`;

/**
 * A WebSocket client in Node 18 (no built-in one): CONNECT through the gate, TLS
 * trusting the system bundle, the upgrade to argv[1], one text frame (argv[2], by
 * default "ping"); prints the status and the first frame back (a close: its code and reason).
 */
const WEBSOCKET_CLIENT = String.raw`
  const http = require("node:http"), https = require("node:https"), crypto = require("node:crypto"), proxy = new URL(process.env.HTTPS_PROXY);
  http.request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: "${ORIGIN}:443" }).on("connect", (res, socket) => {
    https.request({ socket, host: "${ORIGIN}", path: process.argv[1], agent: false, headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": crypto.randomBytes(16).toString("base64") } })
      .on("upgrade", (r, ws) => {
        const text = Buffer.from(process.argv[2] || "ping"), mask = crypto.randomBytes(4);
        ws.write(Buffer.concat([Buffer.from([0x81, 0x80 | text.length]), mask, Buffer.from(text.map((b, i) => b ^ mask[i % 4]))]));
        ws.on("data", (frame) => {
          const body = frame.subarray(2, 2 + (frame[1] & 0x7f));
          console.log(r.statusCode, (frame[0] & 15) === 8 ? "close " + body.readUInt16BE(0) + " " + body.subarray(2) : body.toString());
          process.exit(0);
        });
      })
      .on("response", (r) => { console.log(r.statusCode, r.headers["x-bottle-block"]); process.exit(0); })
      .on("error", (e) => { console.error(e.message); process.exit(1); }).end();
  }).end();`;

afterAll(async () => {
  if (made.length > 0) await processRunner.run(["docker", "rm", "--force", ...made], { check: false });
  await processRunner.run(["docker", "image", "rm", DERIVED_GATE], { check: false });
}, 60_000);

describeEngine("docker: TLS inspection by default, in the default agent image", () => {
  test("with no tls key the agent's git, a PEP 503 download and a WebSocket go through inspection; no way to passthrough; resume installs the new CA", async () => {
    const agentImage = await ensureAgentImage();
    const material = await makeOriginMaterial([ORIGIN]);
    const base = await testDeps({ BOTTLE_TEST_HELD: HELD }, (line) => process.stderr.write(`${line}\n`));
    // The origin's CA joins the gate image's bundle, as a corporate proxy's CA does.
    await gateImageTrusting(material, DERIVED_GATE, base.paths);
    const env = { ...base.env, BOTTLE_GATE_IMAGE: DERIVED_GATE };
    // Here the engine's API is asked as the real CLI asks it; tls-inspection.test.ts keeps to the docker CLI.
    const asked: string[] = [];
    const recorded: SocketGet = async (socket, path, options) => {
      const answer = await socketGet(socket, path, options);
      asked.push(`${options?.method ?? "GET"} ${path.split("?")[0]} ${answer.status}`);
      return answer;
    };
    const deps = { ...base, env, settings: readSettings(env), socketGet: recorded };

    const spec = testSpec({
      agentName: "tlsdefault",
      env,
      agent: { image: agentImage, command: ["sh"] },
      bottle: {
        supervise: false,
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
    expect(spec.bottle.egress.tls).toBeUndefined();
    let bottle: Bottle | undefined;
    try {
      bottle = await launchBottle(dockerBackend, await dockerBackend.prepare(spec, deps), deps);
      // The gate was told to inspect: the decision is written, not left to the gate's default.
      const config = JSON.parse(await readFile(bottleFiles(deps.paths.bottleState(spec.identity)).gateConfig, "utf8")) as { egress: { tls: unknown } };
      expect(config.egress.tls).toEqual({ inspect: true, passthrough: [] });
      const agent = bottle.containers[1]!;
      const [cert, key] = await Promise.all([readFile(material.certFile, "utf8"), readFile(material.keyFile, "utf8")]);
      made.push(ORIGIN);
      const startOrigin = (network: string) =>
        processRunner.run(["docker", "run", "--detach", "--name", ORIGIN, "--network", network, "--label", "dev.bottle.test=tls", "--env", "CERT", "--env", "KEY", "--env", "WHEEL", "--entrypoint", "node", agentImage, "-e", ORIGIN_SERVER], {
          env: { CERT: cert, KEY: key, WHEEL },
        });
      await startOrigin(bottle.networks[1]!);
      // As the agent runs: the image's user (the container's PID 1 is root, for provisioning only).
      const inAgent = (script: string, at = agent) => processRunner.run(["docker", "exec", "--user", "agent", at, "sh", "-c", script], { check: false, timeoutMs: 60_000 });
      const waitForOrigin = async (at: string) => {
        let ready = await inAgent(`curl -sS --fail https://${ORIGIN}/ready`, at);
        for (let i = 0; i < 50 && ready.exitCode !== 0; i++) {
          await Bun.sleep(200);
          ready = await inAgent(`curl -sS --fail https://${ORIGIN}/ready`, at);
        }
        expect(ready.stderr).toBe("");
      };
      await waitForOrigin(agent);
      const issuer = async (at: string) => /issuer: (CN=bottle gate CA [0-9a-f]+)/.exec((await inAgent(`curl -sS -v -o /dev/null https://${ORIGIN}/who 2>&1`, at)).stdout)?.[1];
      const firstCa = await issuer(agent);
      expect(firstCa).toBeDefined();
      expect(asked).toContain("GET /info 200");

      // git over HTTPS (smart protocol) in the agent image: GIT_SSL_CAINFO names the bundle with the gate's CA.
      const clone = await inAgent(`cd /tmp && git clone -q https://${ORIGIN}/app.git app && cat app/README`);
      expect(clone.stderr).toBe("");
      expect(clone.stdout).toBe("hello-through-inspection\n");
      // A held secret in the clone URL is refused (git reports the 403 the gate answered).
      const leakyClone = await inAgent(`cd /tmp && git clone -q "https://${ORIGIN}/app.git?k=${HELD}" leaky`);
      expect(leakyClone.exitCode).not.toBe(0);
      expect(leakyClone.stderr).toContain("403");

      // pip is not in the default image: a PEP 503 download as pip makes it, with Python's urllib.
      const simple = await inAgent(`python3 -c '${SIMPLE_INDEX_CLIENT}'`);
      expect(simple.stderr).toBe("");
      expect(simple.stdout.trim()).toBe(`downloaded demo_pkg-1.0-py3-none-any.whl ${WHEEL.length}`);

      // A WebSocket through inspection: 101 and an echoed frame; a held secret in the upgrade URL is 403.
      const ws = await inAgent(`node -e '${WEBSOCKET_CLIENT}' /ws`);
      expect(ws.stderr).toBe("");
      expect(ws.stdout.trim()).toBe("101 echo:ping");
      const leakyWs = await inAgent(`node -e '${WEBSOCKET_CLIENT}' "/ws?k=${HELD}"`);
      expect(leakyWs.stdout.trim()).toBe("403 dlp:held-secret");
      // ...and in a frame, once upgraded: the gate closes the connection before the origin reads it.
      const leakyFrame = await inAgent(`node -e '${WEBSOCKET_CLIENT}' /ws-frame "k=${HELD}"`);
      expect(leakyFrame.stdout.trim()).toBe("101 close 1008 bottle gate: dlp:held-secret");

      // The agent cannot get passthrough: it cannot remove the CA (it is not root), and
      // trusting anything but the gate's CA only makes its own handshake fail.
      const remove = await inAgent(`rm -f ${AGENT_CA_FILE} /etc/ssl/certs/ca-certificates.crt; echo x >> /etc/ssl/certs/ca-certificates.crt`);
      expect(remove.exitCode).not.toBe(0);
      expect((await inAgent(`cat ${AGENT_CA_FILE}`)).stdout).toStartWith("-----BEGIN CERTIFICATE-----");
      await writeFile(join(material.dir, "only-origin.pem"), await readFile(material.caFile, "utf8"));
      await processRunner.run(["docker", "cp", join(material.dir, "only-origin.pem"), `${agent}:/tmp/only-origin.pem`]);
      // Debian's curl also reads the hashed /etc/ssl/certs folder (the gate's CA is there): an empty one instead.
      const pinned = await inAgent(`mkdir -p /tmp/no-certs && curl -sS --cacert /tmp/only-origin.pem --capath /tmp/no-certs https://${ORIGIN}/pinned`);
      expect(pinned.exitCode).toBe(60);

      const seen = (await processRunner.run(["docker", "logs", ORIGIN])).stdout;
      expect(seen).toContain("SEEN GET /app.git/info/refs?service=git-upload-pack");
      expect(seen).toContain("SEEN POST /app.git/git-upload-pack");
      expect(seen).toContain("SEEN GET /files/demo_pkg-1.0-py3-none-any.whl");
      expect(seen).toContain("SEEN UPGRADE /ws -");
      expect(seen).toContain("SEEN FRAME ping");
      expect(seen).not.toContain(HELD);
      expect(seen).not.toContain("/pinned");

      // Resume: a new gate, a new CA, installed before the agent runs anything.
      await processRunner.run(["docker", "rm", "--force", ORIGIN]);
      await bottle[Symbol.asyncDispose]();
      bottle = undefined;
      const again = await dockerBackend.prepare(spec, deps);
      expect(again.resume).toBe(true);
      bottle = await launchBottle(dockerBackend, again, deps);
      const resumed = bottle.containers[1]!;
      await startOrigin(bottle.networks[1]!);
      await waitForOrigin(resumed);
      const secondCa = await issuer(resumed);
      expect(secondCa).toBeDefined();
      expect(secondCa).not.toBe(firstCa);
      expect((await inAgent(`git -C /workspace ls-remote https://${ORIGIN}/app.git main`, resumed)).stdout).toContain("refs/heads/main");
    } finally {
      await processRunner.run(["docker", "rm", "--force", ...made.splice(0)], { check: false });
      await bottle?.[Symbol.asyncDispose]();
      await dockerBackend.cleanup(base, { includeStopped: true });
      await rm(material.dir, { recursive: true, force: true });
    }
    expect(await labelled(spec.identity)).toEqual([]);
  }, 600_000);
});
