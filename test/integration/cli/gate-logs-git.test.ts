import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../src/cli/main.ts";
import { bottlePaths } from "../../../src/core/paths.ts";
import { writeJson, writePrivateFile } from "../../../src/core/state.ts";
import { gitClient, seedBareRepo, type GitClient } from "../../helpers/git/git-client.ts";
import { startGitGate, type TestGitGate } from "../../helpers/git/git-gate.ts";
import { recordingRunner } from "../../helpers/recording-runner.ts";
import { collector } from "../../unit/cli/context.ts";

const AWS = "AKIAIOSFODNN7EXAMPL3";

/**
 * `bottle logs --gate` over the audit lines a real git gate wrote for a real clone and
 * real pushes (allowed, refused by policy, refused by DLP), read from a bottle's state
 * folder as the command reads a stopped bottle's.
 */
describe("bottle logs --gate shows the git gate's fetches and pushes", () => {
  let person: GitClient;
  let agent: GitClient;
  let gate: TestGitGate;
  let root: string;
  let ok: string;
  let main1: string;
  let base: string;
  let requests = 0;
  const id = "bbtest-aaaaaaaa";

  beforeAll(async () => {
    person = await gitClient();
    agent = await gitClient();
    const upstreamPath = join(person.home, "upstream.git");
    base = await seedBareRepo(person, upstreamPath);
    gate = await startGitGate([{ name: "app", upstream: upstreamPath, push: ["bottle/*"] }]);
    const work = join(agent.home, "clone");
    // git's own trace counts the HTTP requests it made: each must be one audit line.
    const traced = async (args: string[], cwd: string) => {
      const result = await agent.git(args, cwd, { GIT_TRACE_CURL: "1", GIT_TRACE_CURL_NO_DATA: "1" });
      requests += (result.stderr.match(/=> Send header: (GET|POST) \/git\//g) ?? []).length;
      return result;
    };
    expect((await traced(["clone", "-q", `${gate.base}app.git`, work], agent.home)).exitCode).toBe(0);
    ok = await agent.commit(work, { "a.txt": "a\n" }, "a");
    expect((await traced(["push", "origin", "HEAD:refs/heads/bottle/ok"], work)).exitCode).toBe(0);
    expect((await traced(["fetch", "origin"], work)).exitCode).toBe(0);
    main1 = await agent.commit(work, { "b.txt": "b\n" }, "b");
    expect((await traced(["push", "origin", "HEAD:main"], work)).exitCode).not.toBe(0);
    await agent.commit(work, { "env.txt": `AWS_ACCESS_KEY_ID=${AWS}\n` }, "c");
    expect((await traced(["push", "origin", "HEAD:refs/heads/bottle/leak"], work)).exitCode).not.toBe(0);

    root = await mkdtemp(join(tmpdir(), "bottle-logs-git-"));
    const paths = bottlePaths({ XDG_STATE_HOME: join(root, "state"), HOME: root });
    await writeJson(join(paths.bottleState(id), "metadata.json"), { identity: id, backend: "docker", agent: "bbtest", createdAt: new Date().toISOString(), spec: { bottleName: "web" } });
    await writeJson(join(paths.bottleState(id), "docker.json"), {});
    // The gate's own lines, as it wrote them (JSON.stringify keeps their field order).
    await writePrivateFile(paths.gateAuditLog(id), (await gate.auditLines()).map((line) => `${JSON.stringify(line)}\n`).join(""));
  }, 60_000);
  afterAll(async () => {
    await gate?.[Symbol.asyncDispose]();
    await agent?.[Symbol.asyncDispose]();
    await person?.[Symbol.asyncDispose]();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  test("every request of the clone, the fetch and the pushes is one audit line with a decision; every refusal has its reason", async () => {
    const lines = await gate.auditLines();
    expect(requests).toBeGreaterThanOrEqual(8);
    expect(lines).toHaveLength(requests);
    for (const line of lines) {
      expect([line.service, line.repo, typeof line.status]).toEqual(["git", "app", "number"]);
      expect(["allow", "block", "warn", "error"]).toContain(String(line.decision));
      if (line.decision !== "allow") expect({ path: line.path, reason: typeof line.reason }).toEqual({ path: line.path, reason: "string" });
      for (const ref of (line.refs ?? []) as Record<string, unknown>[]) if (ref.decision !== "allow") expect({ ref: ref.ref, reason: typeof ref.reason }).toEqual({ ref: ref.ref, reason: "string" });
    }
    expect(lines.filter((line) => Array.isArray(line.refs)).map((line) => line.decision)).toEqual(["allow", "block", "block"]);
  });

  const logs = async (...args: string[]) => {
    const env = { XDG_STATE_HOME: join(root, "state"), HOME: root };
    const { runner } = recordingRunner([{ match: /^smolvm/, stdout: "[]" }]);
    const stdout = collector();
    const stderr = collector();
    const code = await main(["logs", "--gate", ...args, id], env, { cwd: root, stdout, stderr, runner, interactive: false });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };
  const short = (commit: string) => commit.slice(0, 7);

  test("the text view: the clone's ref listing and pack, each push a line per ref with old → new, decision and reason", async () => {
    const { code, stdout, stderr } = await logs();
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.trim().split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d fetch app refs allowed$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d fetch app pack \d+(\.\d)? (B|KiB) allowed$/));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d push app refs/heads/bottle/ok created ${short(ok)} allowed$`)));
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d push app refs/heads/main ${short(base)}\\.\\.${short(main1)} refused not-pushable — bottles\\.web\\.git \\(app\\) push: lists the branches the agent may push$`)),
    );
    expect(lines).toContainEqual(expect.stringMatching(/ push app refs\/heads\/bottle\/leak created [0-9a-f]{7} refused dlp:aws-access-key — the DLP scan found aws-access-key in the pushed commits$/));
    expect(stdout).not.toContain(AWS);
    // No raw request lines for git: every git line reads as a fetch or a push.
    expect(lines.every((line) => / (fetch|push) app /.test(line))).toBe(true);
  });

  test("--blocked keeps the refused pushes only; --json is the lines as the gate wrote them", async () => {
    const blocked = (await logs("--blocked")).stdout.trim().split("\n");
    expect(blocked).toHaveLength(2);
    expect(blocked[0]).toContain("push app refs/heads/main");
    expect(blocked[1]).toContain("push app refs/heads/bottle/leak");
    const json = (await logs("--json")).stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(json).toEqual(await gate.auditLines());
    expect(json).toContainEqual(expect.objectContaining({ service: "git", repo: "app", decision: "block", reason: "not-pushable" }));
  });
});
