import { basename } from "node:path";
import type { Runner } from "../../core/runner.ts";
import { CLAUDE_HISTORY_PROBE, claudeStateScript } from "../agent/agent-home.ts";
import { WORKSPACE } from "./launch-commands.ts";
import { withClaudeMcpServer } from "../../gate/services/supervise/claude-registration.ts";

/**
 * Registers the supervise server in Claude Code's user config (`claude mcp list` shows
 * it): the file is read, merged on the host and written back through stdin, so the
 * bearer token is never on a command line, and left 0600 (it holds the token). A kept
 * file (resume) keeps everything else.
 */
async function registerSupervise(runner: Runner, agent: string, file: string, owner: string, supervise: { url: string; token: string }): Promise<void> {
  const current = await runner.run(["docker", "exec", "--user", "0", agent, "sh", "-c", `cat "${file}" 2>/dev/null || true`]);
  await runner.run(["docker", "exec", "--interactive", "--user", "0", agent, "sh", "-c", `umask 077; cat > "${file}" && chmod 600 "${file}"${owner === "0:0" ? "" : ` && chown ${owner} "${file}"`}`], {
    stdin: withClaudeMcpServer(current.stdout, supervise.url, supervise.token),
  });
}

/** What the agent container is provisioned with after it starts. */
export interface ProvisionOptions {
  agent: string;
  /** The image's USER the agent runs as (empty: root). */
  user: string;
  copyFrom: string | undefined;
  skills: readonly string[];
  /** Claude Code reads skills and its settings from `~/.claude`. */
  claude: boolean;
  /** The supervise MCP server to register with Claude Code (its user config); other agents have it in env. */
  supervise?: { url: string; token: string };
  /**
   * Runs a command in the agent as `user` (empty: the image's) its engine's own way (an
   * exec through the API) and gives its stdout, or undefined when it could not or the
   * command failed: then `docker exec` runs it (every command here may run twice).
   */
  exec?: (argv: string[], user: string) => Promise<string | undefined>;
}

/** What provisioning found in the agent's (kept) home. */
export interface Provisioned {
  /** Claude Code has a conversation to `--continue`. */
  hasHistory: boolean;
}

/**
 * Fills the workspace and the agent's home: copies the directory (`--cwd`, uncommitted
 * and ignored files included, like `cp -a`), the skills, and Claude's first-run state,
 * all owned by the image's user so the agent can change them. The home is the bottle's
 * own volume: what a resumed agent left there (its history) is kept as it is.
 */
export async function provision(runner: Runner, options: ProvisionOptions): Promise<Provisioned> {
  const { agent } = options;
  const inAgent = async (argv: string[], user: string): Promise<string> =>
    (await options.exec?.(argv, user)) ?? (await runner.run(["docker", "exec", ...(user === "" ? [] : ["--user", user]), agent, ...argv])).stdout;
  const who = await inAgent(["sh", "-c", `id -u; id -g; printf '%s\\n' "$HOME"; ${CLAUDE_HISTORY_PROBE}`], options.user);
  const [uid = "0", gid = "0", home = "/root", history = ""] = who.split("\n");
  const owner = `${uid}:${gid}`;
  const root = (command: string[]) => inAgent(command, "0");
  if (options.copyFrom !== undefined) {
    // `SRC/.` copies the folder's contents, dotfiles included, into the workspace.
    await runner.run(["docker", "cp", `${options.copyFrom}/.`, `${agent}:${WORKSPACE}`]);
    if (owner !== "0:0") await root(["chown", "-R", owner, WORKSPACE]);
  }
  if (options.skills.length > 0 || options.claude) {
    const skills = `${home}/.claude/skills`;
    await root(["mkdir", "-p", skills]);
    for (const skill of options.skills) await runner.run(["docker", "cp", skill, `${agent}:${skills}/${basename(skill)}`]);
    // Claude Code's first-run screens would stop an attached session. An existing file (resume) is kept.
    const state = options.claude ? `${claudeStateScript(`${home}/.claude.json`, WORKSPACE)} && ` : "";
    const owned = [`${home}/.claude`, ...(options.claude ? [`${home}/.claude.json`] : [])];
    // The home volume's top folder is the engine's when the image had none there.
    const chown = owner === "0:0" ? "" : `chown ${owner} "${home}" && chown -R ${owner} ${owned.map((path) => `"${path}"`).join(" ")}`;
    await root(["sh", "-c", `${state}${chown || "true"}`]);
    if (options.claude && options.supervise !== undefined) await registerSupervise(runner, agent, `${home}/.claude.json`, owner, options.supervise);
  } else if (owner !== "0:0") {
    await root(["chown", owner, home]);
  }
  return { hasHistory: history.trim() === "history" };
}
