import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { startGitGate, type TestGitGate } from "../../../../helpers/git/git-gate.ts";
import { startHttpsUpstream, type HttpsUpstream } from "../../../../helpers/git/https-upstream.ts";

const TOKEN = "ghp_bottleTestToken0123456789abcdefABCDEF";
const AUTHORIZATION = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`;

describe("the git gate over an https upstream that requires a token", () => {
  let upstream: HttpsUpstream;
  let person: GitClient;
  let agent: GitClient;
  let gate: TestGitGate;
  let upstreamPath: string;

  beforeAll(async () => {
    upstream = await startHttpsUpstream(AUTHORIZATION);
    person = await gitClient();
    agent = await gitClient();
    upstreamPath = join(upstream.root, "app.git");
    await seedBareRepo(person, upstreamPath);
    gate = await startGitGate(
      [{ name: "app", upstream: `${upstream.base}/app.git`, token: "${GH_TOKEN}", push: ["bottle/*"] }],
      { GH_TOKEN: TOKEN },
      { caFile: upstream.caFile, freshMs: 200 },
    );
  }, 60_000);
  afterAll(async () => {
    await gate?.[Symbol.asyncDispose]();
    await agent?.[Symbol.asyncDispose]();
    await person?.[Symbol.asyncDispose]();
    await upstream?.[Symbol.asyncDispose]();
  });

  test("the agent clones with no credential of its own; the gate sent the token", async () => {
    const work = join(agent.home, "clone");
    await agent.ok(["clone", "-q", `${gate.base}app.git`, work]);
    expect(await agent.ok(["log", "--format=%s", "-1"], work)).toBe("first");
    expect(upstream.authorizations.length).toBeGreaterThan(0);
    expect(upstream.authorizations.every((header) => header === AUTHORIZATION)).toBe(true);
  }, 60_000);

  test("protocol v0 clients are served too", async () => {
    const work = join(agent.home, "v0");
    const clone = await agent.git(["-c", "protocol.version=0", "clone", "-q", `${gate.base}app.git`, work]);
    expect(clone.exitCode).toBe(0);
    expect(await agent.ok(["log", "--format=%s", "-1"], work)).toBe("first");
  }, 60_000);

  test("an allowed push lands upstream; a held secret (the gate's own token, base64) in a commit is refused", async () => {
    const work = join(agent.home, "clone");
    const head = await agent.commit(work, { "src/a.ts": "export const a = 1;\n" }, "a");
    expect((await agent.git(["push", "origin", "HEAD:refs/heads/bottle/a"], work)).exitCode).toBe(0);
    expect(await person.ok(["rev-parse", "refs/heads/bottle/a"], upstreamPath)).toBe(head);

    const encoded = Buffer.from(TOKEN).toString("base64");
    await agent.commit(work, { "src/leak.ts": `// notes\nexport const x = "${encoded}";\n` }, "leak");
    const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/a"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toMatch(/remote: bottle: secret in src\/leak\.ts:2: (held-secret|github-token)/);
    expect(push.stderr).not.toContain(encoded);
    expect(await person.ok(["rev-parse", "refs/heads/bottle/a"], upstreamPath)).toBe(head);
  }, 60_000);

  test("upstream's own refusal comes back as remote: lines, and the mirror is not left ahead of upstream", async () => {
    // Upstream protects a branch the gate's policy allows, as a hosted forge would.
    await writeFile(join(upstreamPath, "hooks", "pre-receive"), "#!/bin/sh\nwhile read old new ref; do [ \"$ref\" = refs/heads/bottle/protected ] && { echo \"protected by upstream policy\" >&2; exit 1; }; done\nexit 0\n", { mode: 0o755 });
    const work = join(agent.home, "clone");
    await agent.ok(["reset", "-q", "--hard", "HEAD~1"], work);
    const head = await agent.commit(work, { "p.txt": "p\n" }, "protected");
    const push = await agent.git(["push", "origin", "HEAD:refs/heads/bottle/protected"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain("remote: bottle: upstream remote: protected by upstream policy");
    expect(push.stderr).toContain("remote: bottle: upstream refused refs/heads/bottle/protected");
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/protected"], upstreamPath)).toMatchObject({ exitCode: 128 });
    const mirror = join(gate.stateDir, "app.git");
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/protected"], mirror)).toMatchObject({ exitCode: 128 });
    expect((await person.git(["cat-file", "-e", head], mirror)).exitCode).not.toBe(0);
    const line = (await gate.auditLines()).find((entry) => entry.reason === "upstream-refused");
    expect(line).toMatchObject({ repo: "app", decision: "error", refs: [{ ref: "refs/heads/bottle/protected", new: head }] });
  }, 60_000);
});

describe("the git gate without the token upstream wants", () => {
  test("a missing token variable is an error naming it, at start", async () => {
    const error = await startGitGate([{ name: "app", upstream: "https://127.0.0.1:1/app.git", token: "${GH_TOKEN}" }], {}).catch((e: Error) => e);
    expect(String(error)).toContain("GH_TOKEN is not set in the gate's environment");
  });

  test("a wrong token is named as refused credentials", async () => {
    await using upstream = await startHttpsUpstream(AUTHORIZATION);
    await using person = await gitClient();
    await seedBareRepo(person, join(upstream.root, "app.git"));
    await using gate = await startGitGate([{ name: "app", upstream: `${upstream.base}/app.git`, token: "${GH_TOKEN}" }], { GH_TOKEN: "wrong-token-value" }, { caFile: upstream.caFile });
    const clone = await person.git(["clone", `${gate.base}app.git`, join(person.home, "x")]);
    expect(clone.exitCode).toBe(128);
    expect(clone.stderr).toContain("refused the gate's credentials");
    expect(clone.stderr).not.toContain("wrong-token-value");
  }, 60_000);
});
