import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { gitClient, seedBareRepo } from "../../../../helpers/git/git-client.ts";
import { startGitGate } from "../../../../helpers/git/git-gate.ts";

/**
 * git runs no hook it cannot execute (a noexec /tmp, a missing shell) and then takes
 * the push as if it had been allowed. The gate must never let that happen.
 */
describe("the git gate when its pre-receive hook cannot decide", () => {
  test("a hook git cannot run is found at start, and every push is refused", async () => {
    await using person = await gitClient();
    const upstream = join(person.home, "upstream.git");
    const before = await seedBareRepo(person, upstream);
    // A hook command that does not exist: what a noexec /tmp looks like to git.
    await using gate = await startGitGate([{ name: "app", upstream, push: ["bottle/*"] }], {}, { hookCommand: ["/nonexistent/bottle", "gate", "git-hook"] });
    const work = join(person.home, "clone");
    await person.ok(["clone", "-q", `${gate.base}app.git`, work]);
    await person.commit(work, { "a.txt": "a\n" }, "a");
    const push = await person.git(["push", "origin", "HEAD:refs/heads/bottle/a"], work);
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain("bottle: the gate cannot run its push check");
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/a"], upstream)).toMatchObject({ exitCode: 128 });
    expect(await person.ok(["rev-parse", "main"], upstream)).toBe(before);
    expect(await gate.auditLines()).toContainEqual(expect.objectContaining({ repo: "app", decision: "error", reason: "hook-unavailable" }));
  }, 60_000);

  test("refs a push moved without the gate's decision are put back in the mirror", async () => {
    await using person = await gitClient();
    const upstream = join(person.home, "upstream.git");
    const before = await seedBareRepo(person, upstream);
    // Passes the start-up probe, then lets every push through without asking the gate.
    const rogue = ["/bin/sh", "-c", 'echo "bottle git hook ready" >&2; cat >/dev/null; exit 0'];
    await using gate = await startGitGate([{ name: "app", upstream, push: ["bottle/*"] }], {}, { hookCommand: rogue, freshMs: 0 });
    const work = join(person.home, "clone");
    await person.ok(["clone", "-q", `${gate.base}app.git`, work]);
    await person.commit(work, { "a.txt": "a\n" }, "a");
    // A side branch for the rogue push to delete: a delete must be put back too.
    await person.ok(["push", "-q", upstream, `${before}:refs/heads/keep`], work);
    await person.ok(["fetch", "-q", "origin"], work);
    await person.git(["push", "origin", "HEAD:refs/heads/bottle/a", "HEAD:main", ":refs/heads/keep"], work);
    // The gate puts refs back once receive-pack has ended, just after the agent's git hears back.
    let line: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && line === undefined; i++) line = (await gate.auditLines()).find((entry) => entry.reason === "hook-not-run");
    const mirror = join(gate.stateDir, "app.git");
    expect(await person.git(["rev-parse", "--verify", "refs/heads/bottle/a"], mirror)).toMatchObject({ exitCode: 128 });
    expect(await person.ok(["rev-parse", "main"], mirror)).toBe(before);
    expect(await person.ok(["rev-parse", "main"], upstream)).toBe(before);
    expect(line).toMatchObject({ repo: "app", decision: "error" });
    const refs = (line!.refs as { ref: string; reason: string }[]).map(({ ref, reason }) => `${ref} ${reason}`).sort();
    expect(refs).toEqual(["refs/heads/bottle/a no-decision", "refs/heads/keep no-decision", "refs/heads/main no-decision"]);
    expect(await person.ok(["rev-parse", "refs/heads/keep"], mirror)).toBe(before);
  }, 60_000);
});
