import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { launchBottle } from "../../src/backend/lifecycle/launch-bottle.ts";
import { smolmachinesBackend } from "../../src/backend/smolmachines/index.ts";
import { guestExec } from "../../src/backend/smolmachines/machine-commands.ts";
import { processRunner } from "../../src/core/runner.ts";
import { describeEngine } from "../helpers/engine.ts";
import { gitClient, seedBareRepo, type GitClient } from "../helpers/git/git-client.ts";
import { ensureAgentImage } from "../helpers/images.ts";
import { disposeWorld, smolDeps, smolLeftovers, smolSpec, smolWorld, type SmolWorld } from "../integration/backend/smolmachines/fixtures.ts";
import { bridgeGateway } from "../helpers/bridge-gateway.ts";

describeEngine("smolmachines with the default agent image (fake smolvm, real gate): home, git gate and TLS trust together", () => {
  let world: SmolWorld;
  let person: GitClient;
  let upstreamPath: string;
  beforeAll(async () => {
    world = await smolWorld();
    person = await gitClient();
    upstreamPath = join(world.root, "upstream", "app.git");
    await seedBareRepo(person, upstreamPath);
  }, 600_000);
  afterAll(async () => {
    await person?.[Symbol.asyncDispose]();
    await disposeWorld(world);
  });

  test("the image's git identity is in the seeded home, a clone by the upstream URL commits and pushes, and Node, Python and curl trust the bottle's CA", async () => {
    const image = await ensureAgentImage();
    const deps = await smolDeps(world);
    const gateway = await bridgeGateway();
    const spec = smolSpec(world, { image, command: ["sh", "-c"] }, {
      env: deps.env,
      bottle: {
        egress: { allow: [gateway], deny: [], allow_cidrs: [`${gateway}/32`], routes: [], dlp: { action: "block" }, tls: { inspect: true, passthrough: [] } },
        git: [{ name: "app", upstream: `file://${upstreamPath}`, push: ["bottle/*"], force: false, delete: false, tags: false }],
      },
    });
    const machine = `bottle-${spec.identity}`;
    const inGuest = (script: string) => processRunner.run(guestExec(machine, ["sh", "-c", script], { workdir: "/workspace" }), { check: false, timeoutMs: 120_000 });
    {
      await using _bottle = await launchBottle(smolmachinesBackend, await smolmachinesBackend.prepare(spec, deps), deps);
      expect((await inGuest("id -un; git config --global user.name")).stdout).toBe("agent\nbottle agent\n");
      // No GIT_AUTHOR_* anywhere: the commit's identity is the image's, from the seeded ~/.gitconfig.
      const push = await inGuest(`git clone -q file://${upstreamPath} app && cd app && echo w > w.txt && git add w.txt && git commit -qm w && git log -1 --format=%an && git push -q origin HEAD:refs/heads/bottle/w 2>&1; echo exit=$?`);
      expect(push.stdout).toBe("bottle agent\nexit=0\n");
      expect(await person.ok(["log", "-1", "--format=%an %s", "refs/heads/bottle/w"], upstreamPath)).toBe("bottle agent w");
      // Each client verifies the gate's leaf for the gateway's address, then reads the gate's 502 (nothing listens there).
      const url = `https://${gateway}/x`;
      const clients = await inGuest([
        `curl -s -o /dev/null -w 'curl %{http_code}\\n' ${url}`,
        // Node through a CONNECT tunnel, as its proxy-aware clients do; NODE_EXTRA_CA_CERTS is its trust.
        `node -e 'const http = require("node:http"), https = require("node:https"), proxy = new URL(process.env.HTTPS_PROXY);
          http.request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: "${gateway}:443" }).on("connect", (res, socket) => {
            https.get({ socket, host: "${gateway}", path: "/x", agent: false }, (r) => { console.log("node", r.statusCode); socket.destroy(); }).on("error", (e) => console.log("node", e.code));
          }).end();'`,
        `python3 -c 'import urllib.request, urllib.error\ntry: urllib.request.urlopen("${url}")\nexcept urllib.error.HTTPError as e: print("python", e.code)'`,
      ].join("; "));
      expect(clients.stdout).toBe("curl 502\nnode 502\npython 502\n");
    }
    expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 900_000);
});
