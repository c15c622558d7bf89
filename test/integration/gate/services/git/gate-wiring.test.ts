import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { GateConfigSchema } from "../../../../../src/gate/config-schema.ts";
import { startGate, type Gate } from "../../../../../src/gate/serve-gate.ts";
import { gitClient, seedBareRepo, type GitClient } from "../../../../helpers/git/git-client.ts";
import { blockReason, curl, startRecordingOrigin, testLookup } from "../../harness.ts";

// Shaped like no known credential format: only the gate holding it can catch it.
const TOKEN = "wiring-token-Zq8Xv2Lm-4471";

describe("the git service inside the real gate (control port)", () => {
  let dir: string;
  let gate: Gate;
  let person: GitClient;
  let upstreamPath: string;
  let control: string;
  const origin = startRecordingOrigin();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bottle-git-wiring-"));
    person = await gitClient();
    upstreamPath = join(dir, "upstream.git");
    await seedBareRepo(person, upstreamPath);
    const config = v.parse(GateConfigSchema, {
      listen: "127.0.0.1:0",
      control: "127.0.0.1:0",
      audit: join(dir, "audit.jsonl"),
      state: join(dir, "state"),
      egress: { allow: ["*.gate.test"] },
      git: [
        { name: "app", upstream: upstreamPath, push: ["bottle/*"] },
        // Never reachable: only its token matters here, as a secret the gate holds.
        { name: "forge", upstream: "https://127.0.0.1:1/org/forge.git", token: "${FORGE_TOKEN}" },
      ],
    });
    gate = await startGate(config, { FORGE_TOKEN: TOKEN }, { lookup: testLookup });
    control = `http://127.0.0.1:${gate.controlPort}`;
  }, 60_000);
  afterAll(async () => {
    await gate?.close(500);
    origin.server.stop(true);
    await person?.[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  });

  test("/healthz lists git", async () => {
    const health = JSON.parse((await curl([`${control}/healthz`])).body);
    expect(health.services).toContain("git");
  });

  test("a clone and a push through the control port, the hook run as `bottle gate git-hook`", async () => {
    const work = join(person.home, "clone");
    await person.ok(["clone", "-q", `${control}/git/app.git`, work]);
    const head = await person.commit(work, { "a.txt": "a\n" }, "a");
    const push = await person.git(["push", "origin", "HEAD:refs/heads/bottle/a"], work);
    expect(push.exitCode).toBe(0);
    expect(await person.ok(["rev-parse", "refs/heads/bottle/a"], upstreamPath)).toBe(head);
    // The mirror lives in the gate's state folder, under git/.
    expect((await stat(join(dir, "state", "git", "app.git", "HEAD"))).isFile()).toBe(true);
  }, 60_000);

  test("the git token is a held secret for egress DLP too: the agent cannot send it out", async () => {
    const result = await curl(["-x", `http://127.0.0.1:${gate.port}`, `http://app.gate.test:${origin.server.port}/x?t=${TOKEN}`]);
    expect(result.status).toBe(403);
    expect(blockReason(result)).toBe("dlp:held-secret");
    expect(origin.seen).toHaveLength(0);
  });

  test("the pinned known_hosts and the mirrors are the gate's alone", async () => {
    expect((await stat(join(dir, "state", "git"))).mode & 0o077).toBe(0);
  });
});
