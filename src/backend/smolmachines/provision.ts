import { basename, join } from "node:path";
import { cp, mkdir } from "node:fs/promises";
import type { Runner } from "../../core/runner.ts";
import { CLAUDE_HISTORY_PROBE, claudeStateScript } from "../agent/agent-home.ts";
import { guestEnvText } from "./guest-env.ts";
import { guestExec } from "./machine-commands.ts";
import { GUEST_ENV_FILE, SKILLS_MOUNT, WORKSPACE } from "./smol-plan.ts";
import { withClaudeMcpServer } from "../../gate/services/supervise/claude-registration.ts";

/** What the host side prepares before the machine exists: the folders it mounts. */
export async function prepareMounts(options: { workspace: string; home: string; skillsDir: string; copyFrom: string | undefined; skills: readonly string[] }): Promise<void> {
  await Promise.all([mkdir(options.workspace, { recursive: true, mode: 0o700 }), mkdir(options.home, { recursive: true, mode: 0o700 })]);
  // `--cwd`: everything, dotfiles and ignored files included, like `cp -a`.
  if (options.copyFrom !== undefined) await cp(options.copyFrom, options.workspace, { recursive: true, preserveTimestamps: true, force: true });
  if (options.skills.length > 0) {
    await mkdir(options.skillsDir, { recursive: true, mode: 0o700 });
    for (const skill of options.skills) await cp(skill, join(options.skillsDir, basename(skill)), { recursive: true });
  }
}

/**
 * Hands the mounted folders to the guest's user. They are made by this host user,
 * private (0700); the guest sees the host's uids through the mount, so an agent image
 * running as a non-root user (the default one does) could not write its workspace.
 * As root, bottle chowns them to the guest's uid:gid; as anyone else it cannot, and
 * the guest user must be the host user.
 */
export async function shareMounts(
  runner: Runner,
  options: { machine: string; folders: readonly string[]; log: (line: string) => void; signal?: AbortSignal },
): Promise<void> {
  const who = await runner.run(["smolvm", "machine", "exec", "--name", options.machine, "--", "sh", "-c", "id -u; id -g"], { signal: options.signal });
  const [uid = "", gid = ""] = who.stdout.trim().split("\n").map((line) => line.trim());
  const hostUid = process.getuid?.();
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid) || Number(uid) === hostUid) return;
  if (hostUid !== 0) {
    options.log(`the agent runs as uid ${uid} in the guest, you as ${hostUid}: it may not be able to write /workspace`);
    return;
  }
  await runner.run(["chown", "-R", `${uid}:${gid}`, ...options.folders], { signal: options.signal });
}

/**
 * Provisions the running guest through `smolvm machine exec`: the agent's env file
 * (written over stdin, 0600: secret values never touch argv), the skills, and Claude's
 * first-run state.
 */
export async function provisionGuest(
  runner: Runner,
  options: { machine: string; env: Record<string, string>; skills: boolean; claude: boolean; signal?: AbortSignal; supervise?: { url: string; token: string } },
): Promise<{ hasHistory: boolean }> {
  const { machine } = options;
  const dir = GUEST_ENV_FILE.slice(0, GUEST_ENV_FILE.lastIndexOf("/"));
  const raw = (script: string) => ["smolvm", "machine", "exec", "--name", machine, "--", "sh", "-c", script];
  if (Object.keys(options.env).length > 0) {
    await runner.run(["smolvm", "machine", "exec", "--name", machine, "-i", "--", "sh", "-c", `umask 077 && mkdir -p ${dir} && cat > ${GUEST_ENV_FILE}`], {
      stdin: guestEnvText(options.env),
      signal: options.signal,
    });
  }
  if (options.skills) {
    await runner.run(raw(`mkdir -p "$HOME/.claude/skills" && cp -R ${SKILLS_MOUNT}/. "$HOME/.claude/skills/"`), { signal: options.signal });
  }
  if (options.claude) {
    // Claude Code's first-run screens (theme, trust) would stop an attached session. An existing
    // file (a resumed or seeded home's) is kept, and made 0600: it is the agent's own config.
    await runner.run(raw(claudeStateScript("$HOME/.claude.json", WORKSPACE)), { signal: options.signal });
    if (options.supervise !== undefined) {
      // The supervise server in Claude Code's user config, merged on the host, written through stdin (the token never on argv).
      const current = await runner.run(raw('cat "$HOME/.claude.json" 2>/dev/null || true'), { signal: options.signal });
      await runner.run(["smolvm", "machine", "exec", "--name", machine, "-i", "--", "sh", "-c", 'umask 077; cat > "$HOME/.claude.json" && chmod 600 "$HOME/.claude.json"'], {
        stdin: withClaudeMcpServer(current.stdout, options.supervise.url, options.supervise.token),
        signal: options.signal,
      });
    }
  }
  // The guest answers commands (a proof that exec and the env file work before attach),
  // and says whether a kept home holds a conversation to continue.
  const probe = await runner.run(guestExec(machine, ["sh", "-c", CLAUDE_HISTORY_PROBE]), { signal: options.signal });
  return { hasHistory: probe.stdout.trim() === "history" };
}
