import { basename } from "node:path";
import type { Runner } from "../../core/runner.ts";
import { WORKSPACE } from "./launch-commands.ts";

/** What the agent container is provisioned with after it starts. */
export interface ProvisionOptions {
  agent: string;
  /** The image's USER the agent runs as (empty: root). */
  user: string;
  copyFrom: string | undefined;
  skills: readonly string[];
  /** Claude Code reads skills and its settings from `~/.claude`. */
  claude: boolean;
}

/**
 * Fills the workspace and the agent's home: copies the directory (`--cwd`, uncommitted
 * and ignored files included, like `cp -a`), the skills, and Claude's first-run state,
 * all owned by the image's user so the agent can change them.
 */
export async function provision(runner: Runner, options: ProvisionOptions): Promise<void> {
  const { agent } = options;
  if (options.copyFrom === undefined && options.skills.length === 0 && !options.claude) return;
  const asUser = options.user === "" ? [] : ["--user", options.user];
  const who = await runner.run(["docker", "exec", ...asUser, agent, "sh", "-c", 'id -u; id -g; printf %s "$HOME"']);
  const [uid = "0", gid = "0", home = "/root"] = who.stdout.split("\n");
  const owner = `${uid}:${gid}`;
  const root = (command: string[]) => runner.run(["docker", "exec", "--user", "0", agent, ...command]);
  if (options.copyFrom !== undefined) {
    // `SRC/.` copies the folder's contents, dotfiles included, into the workspace.
    await runner.run(["docker", "cp", `${options.copyFrom}/.`, `${agent}:${WORKSPACE}`]);
    if (owner !== "0:0") await root(["chown", "-R", owner, WORKSPACE]);
  }
  if (options.skills.length > 0 || options.claude) {
    const skills = `${home}/.claude/skills`;
    await root(["mkdir", "-p", skills]);
    for (const skill of options.skills) await runner.run(["docker", "cp", skill, `${agent}:${skills}/${basename(skill)}`]);
    if (options.claude) {
      // Claude Code's first-run screens (theme, trust) would stop an attached session;
      // `--prompt` runs skip them anyway. An existing file (resume) is kept.
      await root([
        "sh", "-c",
        `[ -e "${home}/.claude.json" ] || printf '%s' '{"hasCompletedOnboarding":true,"bypassPermissionsModeAccepted":true,"projects":{"${WORKSPACE}":{"hasTrustDialogAccepted":true}}}' > "${home}/.claude.json"`,
      ]);
    }
    const owned = [`${home}/.claude`, ...(options.claude ? [`${home}/.claude.json`] : [])];
    if (owner !== "0:0") await root(["chown", "-R", owner, ...owned]);
  }
}
