/**
 * The agent user's home inside its image: `HOME` from the image's env when set (the
 * default image sets `/home/agent`), `/root` for root, else `/home/<user>` as `useradd`
 * makes it. Each bottle mounts its own home volume there, so `~/.claude` (the agent's
 * history and settings) outlives a stop and comes back with `resume`.
 */
export function agentHome(user: string, env: readonly string[]): string {
  const fromEnv = env.find((entry) => entry.startsWith("HOME="))?.slice("HOME=".length);
  if (fromEnv !== undefined && fromEnv.startsWith("/")) return fromEnv;
  const name = user.split(":")[0] ?? "";
  return name === "" || name === "root" || name === "0" ? "/root" : `/home/${name}`;
}

/** True when the agent's command is Claude Code (it gets its first-run state, skills dir and `--continue`). */
export function isClaude(command: readonly string[]): boolean {
  return command[0]?.split("/").pop() === "claude";
}

/**
 * Claude Code's first-run screens (theme, trust) would stop an attached session;
 * this state skips them for the workspace. Written only when the home has none.
 */
export function claudeFirstRunState(workspace: string): string {
  return JSON.stringify({ hasCompletedOnboarding: true, bypassPermissionsModeAccepted: true, projects: { [workspace]: { hasTrustDialogAccepted: true } } });
}

/**
 * A shell line that writes Claude Code's first-run state to `file` when the home has
 * none, and leaves the file 0600 either way: it is the agent's own config (a resumed
 * home's may hold the supervise token, and a file from an older bottle may be 0644).
 */
export function claudeStateScript(file: string, workspace: string): string {
  return `(umask 077; [ -e "${file}" ] || printf '%s' '${claudeFirstRunState(workspace)}' > "${file}") && chmod 600 "${file}"`;
}

/**
 * A shell line (run in the agent, `$HOME` set) that prints `history` when Claude Code
 * has a conversation to continue: `claude --continue` without one exits with an error.
 */
export const CLAUDE_HISTORY_PROBE = '[ -n "$(ls -A "$HOME/.claude/projects" 2>/dev/null)" ] && echo history || true';

/** What an interactive resume adds to the agent's command. */
export function resumeArgs(command: readonly string[], hasHistory: boolean): string[] {
  return isClaude(command) && hasHistory ? ["--continue"] : [];
}
