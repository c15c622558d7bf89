import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../../../src/core/runner.ts";
import { encodePacket, FLUSH_PACKET } from "../../../../../src/gate/services/git/pkt-line.ts";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { startGitGate, type TestGitGate } from "../../../../helpers/git/git-gate.ts";

const AWS = "AKIAIOSFODNN7EXAMPL3";

/**
 * The git gate attacked as a malicious agent would: refs named to dodge the push glob,
 * refs outside branches, push options, secrets where `git log -p` does not look, packs
 * too big to check, and requests for refs or repos the manifest does not serve.
 */
describe("a malicious agent against the git gate", () => {
  let person: GitClient;
  let agent: GitClient;
  let gate: TestGitGate;
  let upstreamPath: string;
  let base: string;
  let work: string;

  beforeAll(async () => {
    person = await gitClient();
    agent = await gitClient();
    upstreamPath = join(person.home, "upstream.git");
    base = await seedBareRepo(person, upstreamPath);
    // Refs a forge keeps beside branches and tags; the gate's mirror must not show them.
    await person.ok(["update-ref", "refs/pull/1/head", base], upstreamPath);
    await person.ok(["update-ref", "refs/keep/other-work", base], upstreamPath);
    const otherPath = join(person.home, "other.git");
    await seedBareRepo(person, otherPath);
    await person.ok(["update-ref", "refs/heads/other-secret-branch", "HEAD"], otherPath);
    gate = await startGitGate(
      [
        { name: "app", upstream: upstreamPath, push: ["bottle/*"] },
        { name: "other", upstream: otherPath },
      ],
      {},
      { freshMs: 200, maxCheckedBytes: 1024 * 1024 },
    );
    work = join(agent.home, "clone");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
  }, 60_000);
  afterAll(async () => {
    await gate?.[Symbol.asyncDispose]();
    await agent?.[Symbol.asyncDispose]();
    await person?.[Symbol.asyncDispose]();
  });

  const fresh = (branch: string) => agent.ok(["checkout", "-q", "-B", branch, base], work);
  const push = (refspec: string, ...options: string[]) => agent.git(["push", ...options, "origin", refspec], work);
  const upstreamRefs = async () => (await person.ok(["for-each-ref", "--format=%(refname)"], upstreamPath)).split("\n").sort();
  const lastPush = async () => (await gate.auditLines()).filter((line) => String(line.path).endsWith("/git-receive-pack")).pop();

  describe("refs named to dodge the glob", () => {
    test("a raw push of refs/heads/bottle/../main is refused by name before anything moves", async () => {
      const before = await upstreamRefs();
      // A create of a commit the mirror has: the pack that follows the commands is empty.
      const pack = await new Response(processRunner.start(["git", "pack-objects", "--stdout"], { stdin: "", stdio: "stream", check: false }).stdout!).bytes();
      const body = Buffer.concat([encodePacket(`${"0".repeat(40)} ${base} refs/heads/bottle/../main\0report-status\n`), FLUSH_PACKET, pack]);
      const response = await fetch(`${gate.base}app.git/git-receive-pack`, { method: "POST", headers: { "content-type": "application/x-git-receive-pack-request" }, body });
      expect(await response.text()).not.toContain("ok refs/heads/bottle/../main");
      expect(await upstreamRefs()).toEqual(before);
      expect(await lastPush()).toMatchObject({ decision: "block", refs: [expect.objectContaining({ ref: "refs/heads/bottle/../main", reason: "bad-ref-name" })] });
    });

    test("a branch that differs from an allowed one only by an invisible character is refused", async () => {
      await fresh("zw");
      await agent.commit(work, { "zw.txt": "x\n" }, "zw");
      const result = await push("HEAD:refs/heads/bottle/x\u200b");
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("is not a ref name git takes");
      expect(await upstreamRefs()).not.toContainEqual(expect.stringContaining("bottle/x"));
    });

    test("a look-alike of the allowed prefix (Cyrillic о in bottle) is not pushable", async () => {
      const result = await push("HEAD:refs/heads/b\u043Ettle/x");
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("is not pushable; allowed: bottle/*");
    });

    test("refs outside branches (Gerrit's refs/for/, notes) are refused, whatever the glob", async () => {
      const gerrit = await push("HEAD:refs/for/bottle/x");
      expect(gerrit.stderr).toContain("refs/for/bottle/x is not pushable: only branches (refs/heads/…) and tags");
      await agent.ok(["notes", "add", "-m", `note ${AWS}`, "HEAD"], work);
      const notes = await push("refs/notes/commits");
      expect(notes.exitCode).not.toBe(0);
      expect(notes.stderr).toContain("refs/notes/commits is not pushable");
      expect(await upstreamRefs()).not.toContainEqual(expect.stringMatching(/^refs\/(for|notes)\//));
    });

    test("push options are not taken (nothing for the gate to pass upstream unchecked)", async () => {
      const result = await push("HEAD:refs/heads/bottle/opts", "-o", "ci.skip");
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("the receiving end does not support push options");
      expect(await upstreamRefs()).not.toContain("refs/heads/bottle/opts");
    });
  });

  describe("secrets where git log -p does not show them", () => {
    const refused = async (branch: string, expected: string) => {
      const result = await push(`HEAD:refs/heads/${branch}`);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain(expected);
      expect(result.stderr).not.toContain(AWS);
      expect(await upstreamRefs()).not.toContain(`refs/heads/${branch}`);
    };

    test("an empty file whose name is the secret", async () => {
      await fresh("bottle/empty");
      await agent.commit(work, { [`${AWS}.txt`]: "" }, "empty");
      await refused("bottle/empty", "aws-access-key (in the path)");
    });

    test("a file renamed, unchanged, to a name holding the secret", async () => {
      await fresh("bottle/rename");
      await agent.commit(work, { "plain.txt": "plain content\n" }, "plain");
      await agent.ok(["mv", "plain.txt", `id-${AWS}.txt`], work);
      await agent.ok(["commit", "-q", "-m", "rename"], work);
      await refused("bottle/rename", "aws-access-key (in the path)");
    });

    test("a symlink whose target is the secret", async () => {
      await fresh("bottle/link");
      await symlink(`/keys/${AWS}`, join(work, "link"));
      await agent.ok(["add", "link"], work);
      await agent.ok(["commit", "-q", "-m", "link"], work);
      await refused("bottle/link", "secret in link:1: aws-access-key");
    });

    test("a submodule URL carrying the secret", async () => {
      await fresh("bottle/submodule");
      await agent.ok(["update-index", "--add", "--cacheinfo", `160000,${base},vendor/lib`], work);
      await writeFile(join(work, ".gitmodules"), `[submodule "lib"]\n\tpath = vendor/lib\n\turl = https://x:${AWS}@example.com/lib.git\n`);
      await agent.ok(["add", ".gitmodules"], work);
      await agent.ok(["commit", "-q", "-m", "submodule"], work);
      await refused("bottle/submodule", "secret in .gitmodules:3: aws-access-key");
    });

    test("the author's name", async () => {
      await fresh("bottle/author");
      await writeFile(join(work, "a.txt"), "a\n");
      await agent.ok(["add", "a.txt"], work);
      await agent.git(["commit", "-q", "-m", "a", `--author=${AWS} <a@b.c>`], work).then((r) => expect(r.exitCode).toBe(0));
      await refused("bottle/author", "secret in (commit header):3: aws-access-key");
    });

    test("an extra header of a hand-made commit, which git log never prints", async () => {
      const tree = await agent.ok(["rev-parse", `${base}^{tree}`], work);
      const raw = `tree ${tree}\nparent ${base}\nauthor A <a@b.c> 1700000000 +0000\ncommitter A <a@b.c> 1700000000 +0000\nx-bottle-note ${AWS}\n\nplain message\n`;
      const made = (await processRunner.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], { cwd: work, stdin: raw, env: agent.env })).stdout.trim();
      await agent.ok(["update-ref", "refs/heads/bottle/header", made], work);
      const result = await agent.git(["push", "origin", "refs/heads/bottle/header"], work);
      expect(result.stderr).toContain("secret in (commit header):");
      expect(result.stderr).toContain("aws-access-key");
      expect(await upstreamRefs()).not.toContain("refs/heads/bottle/header");
    });

    test("the ref's own name: refused, and the audit line never holds it", async () => {
      await fresh("named");
      const result = await push(`HEAD:refs/heads/bottle/${AWS}`);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("secret in the name of refs/heads/bottle/[REDACTED:aws-access-key]: aws-access-key");
      expect(await upstreamRefs()).not.toContainEqual(expect.stringContaining(AWS));
      expect(await lastPush()).toMatchObject({ decision: "block", reason: "dlp:aws-access-key" });
      expect(JSON.stringify(await gate.auditLines())).not.toContain(AWS);
    });

    test("an LFS upload has no way through the git gate (its API is not served)", async () => {
      const lfs = await fetch(`${gate.base}app.git/info/lfs/objects/batch`, { method: "POST", headers: { "content-type": "application/vnd.git-lfs+json" }, body: "{}" });
      expect(lfs.status).toBe(404);
    });
  });

  describe("resource bounds", () => {
    test("a push adding more than the gate checks is refused before it is read, and says so", async () => {
      await fresh("bottle/huge");
      await agent.commit(work, { "big.txt": randomBytes(768 * 1024).toString("hex") }, "big");
      const result = await push("HEAD:refs/heads/bottle/huge");
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("more than the gate checks (1 MiB)");
      expect(await lastPush()).toMatchObject({ decision: "block", reason: "too-large" });
    });

    test("a small pack whose blob inflates to 64 MiB is sized as it inflates, not as it travels", async () => {
      await fresh("bottle/bomb");
      await writeFile(join(work, "zeros.bin"), Buffer.alloc(64 * 1024 * 1024));
      await agent.ok(["add", "zeros.bin"], work);
      await agent.ok(["commit", "-q", "-m", "zeros"], work);
      const result = await push("HEAD:refs/heads/bottle/bomb");
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("the push adds 64 MiB of files, more than the gate checks (1 MiB)");
      expect(await upstreamRefs()).not.toContain("refs/heads/bottle/bomb");
      // What travelled was a fraction of that (and was counted).
      const sent = Number((await lastPush())?.bytes_up);
      expect(sent).toBeGreaterThan(1000);
      expect(sent).toBeLessThan(1024 * 1024);
    }, 60_000);

    test("a pack over receive.maxInputSize is cut off while it arrives", async () => {
      await using small = await startGitGate([{ name: "app", upstream: upstreamPath, push: ["bottle/*"] }], {}, { maxPushBytes: 64 * 1024 });
      const clone = join(agent.home, "small");
      await agent.ok(["clone", "-q", `${small.base}app.git`, clone]);
      await mkdir(join(clone, "d"));
      await agent.commit(clone, { "d/random.bin": randomBytes(256 * 1024).toString("latin1") }, "random");
      const result = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/cut"], clone);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("pack exceeds maximum allowed size");
      expect(await upstreamRefs()).not.toContain("refs/heads/bottle/cut");
    });
    test("a flood of git requests runs 8 git children at once, queues 32 and refuses the rest", async () => {
      await using flooded = await startGitGate([{ name: "app", upstream: upstreamPath, push: ["bottle/*"] }]);
      await agent.ok(["ls-remote", `${flooded.base}app.git`]);
      // Each POST sends no want lines and never ends its body: upload-pack waits on it.
      const stalled = Array.from({ length: 45 }, () => {
        const abort = new AbortController();
        const answer = fetch(`${flooded.base}app.git/git-upload-pack`, {
          method: "POST",
          headers: { "content-type": "application/x-git-upload-pack-request" },
          body: new ReadableStream({ pull: () => new Promise(() => {}) }),
          signal: abort.signal,
        }).then((response) => response.status, () => 0);
        return { abort, answer };
      });
      const settled = new Map<number, number>();
      stalled.forEach(({ answer }, index) => void answer.then((status) => settled.set(index, status)));
      const children = async () => Number((await processRunner.run(["pgrep", "-fc", `upload-pack --stateless-rpc ${flooded.stateDir}`], { check: false })).stdout.trim() || 0);
      // A running upload-pack has sent nothing yet, so only the refusals are answered.
      for (let waited = 0; settled.size < 5 && waited < 100; waited++) await Bun.sleep(100);
      await Bun.sleep(500);
      expect([...settled.values()]).toEqual([503, 503, 503, 503, 503]);
      expect(await children()).toBe(8);
      const busy = (await flooded.auditLines()).filter((line) => line.reason === "busy");
      expect(busy).toHaveLength(5);
      expect(busy[0]).toMatchObject({ service: "git", status: 503, decision: "error" });
      // Clients that leave, running or waiting, give their slots to those still waiting:
      // of the 40 taken, the last 4 to arrive (waiting until now) are all that run.
      const taken = stalled.filter((_, index) => !settled.has(index));
      for (const { abort } of taken.slice(0, 36)) abort.abort();
      for (let waited = 0; (await children()) !== 4 && waited < 50; waited++) await Bun.sleep(100);
      expect(await children()).toBe(4);
      for (const { abort } of taken) abort.abort();
      for (let waited = 0; (await children()) > 0 && waited < 50; waited++) await Bun.sleep(100);
      expect(await children()).toBe(0);
      // Every slot came back: the bottle's next fetch runs.
      await agent.ok(["ls-remote", `${flooded.base}app.git`]);
    }, 60_000);
  });

  describe("refs and repos the manifest does not serve", () => {
    test("protocol v2 ls-refs shows branches and tags of this repo only: no forge refs, no other repo", async () => {
      const listed = await agent.ok(["-c", "protocol.version=2", "ls-remote", `${gate.base}app.git`]);
      const refs = listed.split("\n").map((line) => line.split("\t")[1]);
      expect(refs.every((ref) => ref === "HEAD" || /^refs\/(heads|tags)\//.test(ref!))).toBe(true);
      expect(listed).not.toContain("refs/pull/");
      expect(listed).not.toContain("other-secret-branch");
      // Asking for every prefix changes nothing: the mirror holds no more.
      const prefixed = await agent.ok(["-c", "protocol.version=2", "ls-remote", `${gate.base}app.git`, "refs/pull/*", "refs/keep/*"]);
      expect(prefixed).toBe("");
    });

    test("a repo the manifest does not name is not served, and the probe is audited", async () => {
      const result = await agent.git(["ls-remote", `${gate.base}secrets.git`]);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain("no git repo named secrets");
      expect(await gate.auditLines()).toContainEqual(expect.objectContaining({ service: "git", repo: "secrets", status: 404, decision: "block", reason: "unknown-repo" }));
    });

    test.each([
      "/git/../app.git/info/refs?service=git-upload-pack",
      "/git/app.git/../other.git/../../etc/passwd",
      "/git/%2e%2e/app.git/info/refs?service=git-upload-pack",
      "/git/app.git%2finfo%2frefs?service=git-upload-pack",
      "/git//app.git/info/refs?service=git-upload-pack",
      "/git/APP.git/info/refs?service=git-upload-pack",
      "/git/app.git/HEAD",
      "/git/app.git/objects/info/packs",
      "/git/app.git/config",
      "/git/app.git/info/refs?service=git-upload-archive",
      "/git/app.git.git/info/refs?service=git-upload-pack",
    ])("%s is not served", async (path) => {
      const origin = new URL(gate.base).origin;
      const result = await processRunner.run(["curl", "-s", "--path-as-is", "-o", "-", "-w", "\n%{http_code}", `${origin}${path}`], { check: false });
      const status = result.stdout.trim().split("\n").pop();
      expect(status).toBe("404");
      expect(result.stdout).not.toContain("root:");
      expect(result.stdout).not.toContain("[core]");
      const line = (await gate.auditLines()).pop();
      expect(line).toMatchObject({ service: "git", status: 404, decision: "block" });
    });
  });
});
