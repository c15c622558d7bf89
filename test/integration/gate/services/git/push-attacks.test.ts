import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { processRunner } from "../../../../../src/core/runner.ts";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { startGitGate, type TestGitGate } from "../../../../helpers/git/git-gate.ts";

// A held secret shaped like no credential format: only the held-secret finder sees it.
const HELD = "held-route-secret-7Kq2Vx9Lm3";
const AWS = "AKIAIOSFODNN7EXAMPL3";

/** Ways an agent might slip a secret past a push check; each must be refused. */
describe("pushes that try to hide a secret from the git gate", () => {
  let person: GitClient;
  let agent: GitClient;
  let gate: TestGitGate;
  let upstreamPath: string;
  let work: string;
  let base: string;

  beforeAll(async () => {
    person = await gitClient();
    agent = await gitClient();
    upstreamPath = join(person.home, "upstream.git");
    base = await seedBareRepo(person, upstreamPath);
    gate = await startGitGate(
      [{ name: "app", upstream: upstreamPath, push: ["bottle/*"] }],
      { API_TOKEN: HELD },
      { freshMs: 200 },
      { routes: [{ name: "api", upstream: "https://api.example.com", inject: { header: "authorization", value: "Bearer ${API_TOKEN}" } }] },
    );
    work = join(agent.home, "clone");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
  }, 60_000);
  afterAll(async () => {
    await gate?.[Symbol.asyncDispose]();
    await agent?.[Symbol.asyncDispose]();
    await person?.[Symbol.asyncDispose]();
  });

  const fresh = async (branch: string) => {
    await agent.ok(["checkout", "-q", "-B", branch, base], work);
  };
  const push = (branch: string) => agent.git(["push", "origin", `HEAD:refs/heads/${branch}`], work);
  const upstreamHas = async (branch: string) => (await person.git(["rev-parse", "--verify", `refs/heads/${branch}`], upstreamPath)).exitCode === 0;

  test("a secret added in an earlier commit and removed in the tip is still in the pushed history", async () => {
    await fresh("bottle/earlier");
    await agent.commit(work, { "notes.md": `key ${AWS}\n` }, "add");
    await agent.commit(work, { "notes.md": "nothing here\n" }, "remove");
    const result = await push("bottle/earlier");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in notes.md:1: aws-access-key");
    expect(await upstreamHas("bottle/earlier")).toBe(false);
  }, 60_000);

  test("a file git is told is binary (.gitattributes) is still read as text", async () => {
    await fresh("bottle/binary");
    await agent.commit(work, { ".gitattributes": "*.dat binary\n", "blob.dat": `\u0000\u0001header\n${HELD}\n` }, "binary");
    const result = await push("bottle/binary");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in blob.dat:2: held-secret");
    expect(result.stderr).not.toContain(HELD);
  }, 60_000);

  test("a merge commit that brings a secret neither parent has (an evil merge) is refused", async () => {
    await fresh("bottle/side");
    await agent.commit(work, { "side.txt": "side\n" }, "side");
    await fresh("bottle/evil");
    await agent.commit(work, { "main.txt": "main\n" }, "main work");
    await agent.ok(["merge", "-q", "--no-commit", "bottle/side"], work);
    await writeFile(join(work, "merged.txt"), `smuggled ${HELD}\n`);
    await agent.ok(["add", "merged.txt"], work);
    await agent.ok(["commit", "-q", "-m", "merge"], work);
    const result = await push("bottle/evil");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in merged.txt:1: held-secret");
    expect(await upstreamHas("bottle/evil")).toBe(false);
  }, 60_000);

  test("an octopus merge (three parents) that brings a secret no parent has is refused", async () => {
    // The attack: a remerge diff skips merges of three or more parents, so a file only
    // such a merge added went upstream unread.
    await fresh("bottle/octo-a");
    await agent.commit(work, { "a.txt": "a\n" }, "a");
    await fresh("bottle/octo-b");
    await agent.commit(work, { "b.txt": "b\n" }, "b");
    await fresh("bottle/octopus");
    await agent.commit(work, { "main.txt": "main\n" }, "main work");
    await agent.ok(["merge", "-q", "--no-commit", "bottle/octo-a", "bottle/octo-b"], work);
    await writeFile(join(work, "octopus.txt"), `smuggled ${HELD}\n`);
    await agent.ok(["add", "octopus.txt"], work);
    await agent.ok(["commit", "-q", "-m", "octopus"], work);
    expect((await agent.ok(["rev-list", "--parents", "-n", "1", "HEAD"], work)).trim().split(" ")).toHaveLength(4);
    const result = await push("bottle/octopus");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in octopus.txt:1: held-secret");
    expect(await upstreamHas("bottle/octopus")).toBe(false);
  }, 60_000);

  test("a commit message under a declared encoding (IBM037) is read as stored, not as git log re-encodes it", async () => {
    // The attack: `git log` printed ASCII under `encoding IBM037` as nothing readable,
    // and the key went upstream as stored.
    await fresh("bottle/encoded");
    const tree = (await agent.ok(["rev-parse", "HEAD^{tree}"], work)).trim();
    const file = join(agent.home, "encoded-commit.txt");
    await writeFile(file, `tree ${tree}\nparent ${base}\nauthor a <a@b.c> 1700000000 +0000\ncommitter a <a@b.c> 1700000000 +0000\nencoding IBM037\n\nnotes\nkey ${AWS}\n`);
    const id = (await agent.ok(["hash-object", "-t", "commit", "-w", file], work)).trim();
    const result = await agent.git(["push", "origin", `${id}:refs/heads/bottle/encoded`], work);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in (commit message as stored):2: aws-access-key");
    expect(await upstreamHas("bottle/encoded")).toBe(false);
  }, 60_000);

  test("a secret in the commit message is refused", async () => {
    await fresh("bottle/message");
    await agent.commit(work, { "ok.txt": "fine\n" }, `fix\n\ncredentials: ${Buffer.from(HELD).toString("hex")}`);
    const result = await push("bottle/message");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in (commit message):3: held-secret");
  }, 60_000);

  test("a secret in a file name is refused", async () => {
    await fresh("bottle/name");
    await agent.commit(work, { [`keys/${AWS}.txt`]: "x\n" }, "name");
    const result = await push("bottle/name");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("aws-access-key (in the path)");
  }, 60_000);

  test("a secret in an annotated tag's message is refused, where tags are allowed", async () => {
    await using tagged = await startGitGate([{ name: "app", upstream: upstreamPath, tags: true }], { API_TOKEN: HELD });
    const clone = join(agent.home, "tagged");
    await agent.ok(["clone", "-q", `${tagged.base}app.git`, clone]);
    await agent.ok(["tag", "-a", "v9", "-m", `release\n\nnotes ${AWS}`], clone);
    const result = await agent.git(["push", "origin", "refs/tags/v9"], clone);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in (tag message of refs/tags/v9):3: aws-access-key");
    expect((await person.git(["tag", "--list"], upstreamPath)).stdout.trim()).toBe("");

    // A tag of a tag: only the outer one is a ref's, and the inner message was never read.
    await agent.ok(["tag", "-a", "inner", "-m", `inner ${AWS}`], clone);
    const inner = (await agent.ok(["rev-parse", "refs/tags/inner"], clone)).trim();
    await agent.ok(["tag", "-a", "v10", "-m", "release notes", inner], clone);
    await agent.ok(["tag", "-d", "inner"], clone);
    const nested = await agent.git(["push", "origin", "refs/tags/v10"], clone);
    expect(nested.exitCode).not.toBe(0);
    expect(nested.stderr).toContain("secret in (tag message as stored):1: aws-access-key");
    expect((await person.git(["tag", "--list"], upstreamPath)).stdout.trim()).toBe("");
  }, 60_000);

  test("a ref naming a blob or a tree (or a tag of one) is refused: the check reads commits, and the upstream never gets the object", async () => {
    // The attack (a hunt for leaks, this round): `git push origin <blob>:refs/tags/x`
    // landed the key upstream unread (only commits' changes are scanned), and a blob
    // pushed to a branch stayed in the upstream's object store though it refused the ref.
    await using tagged = await startGitGate([{ name: "app", upstream: upstreamPath, push: ["bottle/*"], tags: true }], { API_TOKEN: HELD });
    const clone = join(agent.home, "objects");
    await agent.ok(["clone", "-q", `${tagged.base}app.git`, clone]);
    await writeFile(join(clone, "payload"), `aws_access_key_id = ${AWS}\n`);
    const blob = (await agent.ok(["hash-object", "-w", "payload"], clone)).trim();
    await agent.ok(["update-index", "--add", "--cacheinfo", `100644,${blob},secret.txt`], clone);
    const tree = (await agent.ok(["write-tree"], clone)).trim();
    await writeFile(join(clone, "tag-object"), `object ${blob}\ntype blob\ntag wrapped\ntagger A <a@b.c> 0 +0000\n\nplain\n`);
    const tagOfBlob = (await agent.ok(["hash-object", "-t", "tag", "-w", "tag-object"], clone)).trim();
    for (const [source, ref, type] of [
      [blob, "refs/tags/leak-blob", "blob"],
      [tree, "refs/tags/leak-tree", "tree"],
      [tagOfBlob, "refs/tags/leak-wrapped", "tag"],
      [blob, "refs/heads/bottle/leak-blob", "blob"],
    ] as const) {
      const result = await agent.git(["push", "origin", `${source}:${ref}`], clone);
      expect([ref, result.exitCode]).toEqual([ref, 1]);
      expect(result.stderr).toContain(`${ref} would name a ${type}, not a commit`);
    }
    expect((await person.git(["for-each-ref", "--format=%(refname)", "refs/tags", "refs/heads/bottle/leak-blob"], upstreamPath)).stdout.trim()).toBe("");
    expect((await person.git(["cat-file", "-e", blob], upstreamPath)).exitCode).not.toBe(0);
    const lines = (await tagged.auditLines()).filter((line) => line.reason === "not-a-commit");
    expect(lines).toHaveLength(4);
  }, 60_000);

  test("one blob named in 400 paths of a tree (a 2 KB pack, 100 MiB of changes) is refused as too large, not read whole", async () => {
    // The attack (a hunt for leaks, this round): the pushed-files bound counts the blob
    // once, `git log -p` prints it per path, and the gate held all of it: 52 → 888 MiB,
    // its event loop stalled 2.1 s.
    await fresh("bottle/bomb");
    await writeFile(join(work, "payload"), "lorem ipsum dolor sit amet consectetur adipiscing elit sed do\n".repeat(4200));
    const blob = (await agent.ok(["hash-object", "-w", "payload"], work)).trim();
    const listing = Array.from({ length: 400 }, (_, n) => `100644 blob ${blob}\tf${n}.txt\n`).join("");
    const tree = (await processRunner.run(["git", "mktree"], { cwd: work, env: agent.env, stdin: listing })).stdout.trim();
    const commit = (await agent.ok(["commit-tree", tree, "-m", "many names", "-p", "HEAD"], work)).trim();
    const result = await agent.git(["push", "origin", `${commit}:refs/heads/bottle/bomb`], work);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("over 32 MiB of text to check");
    expect(await upstreamHas("bottle/bomb")).toBe(false);
    expect((await gate.auditLines()).some((line) => line.reason === "too-large")).toBe(true);
  }, 120_000);

  test("one huge line (a minified bundle) is read whole: a key after 9 MiB of it is refused", async () => {
    // The attack: the line was one scan, stopped at its 8 MiB text limit, and what
    // lay past it (and past a spent time budget) was taken as clean.
    await fresh("bottle/bundle");
    const filler = "let total = compute(values, options); ".repeat(Math.ceil((9 * 1024 * 1024) / 38));
    await agent.commit(work, { "bundle.min.js": `${filler}const k = "${AWS}";\n` }, "bundle");
    const result = await push("bottle/bundle");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("secret in bundle.min.js:1: aws-access-key");
    expect(await upstreamHas("bottle/bundle")).toBe(false);
  }, 120_000);

  test("a clean push of the same shapes goes through: the checks are not refusing everything", async () => {
    await fresh("bottle/clean");
    await agent.commit(work, { ".gitattributes": "*.dat binary\n", "blob.dat": "\u0000\u0001 plain\n" }, "clean\n\nno secrets");
    const result = await push("bottle/clean");
    expect(result.exitCode).toBe(0);
    expect(await upstreamHas("bottle/clean")).toBe(true);
    const audit = await gate.auditLines();
    expect(JSON.stringify(audit)).not.toContain(HELD);
    expect(JSON.stringify(audit)).not.toContain(AWS);
  }, 60_000);
});
