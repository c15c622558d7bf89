import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { startGitGate, type TestGitGate } from "../../../../helpers/git/git-gate.ts";
import { sshdAvailable, startSshUpstream, type SshUpstream } from "../../../../helpers/git/ssh-upstream.ts";

if (!sshdAvailable && process.env.BOTTLE_REQUIRE_ENGINE === "1") throw new Error("these tests need Debian's openssh-server (/usr/sbin/sshd)");
const describeSsh = sshdAvailable ? describe : describe.skip;

describeSsh("the git gate over a real sshd upstream", () => {
  let sshd: SshUpstream;
  let upstreamPath: string;
  let person: GitClient;
  let agent: GitClient;
  let gate: TestGitGate;
  let url: string;

  beforeAll(async () => {
    sshd = await startSshUpstream();
    person = await gitClient();
    agent = await gitClient();
    upstreamPath = join(sshd.dir, "app.git");
    await seedBareRepo(person, upstreamPath);
    gate = await startGitGate(
      [{ name: "app", upstream: `${sshd.base}${upstreamPath}`, key: sshd.clientKey, known_hosts: sshd.hostKey, push: ["bottle/*"] }],
      {},
      { connectTimeoutSeconds: 3, freshMs: 500 },
    );
    url = `${gate.base}app.git`;
  });
  afterAll(async () => {
    await gate?.[Symbol.asyncDispose]();
    await agent?.[Symbol.asyncDispose]();
    await person?.[Symbol.asyncDispose]();
    await sshd?.[Symbol.asyncDispose]();
  }, 60_000);

  test("the agent clones through the gate, and a later fetch sees a commit pushed upstream meanwhile", async () => {
    const work = join(agent.home, "clone");
    const clone = await agent.git(["clone", url, work]);
    expect(clone.stderr).not.toContain("fatal");
    expect(await agent.ok(["log", "--format=%s", "-1"], work)).toBe("first");

    const other = join(person.home, "other");
    await person.ok(["clone", "-q", upstreamPath, other]);
    const pushed = await person.commit(other, { "news.txt": "news\n" }, "meanwhile");
    await person.ok(["push", "-q", "origin", "HEAD:main"], other);
    await Bun.sleep(600); // past the mirror's reuse window (freshMs)
    await agent.ok(["fetch", "-q", "origin"], work);
    expect(await agent.ok(["rev-parse", "origin/main"], work)).toBe(pushed);
    const audit = await gate.auditLines();
    expect(audit.some((line) => line.repo === "app" && String(line.path).includes("service=git-upload-pack") && line.decision === "allow")).toBe(true);
  }, 60_000);

  test("a push of an allowed branch arrives upstream and is audited old → new", async () => {
    const work = join(agent.home, "clone");
    const head = await agent.commit(work, { "feature.txt": "work\n" }, "feature");
    const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/feature"], work);
    expect(push.exitCode).toBe(0);
    expect(await person.ok(["rev-parse", "refs/heads/bottle/feature"], upstreamPath)).toBe(head);
    const line = (await gate.auditLines()).find((entry) => Array.isArray(entry.refs) && (entry.refs as { ref: string }[]).some((ref) => ref.ref === "refs/heads/bottle/feature"));
    expect(line).toMatchObject({ decision: "allow", repo: "app", refs: [{ ref: "refs/heads/bottle/feature", old: "0".repeat(40), new: head, decision: "allow" }] });
  }, 60_000);

  test("pushing main is refused with the policy named, and nothing reaches upstream", async () => {
    const work = join(agent.home, "clone");
    const before = await person.ok(["rev-parse", "main"], upstreamPath);
    await agent.ok(["reset", "-q", "--hard", "origin/main"], work);
    await agent.commit(work, { "main.txt": "x\n" }, "to main");
    const push = await agent.git(["push", "origin", "HEAD:main"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain("remote: bottle: refs/heads/main is not pushable; allowed: bottle/*");
    expect(await person.ok(["rev-parse", "main"], upstreamPath)).toBe(before);
    // The mirror is not left ahead either: a fresh clone's main is upstream's.
    const fresh = join(agent.home, "fresh");
    await agent.ok(["clone", "-q", url, fresh]);
    expect(await agent.ok(["rev-parse", "HEAD"], fresh)).toBe(before);
  }, 60_000);

  test("force-push, delete and tag are refused, each saying why", async () => {
    const work = join(agent.home, "clone");
    await agent.ok(["reset", "-q", "--hard", "origin/main"], work);
    await agent.ok(["fetch", "-q", "origin"], work);
    await agent.commit(work, { "rewrite.txt": "other history\n" }, "rewrite");
    const force = await agent.git(["push", "--force", "origin", "HEAD:refs/heads/bottle/feature"], work);
    expect(force.exitCode).not.toBe(0);
    expect(force.stderr).toContain("remote: bottle: refs/heads/bottle/feature: non-fast-forward update (force-push) refused");

    const remove = await agent.git(["push", "origin", ":refs/heads/bottle/feature"], work);
    expect(remove.exitCode).not.toBe(0);
    expect(remove.stderr).toContain("deleting refs/heads/bottle/feature is refused: deletes are off for app (delete: false)");

    await agent.ok(["tag", "v1"], work);
    const tag = await agent.git(["push", "origin", "refs/tags/v1"], work);
    expect(tag.exitCode).not.toBe(0);
    expect(tag.stderr).toContain("refs/tags/v1: tag pushes are off for app (tags: false)");
    expect((await person.git(["tag", "--list"], upstreamPath)).stdout.trim()).toBe("");
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/feature"], upstreamPath)).toMatchObject({ exitCode: 0 });
  }, 60_000);

  test("a commit adding an AWS key is refused naming file:line and the kind, never the value", async () => {
    const work = join(agent.home, "clone");
    await agent.ok(["reset", "-q", "--hard", "origin/main"], work);
    const key = "AKIAIOSFODNN7EXAMPL3";
    await agent.commit(work, { "config/app.env": `REGION=eu\nNAME=x\nAWS_ACCESS_KEY_ID=${key}\n` }, "config");
    const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/config"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toMatch(/remote: bottle: secret in config\/app\.env:3: aws-access-key/);
    expect(push.stderr).not.toContain(key);
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/config"], upstreamPath)).toMatchObject({ exitCode: 128 });
    const audit = JSON.stringify(await gate.auditLines());
    expect(audit).toContain("dlp:aws-access-key");
    expect(audit).not.toContain(key);
  }, 60_000);
});
