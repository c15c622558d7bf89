import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { dockerBackend } from "../../../../../src/backend/docker/index.ts";
import { launchBottle } from "../../../../../src/backend/lifecycle/launch-bottle.ts";
import type { Bottle } from "../../../../../src/backend/types.ts";
import { processRunner } from "../../../../../src/core/runner.ts";
import { busyboxSpec, labelled, testDeps } from "../../../backend/docker/fixtures.ts";
import { describeEngine } from "../../../../helpers/engine.ts";
import { ensureGitAgentImage } from "../../../../helpers/git/git-agent-image.ts";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { sshdAvailable, startSshUpstream, type SshUpstream } from "../../../../helpers/git/ssh-upstream.ts";

// Shaped like no credential format, and unique to this run: only its own value can match.
const TOKEN = `bottle-git-token-${randomBytes(12).toString("hex")}`;

/**
 * An address of this host that a bottle's egress network reaches: its own interface's
 * (not loopback, not a docker bridge). Bun 1.4.5 lists no docker0 while it is down.
 */
function bridgeAddress(): string | undefined {
  const interfaces = Object.entries(networkInterfaces()).filter(([name]) => !/^(lo|docker|br-|veth)/.test(name));
  return interfaces.flatMap(([, addresses]) => addresses ?? []).find((address) => address.family === "IPv4" && !address.internal)?.address;
}

const runnable = sshdAvailable && bridgeAddress() !== undefined;
if (!runnable && process.env.BOTTLE_REQUIRE_ENGINE === "1") throw new Error("this test needs openssh-server and a host address containers reach");

describeEngine("the git gate through a real docker bottle", () => {
  let sshd: SshUpstream;
  let person: GitClient;
  let upstreamPath: string;
  let upstream: string;
  let privateKey: string;

  beforeAll(async () => {
    // The gate reaches the host's sshd at the bridge address; the agent reaches nothing but the gate.
    sshd = await startSshUpstream({ listen: "0.0.0.0" });
    person = await gitClient();
    upstreamPath = join(sshd.dir, "app.git");
    await seedBareRepo(person, upstreamPath);
    upstream = `ssh://root@${bridgeAddress()}:${sshd.port}${upstreamPath}`;
    privateKey = (await readFile(sshd.clientKey, "utf8")).split("\n").slice(1, -2).join("");
  }, 120_000);
  afterAll(async () => {
    await person?.[Symbol.asyncDispose]();
    await sshd?.[Symbol.asyncDispose]();
  });

  (runnable ? test : test.skip)("the agent clones and pushes by the upstream URL; the key and the token are nowhere in the agent", async () => {
    const image = await ensureGitAgentImage();
    const deps = await testDeps({ BOTTLE_TEST_GIT_TOKEN: TOKEN });
    const spec = busyboxSpec(
      {
        git: [
          { name: "app", upstream, key: sshd.clientKey, host_key: sshd.hostKey, push: ["bottle/*"], force: false, delete: false, tags: false },
          // Never reached: it makes the gate hold a token, which must stay in the gate.
          { name: "site", upstream: "https://git.invalid/org/site.git", token: "${BOTTLE_TEST_GIT_TOKEN}", push: [], force: false, delete: false, tags: false },
        ],
      },
      { agent: { image, env: { GIT_AUTHOR_NAME: "Agent", GIT_AUTHOR_EMAIL: "a@bottle.test", GIT_COMMITTER_NAME: "Agent", GIT_COMMITTER_EMAIL: "a@bottle.test" } } },
    );
    const plan = await dockerBackend.prepare(spec, deps);
    const bottle: Bottle = await launchBottle(dockerBackend, plan, deps);
    const agent = bottle.containers[1]!;
    const inAgent = (script: string) => processRunner.run(["docker", "exec", "--workdir", "/workspace", agent, "sh", "-c", script], { check: false, timeoutMs: 120_000 });
    try {
      const clone = await inAgent(`git clone ${upstream} app 2>&1 && cd app && git log --format=%s -1`);
      expect(clone.stdout).toContain("first");
      const push = await inAgent("cd app && echo work > work.txt && git add work.txt && git commit -qm work && git push origin HEAD:refs/heads/bottle/work 2>&1; echo exit=$?");
      expect(push.stdout).toContain("exit=0");
      const pushed = await inAgent("cd app && git rev-parse HEAD");
      expect(await person.ok(["rev-parse", "refs/heads/bottle/work"], upstreamPath)).toBe(pushed.stdout.trim());
      const refused = await inAgent("cd app && git push origin HEAD:main 2>&1; echo exit=$?");
      expect(refused.stdout).toContain("remote: bottle: refs/heads/main is not pushable; allowed: bottle/*");
      expect(refused.stdout).toContain("exit=1");

      // Nothing of the key or the token in the agent: env, files, command lines, its container's config.
      const env = await inAgent("env; cat /proc/1/environ");
      const cmdlines = await inAgent("cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '");
      // Every folder but the kernel's (/proc, /sys, /dev): walking those took minutes and holds no file of the bottle's.
      const everyFile = (pattern: string) => inAgent(`for top in /*; do case $top in /proc|/sys|/dev) ;; *) grep -rlF ${pattern} "$top" 2>/dev/null;; esac; done | head -3`);
      const files = await everyFile(`-e "${TOKEN}" -e "${privateKey.slice(0, 40)}"`);
      const knownHosts = await everyFile(`"${sshd.hostKey.split(" ")[1]}"`);
      const inspect = await processRunner.run(["docker", "inspect", agent]);
      for (const text of [env.stdout, cmdlines.stdout, inspect.stdout]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(privateKey.slice(0, 40));
      }
      expect(files.stdout.trim()).toBe("");
      expect(knownHosts.stdout.trim()).toBe("");
      // The gate holds them instead: its audit names the pushes.
      const audit = await readFile(join(plan.stateDir, "audit", "audit.jsonl"), "utf8").catch(async () => (await processRunner.run(["sh", "-c", `cat ${plan.stateDir}/*/*.jsonl`])).stdout);
      expect(audit).toContain('"repo":"app"');
      expect(audit).toContain("refs/heads/bottle/work");
    } finally {
      await bottle[Symbol.asyncDispose]();
      await dockerBackend.cleanup(deps, { includeStopped: true });
    }
    expect(await labelled(spec.identity)).toEqual([]);
  }, 600_000);
});
