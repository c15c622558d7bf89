import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner, type RunResult } from "../../../src/core/runner.ts";

/**
 * A person's git in a temp home: no system or user config of this machine, an
 * identity for commits, and `run` to call real git (non-zero exits are returned).
 */
export interface GitClient {
  home: string;
  env: Record<string, string>;
  git(args: string[], cwd?: string, extraEnv?: Record<string, string>): Promise<RunResult>;
  /** Like `git`, but a non-zero exit throws with git's stderr. */
  ok(args: string[], cwd?: string): Promise<string>;
  /** Writes `files` in `dir`, commits them with `message`, and returns the new commit id. */
  commit(dir: string, files: Record<string, string>, message: string): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Makes a {@link GitClient} in a fresh temp home. */
export async function gitClient(): Promise<GitClient> {
  const home = await mkdtemp(join(tmpdir(), "bottle-git-client-"));
  const env = {
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Agent",
    GIT_AUTHOR_EMAIL: "agent@bottle.test",
    GIT_COMMITTER_NAME: "Agent",
    GIT_COMMITTER_EMAIL: "agent@bottle.test",
    LC_ALL: "C",
  };
  await writeFile(env.GIT_CONFIG_GLOBAL, "[init]\n\tdefaultBranch = main\n[protocol]\n\tversion = 2\n");
  const git = (args: string[], cwd = home, extraEnv: Record<string, string> = {}) =>
    processRunner.run(["git", ...args], { cwd, env: { ...env, ...extraEnv }, check: false, timeoutMs: 60_000 });
  const ok = async (args: string[], cwd = home) => {
    const result = await git(args, cwd);
    if (result.exitCode !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
    return result.stdout.trim();
  };
  return {
    home,
    env,
    git,
    ok,
    async commit(dir, files, message) {
      for (const [name, content] of Object.entries(files)) {
        await mkdir(join(dir, name, ".."), { recursive: true });
        await writeFile(join(dir, name), content);
      }
      await ok(["add", "-A"], dir);
      await ok(["commit", "-q", "-m", message], dir);
      return ok(["rev-parse", "HEAD"], dir);
    },
    async [Symbol.asyncDispose]() {
      await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * A bare repo at `path` holding one commit on `main` (a README), made with real git;
 * returns the commit id.
 */
export async function seedBareRepo(client: GitClient, path: string): Promise<string> {
  await client.ok(["init", "-q", "--bare", "-b", "main", path]);
  const work = join(client.home, `seed-${Date.now()}`);
  await client.ok(["clone", "-q", path, work]);
  const head = await client.commit(work, { "README.md": "# app\n" }, "first");
  await client.ok(["push", "-q", "origin", "HEAD:main"], work);
  return head;
}
