import { describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { processRunner } from "../../../../../src/core/runner.ts";
import { agentGitEnv, planGitGate } from "../../../../../src/gate/services/git/plan-git-gate.ts";
import { GitRepoSchema } from "../../../../../src/manifest/schema.ts";

const KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
const repo = (input: v.InferInput<typeof GitRepoSchema>) => v.parse(GitRepoSchema, input);

async function home(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "bottle-plan-git-"));
  await mkdir(join(dir, ".ssh"));
  await writeFile(join(dir, ".ssh", "known_hosts"), `github.com ssh-ed25519 ${KEY}\n`);
  await writeFile(join(dir, ".ssh", "deploy"), "PRIVATE\n", { mode: 0o600 });
  return dir;
}

describe("planGitGate", () => {
  test("pins the host key from ~/.ssh/known_hosts and mounts the key read-only, by the gate's path", async () => {
    const dir = await home();
    const plan = await planGitGate([repo({ name: "app", upstream: "git@github.com:org/app.git", key: "~/.ssh/deploy", push: ["bottle/*"] })], { runner: processRunner, manifestDir: dir, home: dir });
    expect(plan.repos).toEqual([
      { name: "app", upstream: "git@github.com:org/app.git", key: "/run/bottle/git/app.key", known_hosts: `github.com ssh-ed25519 ${KEY}\n`, push: ["bottle/*"], force: false, delete: false, tags: false },
    ]);
    expect(plan.mounts).toEqual([{ host: join(dir, ".ssh", "deploy"), guest: "/run/bottle/git/app.key", readOnly: true }]);
    expect(plan.views[0]).toMatchObject({ hostKeyFrom: "~/.ssh/known_hosts" });
    expect(JSON.stringify(plan)).not.toContain("PRIVATE");
  });

  test("no host key anywhere is an error at plan time, naming the fix", async () => {
    const dir = await home();
    const error = await planGitGate([repo({ name: "app", upstream: "git@gitlab.example:org/app.git" })], { runner: processRunner, manifestDir: dir, home: dir }).catch((e) => e);
    expect(error.message).toBe("git repo app: no host key for gitlab.example: set host_key, or add the host to ~/.ssh/known_hosts");
    expect(error.hint).toContain("ssh-keyscan gitlab.example");
  });

  test("a key readable by others is refused before ssh would", async () => {
    const dir = await home();
    await chmod(join(dir, ".ssh", "deploy"), 0o644);
    const error = await planGitGate([repo({ name: "app", upstream: "git@github.com:org/app.git", key: "~/.ssh/deploy" })], { runner: processRunner, manifestDir: dir, home: dir }).catch((e) => e);
    expect(error.message).toContain("readable by others");
  });

  test("an https token stays a name for the gate; a local upstream is mounted read-write", async () => {
    const dir = await home();
    await mkdir(join(dir, "repos", "lib.git"), { recursive: true });
    await writeFile(join(dir, "repos", "lib.git", "HEAD"), "ref: refs/heads/main\n");
    const plan = await planGitGate(
      [repo({ name: "site", upstream: "https://git.example/org/site.git", token: "${SITE_TOKEN}" }), repo({ name: "lib", upstream: "./repos/lib.git", push: ["*"] })],
      { runner: processRunner, manifestDir: dir, home: dir },
    );
    expect(plan.secretNames).toEqual(["SITE_TOKEN"]);
    expect(plan.repos[0]).toMatchObject({ token: "${SITE_TOKEN}" });
    expect(plan.repos[1]).toMatchObject({ upstream: "/srv/bottle/git/lib.git" });
    expect(plan.mounts).toEqual([{ host: join(dir, "repos", "lib.git"), guest: "/srv/bottle/git/lib.git", readOnly: false }]);
  });

  test("ssh settings on other transports are mistakes, named", async () => {
    const dir = await home();
    const error = await planGitGate([repo({ name: "site", upstream: "https://git.example/site.git", key: "~/.ssh/deploy" })], { runner: processRunner, manifestDir: dir, home: dir }).catch((e) => e);
    expect(error.message).toBe("git repo site: key and host_key are for ssh upstreams");
  });
});

describe("agentGitEnv", () => {
  test("rewrites each upstream, with and without .git, to the gate, as GIT_CONFIG_* env", async () => {
    const dir = await home();
    const plan = await planGitGate([repo({ name: "app", upstream: "git@github.com:org/app.git" })], { runner: processRunner, manifestDir: dir, home: dir });
    expect(agentGitEnv(plan, "http://gate:8081")).toEqual({
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: "url.http://gate:8081/git/app.git.insteadOf",
      GIT_CONFIG_VALUE_0: "git@github.com:org/app.git",
      GIT_CONFIG_KEY_1: "url.http://gate:8081/git/app.git.insteadOf",
      GIT_CONFIG_VALUE_1: "git@github.com:org/app",
    });
    expect(agentGitEnv({ repos: [], mounts: [], secretNames: [], views: [] }, "http://gate:8081")).toEqual({});
  });

  test("real git follows the rewrite", async () => {
    const dir = await home();
    const plan = await planGitGate([repo({ name: "app", upstream: "git@github.com:org/app.git" })], { runner: processRunner, manifestDir: dir, home: dir });
    const result = await processRunner.run(["git", "ls-remote", "--get-url", "git@github.com:org/app.git"], { env: { ...agentGitEnv(plan, "http://gate:8081"), GIT_CONFIG_NOSYSTEM: "1", HOME: dir } });
    expect(result.stdout.trim()).toBe("http://gate:8081/git/app.git");
  });
});
