import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../../../src/core/runner.ts";
import { parseUpstream } from "../../../../../src/gate/services/git/parse-upstream.ts";
import { SshConnection } from "../../../../../src/gate/services/git/ssh-connection.ts";
import { sshOptions } from "../../../../../src/gate/services/git/upstream-access.ts";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { startGitGate, type TestGitGate } from "../../../../helpers/git/git-gate.ts";
import { sshdAvailable, startSshUpstream, type SshUpstream } from "../../../../helpers/git/ssh-upstream.ts";

if (!sshdAvailable && process.env.BOTTLE_REQUIRE_ENGINE === "1") throw new Error("these tests need Debian's openssh-server (/usr/sbin/sshd)");
const describeSsh = sshdAvailable ? describe : describe.skip;

/** Each process as /proc shows it: pid, parent, state and command line (procps may not be installed). */
async function processes(): Promise<{ pid: number; ppid: number; state: string; argv: string[] }[]> {
  const found = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, "utf8");
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after the last ')'.
      const [state = "", ppid = "0"] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const argv = (await readFile(`/proc/${name}/cmdline`, "utf8")).split("\0").filter(Boolean);
      found.push({ pid: Number(name), ppid: Number(ppid), state, argv });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

/** The ssh processes whose command line names `dir` (the gate's shared connections there). */
async function sshProcessesIn(dir: string): Promise<number[]> {
  return (await processes()).filter((p) => p.argv[0] === "ssh" && p.argv.some((word) => word.startsWith(`ControlPath=${dir}/`))).map((p) => p.pid);
}

/**
 * A push's advertisement is served from the mirror and the push upstream rides one
 * shared ssh connection, opened while the agent sends its pack. These tests pin what
 * that must not cost: an update upstream moved meanwhile is still refused there, and
 * the connection ends with the gate.
 */
describeSsh("the git gate's shared upstream connection and push from a mirror as it is", () => {
  let sshd: SshUpstream;
  let upstreamPath: string;
  let person: GitClient;
  let agent: GitClient;
  let work: string;

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
  }, 60_000);

  const upstreamRefs = async () => (await person.ok(["for-each-ref", "--format=%(refname)"], upstreamPath)).split("\n");
  const lastPushOf = async (gate: TestGitGate) => (await gate.auditLines()).filter((line) => String(line.path).endsWith("/git-receive-pack")).pop();

  const startGate = (extra: Record<string, unknown> = {}): Promise<TestGitGate> =>
    startGitGate(
      [{ name: "app", upstream: `${sshd.base}${upstreamPath}`, key: sshd.clientKey, known_hosts: sshd.hostKey, push: ["bottle/*"], ...extra }],
      {},
      { connectTimeoutSeconds: 3, freshMs: 200 },
    );

  test("the push upstream rides the connection the gate already holds: it lands while sshd refuses new logins", async () => {
    await using gate = await startGate();
    work = join(agent.home, "rides");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
    const first = await agent.commit(work, { "a.txt": "a\n" }, "a");
    expect((await agent.git(["push", "origin", "HEAD:refs/heads/bottle/a"], work)).exitCode).toBe(0);
    expect(await person.ok(["rev-parse", "refs/heads/bottle/a"], upstreamPath)).toBe(first);

    // sshd stops taking the gate's key for new logins; a connection already logged in stays.
    const authorized = join(sshd.dir, "authorized_keys");
    const keys = await readFile(authorized);
    await writeFile(authorized, "");
    try {
      const second = await agent.commit(work, { "b.txt": "b\n" }, "b");
      const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/a"], work);
      expect(push.stderr).not.toContain("unreachable");
      expect(push.exitCode).toBe(0);
      expect(await person.ok(["rev-parse", "refs/heads/bottle/a"], upstreamPath)).toBe(second);
    } finally {
      await writeFile(authorized, keys);
    }
  }, 60_000);

  test("an upstream that went down after the clone: the push is refused with the reason, and nothing moves", async () => {
    await using gate = await startGate();
    work = join(agent.home, "down");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
    await agent.commit(work, { "d.txt": "d\n" }, "d");
    await sshd.stop();
    try {
      const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/down"], work);
      expect(push.exitCode).not.toBe(0);
      expect(push.stderr).toContain(`remote: bottle: upstream ${sshd.base}${upstreamPath} unreachable: ssh: connect to host 127.0.0.1 port ${sshd.port}: Connection refused`);
      expect(await lastPushOf(gate)).toMatchObject({ decision: "error", reason: "upstream-unreachable" });
    } finally {
      await sshd.start();
    }
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/down"], upstreamPath)).toMatchObject({ exitCode: 128 });
    // The mirror did not take it either: a fresh clone through the gate has no such branch.
    expect(await agent.ok(["ls-remote", `${gate.base}app.git`, "refs/heads/bottle/down"])).toBe("");
  }, 60_000);

  test("an update upstream moved since the mirror last looked is refused upstream, and the mirror is not left ahead", async () => {
    await using gate = await startGate();
    work = join(agent.home, "stale");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
    await agent.commit(work, { "s.txt": "agent 1\n" }, "agent 1");
    expect((await agent.git(["push", "origin", "HEAD:refs/heads/bottle/s"], work)).exitCode).toBe(0);

    // A person moves the branch upstream, straight to it: the gate's mirror has not seen it.
    const other = join(person.home, "stale-other");
    await person.ok(["clone", "-q", "-b", "bottle/s", upstreamPath, other]);
    const theirs = await person.commit(other, { "s.txt": "person\n" }, "person");
    await person.ok(["push", "-q", "origin", "HEAD:bottle/s"], other);

    await agent.commit(work, { "s.txt": "agent 2\n" }, "agent 2");
    const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/s"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain("remote: bottle: upstream refused refs/heads/bottle/s");
    expect(await person.ok(["rev-parse", "refs/heads/bottle/s"], upstreamPath)).toBe(theirs);
    // The next fetch shows the agent what upstream has.
    await Bun.sleep(300);
    await agent.ok(["fetch", "-q", "origin"], work);
    expect(await agent.ok(["rev-parse", "origin/bottle/s"], work)).toBe(theirs);
    expect(await gate.auditLines()).toContainEqual(expect.objectContaining({ repo: "app", decision: "error", reason: "upstream-refused" }));
  }, 60_000);

  test("two branches in one push, one of them refused by upstream: neither lands upstream nor in the mirror (atomic)", async () => {
    await using gate = await startGate();
    work = join(agent.home, "atomic");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
    const hook = join(upstreamPath, "hooks", "pre-receive");
    await writeFile(hook, "#!/bin/sh\nwhile read old new ref; do [ \"$ref\" = refs/heads/bottle/b2 ] && { echo 'b2 is frozen here' >&2; exit 1; }; done; exit 0\n", { mode: 0o755 });
    try {
      await agent.commit(work, { "one.txt": "1\n" }, "one");
      const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/b1", "HEAD:refs/heads/bottle/b2"], work);
      expect(push.exitCode).not.toBe(0);
      expect(push.stderr).toContain("remote: bottle: upstream remote: b2 is frozen here");
    } finally {
      await rm(hook, { force: true });
    }
    const upstreamNow = await upstreamRefs();
    expect(upstreamNow).not.toContain("refs/heads/bottle/b1");
    expect(upstreamNow).not.toContain("refs/heads/bottle/b2");
    const mirror = join(gate.stateDir, "app.git");
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/b1"], mirror)).toMatchObject({ exitCode: 128 });
  }, 60_000);

  test("a force-push from a stale view carries its lease: work upstream got meanwhile is not overwritten", async () => {
    await using gate = await startGate({ force: true });
    work = join(agent.home, "lease");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
    await agent.commit(work, { "l.txt": "agent 1\n" }, "agent 1");
    expect((await agent.git(["push", "origin", "HEAD:refs/heads/bottle/l"], work)).exitCode).toBe(0);

    const other = join(person.home, "lease-other");
    await person.ok(["clone", "-q", "-b", "bottle/l", upstreamPath, other]);
    const theirs = await person.commit(other, { "l.txt": "person\n" }, "person");
    await person.ok(["push", "-q", "origin", "HEAD:bottle/l"], other);

    await agent.ok(["reset", "-q", "--hard", "HEAD~1"], work);
    await agent.commit(work, { "l.txt": "rewritten\n" }, "rewritten");
    const push = await agent.git(["push", "--force", "origin", "HEAD:refs/heads/bottle/l"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain("remote: bottle: upstream refused refs/heads/bottle/l: [rejected] (stale info)");
    expect(await person.ok(["rev-parse", "refs/heads/bottle/l"], upstreamPath)).toBe(theirs);
  }, 60_000);

  test("an idle connection retires without cutting a session it still carries; the next open makes a new one", async () => {
    const controlDir = await mkdtemp(join(tmpdir(), "bottle-ssh-test-"));
    const knownHostsFile = join(controlDir, "known_hosts");
    await writeFile(knownHostsFile, `[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`, { mode: 0o600 });
    const parsed = parseUpstream(`${sshd.base}${upstreamPath}`);
    if (!parsed.ok || parsed.upstream.kind !== "ssh") throw new Error("not an ssh upstream");
    const credentials = { keyFile: sshd.clientKey, knownHostsFile, controlPath: join(controlDir, "app-test") };
    const connection = new SshConnection(processRunner, parsed.upstream, credentials, 300);
    try {
      await connection.open();
      // A session on it that lasts past the idle time: git over the shared connection, slowed down.
      const destination = [...(parsed.upstream.port === undefined ? [] : ["-p", String(parsed.upstream.port)]), `${parsed.upstream.user}@${parsed.upstream.host}`];
      const session = processRunner.run(["ssh", ...sshOptions(credentials), ...destination, "sleep 1.5; echo still-here"], { check: false });
      await Bun.sleep(800);
      expect(await readdir(controlDir)).not.toContain("app-test"); // retired: no new sessions
      const result = await session;
      expect({ code: result.exitCode, out: result.stdout.trim() }).toEqual({ code: 0, out: "still-here" });
      for (let i = 0; i < 50 && (await sshProcessesIn(controlDir)).length > 0; i++) await Bun.sleep(50);
      expect(await sshProcessesIn(controlDir)).toEqual([]);
      await connection.open();
      expect(await readdir(controlDir)).toContain("app-test");
    } finally {
      await connection.close();
      await rm(controlDir, { recursive: true, force: true });
    }
    expect(await sshProcessesIn(controlDir)).toEqual([]);
  }, 60_000);

  test("a push opens the shared connection as it begins; it is the gate's own child and ends with the gate", async () => {
    const controlDir = await mkdtemp(join(tmpdir(), "bottle-ssh-test-"));
    try {
      const gate = await startGitGate(
        [{ name: "app", upstream: `${sshd.base}${upstreamPath}`, key: sshd.clientKey, known_hosts: sshd.hostKey, push: ["bottle/*"] }],
        {},
        { connectTimeoutSeconds: 3, controlDir },
      );
      work = join(agent.home, "ends");
      await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
      // A fetch alone opens none; a push's advertisement does (a dry run stops right after it).
      expect(await sshProcessesIn(controlDir)).toEqual([]);
      await agent.ok(["push", "--dry-run", "origin", "HEAD:refs/heads/bottle/e"], work);
      for (let i = 0; i < 100 && (await readdir(controlDir)).length === 0; i++) await Bun.sleep(50);
      expect(await readdir(controlDir)).toEqual([expect.stringMatching(/^app-[0-9a-f]{16}$/)]);
      expect(await sshProcessesIn(controlDir)).toHaveLength(1);
      await gate[Symbol.asyncDispose]();
      expect(await sshProcessesIn(controlDir)).toEqual([]);
      // Reaped, not left a zombie: no ssh child of this process remains at all.
      expect((await processes()).filter((p) => p.ppid === process.pid && p.state === "Z")).toEqual([]);
    } finally {
      await rm(controlDir, { recursive: true, force: true });
    }
  }, 60_000);
});
