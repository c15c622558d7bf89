import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { launchBottle } from "../../../../src/backend/lifecycle/launch-bottle.ts";
import { smolmachinesBackend } from "../../../../src/backend/smolmachines/index.ts";
import { guestExec } from "../../../../src/backend/smolmachines/machine-commands.ts";
import { auditLogPath } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { ensureGitAgentImage } from "../../../helpers/git/git-agent-image.ts";
import { gitClient, seedBareRepo, type GitClient } from "../../../helpers/git/git-client.ts";
import { sshdAvailable, startSshUpstream } from "../../../helpers/git/ssh-upstream.ts";
import { disposeWorld, smolDeps, smolLeftovers, smolSpec, smolWorld, type SmolWorld } from "./fixtures.ts";
import { bridgeGateway } from "../../../helpers/bridge-gateway.ts";

// Shaped like no credential format, and unique to this run: only its own value can match.
const TOKEN = `bottle-git-token-${randomBytes(12).toString("hex")}`;
if (!sshdAvailable && process.env.BOTTLE_REQUIRE_ENGINE === "1") throw new Error("the ssh upstream test needs openssh-server (CI installs it)");
const IDENTITY = { GIT_AUTHOR_NAME: "Agent", GIT_AUTHOR_EMAIL: "a@bottle.test", GIT_COMMITTER_NAME: "Agent", GIT_COMMITTER_EMAIL: "a@bottle.test" };

describeEngine("smolmachines: the git gate through the fake smolvm (real gate, real git on both sides)", () => {
  let world: SmolWorld;
  let person: GitClient;
  let upstreamPath: string;
  let upstream: string;
  beforeAll(async () => {
    world = await smolWorld();
    person = await gitClient();
    // A local upstream: the gate mounts it; the guest has no such path and reaches it only through the gate.
    // As file://: `git clone /no/such/path` dies before any insteadOf rewriting (git 2.39), a URL does not.
    upstreamPath = join(world.root, "upstream", "app.git");
    await seedBareRepo(person, upstreamPath);
    upstream = `file://${upstreamPath}`;
  }, 300_000);
  afterAll(async () => {
    await person?.[Symbol.asyncDispose]();
    await disposeWorld(world);
  });

  test("the guest clones by the upstream URL at the gate's control port, pushes an allowed branch, and is refused main; the gate's token is nowhere in it", async () => {
    const deps = await smolDeps(world);
    deps.env.BOTTLE_TEST_GIT_TOKEN = TOKEN;
    const image = await ensureGitAgentImage();
    const spec = smolSpec(world, { image, env: IDENTITY }, {
      env: deps.env,
      bottle: {
        git: [
          { name: "app", upstream, push: ["bottle/*"], force: false, delete: false, tags: false },
          // Never reached: it makes the gate hold a token, which must stay in the gate.
          { name: "site", upstream: "https://git.invalid/org/site.git", token: "${BOTTLE_TEST_GIT_TOKEN}", push: [], force: false, delete: false, tags: false },
        ],
      },
    });
    const plan = await smolmachinesBackend.prepare(spec, deps);
    const machine = `bottle-${spec.identity}`;
    const inGuest = (script: string) => processRunner.run(guestExec(machine, ["sh", "-c", script], { workdir: "/workspace" }), { check: false, timeoutMs: 120_000 });
    {
      await using _bottle = await launchBottle(smolmachinesBackend, plan, deps);
      // The guest never sees the upstream's path: only the gate has it mounted.
      expect((await inGuest(`test -e ${upstreamPath}; echo $?`)).stdout.trim()).toBe("1");
      const clone = await inGuest(`git clone ${upstream} app 2>&1 && cd app && git log --format=%s -1 && git config --get-regexp '^url\\.'`);
      expect(clone.exitCode).toBe(0);
      expect(clone.stdout).toContain("first");
      expect(clone.stdout).toMatch(/^url\.http:\/\/100\.96\.0\.1:\d+\/git\/app\.git\.insteadof /m);

      const push = await inGuest("cd app && echo work > work.txt && git add work.txt && git commit -qm work && git push origin HEAD:refs/heads/bottle/work 2>&1; echo exit=$?");
      expect(push.stdout).toContain("exit=0");
      const head = (await inGuest("cd app && git rev-parse HEAD")).stdout.trim();
      expect(await person.ok(["rev-parse", "refs/heads/bottle/work"], upstreamPath)).toBe(head);

      const refused = await inGuest("cd app && git push origin HEAD:main 2>&1; echo exit=$?");
      expect(refused.stdout).toContain("remote: bottle: refs/heads/main is not pushable; allowed: bottle/*");
      expect(refused.stdout).toContain("exit=1");
      expect(await person.ok(["rev-parse", "refs/heads/main"], upstreamPath)).not.toBe(head);

      // The token reached the gate only: not the guest's env, files or command lines, nor smolvm's argv or env.
      const env = await inGuest("env; cat /tmp/bottle/agent.env 2>/dev/null; cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '");
      expect(env.stdout).toContain("GIT_CONFIG_COUNT=");
      expect(env.stdout).not.toContain(TOKEN);
      // Every smolvm call bottle made so far (the search below names the token itself).
      expect(JSON.stringify(await world.fake.calls())).not.toContain(TOKEN);
      const files = await inGuest(`for top in /*; do case $top in /proc|/sys|/dev) ;; *) grep -rlF "${TOKEN}" "$top" 2>/dev/null;; esac; done | head -3`);
      expect(files.stdout.trim()).toBe("");
      // The gate holds it (it went as `--env NAME`, the value in docker's environment); the machine's config does not.
      expect((await processRunner.run(["docker", "inspect", `${spec.identity}-gate`])).stdout).toContain(`"BOTTLE_TEST_GIT_TOKEN=${TOKEN}"`);
      expect((await processRunner.run(["docker", "inspect", `smolvm-fake-${machine}`])).stdout).not.toContain(TOKEN);

      // The gate decided both pushes: its audit names them.
      const audit = await readFile(auditLogPath(plan.stateDir), "utf8");
      expect(audit).toContain('"repo":"app"');
      expect(audit).toContain("refs/heads/bottle/work");
    }
    expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 600_000);
  (sshdAvailable ? test : test.skip)("an ssh upstream: the gate mounts the key read-only and pins the host key; the guest clones and pushes, and holds neither", async () => {
    // The gate is on Docker's default bridge: this host is its gateway there.
    const gateway = await bridgeGateway();
    await using sshd = await startSshUpstream({ listen: "0.0.0.0" });
    const repoPath = join(sshd.dir, "app.git");
    await seedBareRepo(person, repoPath);
    const sshUpstream = `ssh://root@${gateway}:${sshd.port}${repoPath}`;
    const privateKey = (await readFile(sshd.clientKey, "utf8")).split("\n").slice(1, -2).join("");
    const deps = await smolDeps(world);
    const image = await ensureGitAgentImage();
    const spec = smolSpec(world, { image, env: IDENTITY }, {
      env: deps.env,
      bottle: { git: [{ name: "app", upstream: sshUpstream, key: sshd.clientKey, host_key: sshd.hostKey, push: ["bottle/*"], force: false, delete: false, tags: false }] },
    });
    const plan = await smolmachinesBackend.prepare(spec, deps);
    const machine = `bottle-${spec.identity}`;
    const inGuest = (script: string) => processRunner.run(guestExec(machine, ["sh", "-c", script], { workdir: "/workspace" }), { check: false, timeoutMs: 120_000 });
    {
      await using _bottle = await launchBottle(smolmachinesBackend, plan, deps);
      const push = await inGuest(`git clone -q ${sshUpstream} app && cd app && echo s > s.txt && git add s.txt && git commit -qm s && git push -q origin HEAD:refs/heads/bottle/ssh 2>&1; echo exit=$?`);
      expect(push.stdout).toBe("exit=0\n");
      expect(await person.ok(["log", "-1", "--format=%s", "refs/heads/bottle/ssh"], repoPath)).toBe("s");
      // The key and the pinned host key stay in the gate: no file of the guest holds either.
      const found = await inGuest(`for top in /*; do case $top in /proc|/sys|/dev) ;; *) grep -rlF -e "${privateKey.slice(0, 40)}" -e "${sshd.hostKey.split(" ")[1]}" "$top" 2>/dev/null;; esac; done | head -3`);
      expect(found.stdout.trim()).toBe("");
      expect((await inGuest("env")).stdout).not.toContain(privateKey.slice(0, 40));
    }
    expect(await smolLeftovers(spec.identity)).toEqual([]);
  }, 600_000);
});
