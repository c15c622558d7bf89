import { afterAll, describe, expect, test } from "bun:test";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";
import { startTestGate } from "../harness.ts";
import { makeOriginMaterial } from "./tls-origin.ts";

/**
 * Real clients through an inspected tunnel, each trusting the gate's CA the way a
 * bottle's agent is told to: npm's cafile, SSL_CERT_FILE for Python, NODE_EXTRA_CA_CERTS
 * for Node, GIT_SSL_CAINFO for git; each honours the standard proxy variables.
 */
describe("npm, Python, Node and git through TLS inspection", async () => {
  const material = await makeOriginMaterial(["origin.gate.test"]);
  const root = join(material.dir, "site");
  await mkdir(root);
  const git = (args: string[], cwd: string) =>
    processRunner.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd });
  // A repository served over git's dumb HTTP protocol: static files the origin hands out.
  await git(["init", "--bare", "-q", "repo.git"], root);
  const work = join(material.dir, "work");
  await mkdir(work);
  await git(["init", "-q"], work);
  await writeFile(join(work, "README"), "through the gate\n");
  await git(["add", "README"], work);
  await git(["commit", "-q", "-m", "first"], work);
  await git(["push", "-q", join(root, "repo.git"), "HEAD:refs/heads/main"], work);
  await git(["update-server-info"], join(root, "repo.git"));

  const paths: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: await readFile(material.certFile, "utf8"), key: await readFile(material.keyFile, "utf8") },
    async fetch(request) {
      const url = new URL(request.url);
      paths.push(url.pathname);
      if (url.pathname === "/left-pad") {
        // The smallest packument `npm view` accepts.
        return Response.json({ name: "left-pad", "dist-tags": { latest: "1.3.0" }, versions: { "1.3.0": { name: "left-pad", version: "1.3.0" } } });
      }
      if (url.pathname.startsWith("/repo.git/")) {
        const file = Bun.file(join(root, url.pathname));
        return (await file.exists()) ? new Response(file) : new Response("not found", { status: 404 });
      }
      return new Response(`origin saw ${request.method} ${url.pathname}`);
    },
  });
  const origin = `https://origin.gate.test:${server.port}`;
  const gate = await startTestGate({ allow: [`origin.gate.test:${server.port}`], allow_cidrs: ["127.0.0.0/8"], tls: { inspect: true } }, {}, undefined, [await readFile(material.caFile, "utf8")]);
  const caFile = join(material.dir, "gate-ca.pem");
  await writeFile(caFile, await (await fetch(`${gate.proxy}/tls/ca.pem`)).text());
  const proxyEnv = { https_proxy: gate.proxy, HTTPS_PROXY: gate.proxy, no_proxy: "", NO_PROXY: "" };
  const run = (argv: string[], env: Record<string, string>, cwd = material.dir) =>
    processRunner.run(argv, { cwd, check: false, timeoutMs: 60_000, env: { ...process.env, ...proxyEnv, ...env } as Record<string, string> });

  afterAll(async () => {
    await gate[Symbol.asyncDispose]();
    server.stop(true);
    await rm(material.dir, { recursive: true, force: true });
  });

  test("npm view reads a package document from a registry-like origin", async () => {
    const result = await run(["npm", "view", "left-pad", "version", `--registry=${origin}/`, `--cafile=${caFile}`, `--https-proxy=${gate.proxy}`, "--cache", join(material.dir, "npm-cache")], {
      npm_config_update_notifier: "false",
    });
    expect(result.stderr).not.toContain("ERR");
    expect(result.stdout.trim()).toBe("1.3.0");
  }, 60_000);

  test("Python's urllib trusts SSL_CERT_FILE and follows https_proxy", async () => {
    const result = await run(["python3", "-c", `import urllib.request; print(urllib.request.urlopen("${origin}/py").read().decode())`], { SSL_CERT_FILE: caFile });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("origin saw GET /py");
  });

  test("Node's https trusts NODE_EXTRA_CA_CERTS through a CONNECT tunnel", async () => {
    const script = `
      const http = require("node:http"), https = require("node:https");
      const proxy = new URL(process.env.https_proxy), target = new URL(process.argv[1]);
      http.request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: target.host }).on("connect", (res, socket) => {
        https.get({ socket, host: target.hostname, servername: target.hostname, path: target.pathname, agent: false }, (answer) => {
          let body = ""; answer.on("data", (c) => (body += c)); answer.on("end", () => { console.log(answer.statusCode, body); socket.destroy(); });
        }).on("error", (e) => { console.error(e.message); process.exit(1); });
      }).end();`;
    const result = await run(["node", "-e", script, `${origin}/node`], { NODE_EXTRA_CA_CERTS: caFile });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("200 origin saw GET /node");
  });

  test("git clones over HTTPS with GIT_SSL_CAINFO", async () => {
    const result = await run(["git", "clone", "-q", `${origin}/repo.git`, "cloned"], { GIT_SSL_CAINFO: caFile, GIT_TERMINAL_PROMPT: "0" });
    expect(result.stderr).toBe("");
    expect(await readFile(join(material.dir, "cloned", "README"), "utf8")).toBe("through the gate\n");
  }, 60_000);

  test("every client's requests were audited as inspected GETs with their paths", async () => {
    const lines = await gate.auditLines();
    const paths = lines.filter((line) => line["method"] === "GET").map((line) => String(line["path"]));
    expect(paths).toContain("/left-pad");
    expect(paths).toContain("/py");
    expect(paths).toContain("/node");
    expect(paths.some((path) => path.startsWith("/repo.git/info/refs"))).toBe(true);
  });
});
