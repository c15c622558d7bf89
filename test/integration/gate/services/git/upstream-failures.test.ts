import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { join } from "node:path";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { startGitGate } from "../../../../helpers/git/git-gate.ts";
import { freePort, sshdAvailable, startSshUpstream, type SshUpstream } from "../../../../helpers/git/ssh-upstream.ts";

if (!sshdAvailable && process.env.BOTTLE_REQUIRE_ENGINE === "1") throw new Error("these tests need Debian's openssh-server (/usr/sbin/sshd)");
const describeSsh = sshdAvailable ? describe : describe.skip;

describeSsh("the git gate when upstream cannot be trusted or reached", () => {
  let sshd: SshUpstream;
  let person: GitClient;
  let agent: GitClient;
  let upstreamPath: string;

  beforeAll(async () => {
    sshd = await startSshUpstream();
    person = await gitClient();
    agent = await gitClient();
    upstreamPath = join(sshd.dir, "app.git");
    await seedBareRepo(person, upstreamPath);
  }, 60_000);
  afterAll(async () => {
    await agent?.[Symbol.asyncDispose]();
    await person?.[Symbol.asyncDispose]();
    await sshd?.[Symbol.asyncDispose]();
  });

  test("a host key other than the pinned one is refused, and the agent reads why", async () => {
    const other = await startSshUpstream();
    try {
      // The gate pins the first server's key; the upstream is served by a second sshd with its own.
      await using gate = await startGitGate([{ name: "app", upstream: `${other.base}${upstreamPath}`, key: other.clientKey, known_hosts: sshd.hostKey }], {}, { connectTimeoutSeconds: 3 });
      const clone = await agent.git(["clone", `${gate.base}app.git`, join(agent.home, "impostor")]);
      expect(clone.exitCode).toBe(128);
      expect(clone.stderr).toContain("fatal: remote error: bottle gate: upstream");
      expect(clone.stderr).toContain("its host key does not match the pinned host_key, refusing to connect");
      expect(await gate.auditLines()).toContainEqual(expect.objectContaining({ repo: "app", decision: "error", reason: "upstream-unreachable" }));
    } finally {
      await other[Symbol.asyncDispose]();
    }
  }, 60_000);

  test("an upstream that is down gives a readable fatal line, not a hang", async () => {
    const port = await freePort();
    await using gate = await startGitGate([{ name: "app", upstream: `ssh://root@127.0.0.1:${port}${upstreamPath}`, key: sshd.clientKey, known_hosts: sshd.hostKey }], {}, { connectTimeoutSeconds: 3 });
    const clone = await agent.git(["clone", `${gate.base}app.git`, join(agent.home, "down")]);
    expect(clone.exitCode).toBe(128);
    expect(clone.stderr).toContain(`fatal: remote error: bottle gate: upstream ssh://root@127.0.0.1:${port}${upstreamPath} unreachable: ssh: connect to host 127.0.0.1 port ${port}: Connection refused`);
  }, 60_000);

  test("an upstream that accepts and never speaks is cut at the connect timeout with a message", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      await using gate = await startGitGate([{ name: "app", upstream: `ssh://root@127.0.0.1:${port}/x.git`, key: sshd.clientKey, known_hosts: sshd.hostKey }], {}, { connectTimeoutSeconds: 2 });
      const clone = await agent.git(["clone", `${gate.base}app.git`, join(agent.home, "silent")]);
      expect(clone.exitCode).toBe(128);
      expect(clone.stderr).toContain(`fatal: remote error: bottle gate: upstream ssh://root@127.0.0.1:${port}/x.git unreachable:`);
      expect(clone.stderr).toMatch(/timed out|Connection timed out/i);
    } finally {
      silent.close();
    }
  }, 60_000);

  test("a key upstream does not accept is named as refused credentials", async () => {
    await using gate = await startGitGate([{ name: "app", upstream: `${sshd.base}${upstreamPath}`, key: join(sshd.dir, "host_key"), known_hosts: sshd.hostKey }], {}, { connectTimeoutSeconds: 3 });
    const clone = await agent.git(["clone", `${gate.base}app.git`, join(agent.home, "badkey")]);
    expect(clone.stderr).toContain("refused the gate's credentials");
    expect(clone.stderr).toContain("Permission denied (publickey)");
  }, 60_000);

  test("a read-only repo refuses a push at once and says so", async () => {
    await using gate = await startGitGate([{ name: "app", upstream: `${sshd.base}${upstreamPath}`, key: sshd.clientKey, known_hosts: sshd.hostKey }], {}, { connectTimeoutSeconds: 3 });
    const work = join(agent.home, "readonly");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
    await agent.commit(work, { "x.txt": "x\n" }, "x");
    const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/x"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain("fatal: remote error: bottle: app is read-only for the agent: no branch is pushable");
  }, 60_000);
});
