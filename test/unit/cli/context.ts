import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandContext } from "../../../src/cli/context.ts";
import { recordingRunner } from "../../helpers/recording-runner.ts";

/** A manifest with two agents in different bottles, so choices matter. */
export const TWO_AGENTS = `version: 1
agents:
  claude:
    command: [claude, --dangerously-skip-permissions]
  shell:
    image: busybox-local
    command: [sh]
    env:
      GIT_AUTHOR_NAME: Bottle
      GH_TOKEN: \${GH_TOKEN}
    bottle: locked
bottles:
  default:
    egress:
      allow: [registry.npmjs.org]
      routes:
        - name: anthropic
          upstream: https://api.anthropic.com
          roles: [claude_code_oauth]
          inject: { header: authorization, value: "Bearer \${CLAUDE_CODE_OAUTH_TOKEN}" }
  locked:
    egress:
      deny: ["*.example.com"]
`;

/** A fresh folder holding `bottle.yaml` (when given), with XDG dirs inside it so no user manifest leaks in. */
export function workdir(manifest?: string): { cwd: string; env: Record<string, string> } {
  const cwd = mkdtempSync(join(tmpdir(), "bottle-cli-"));
  if (manifest !== undefined) writeFileSync(join(cwd, "bottle.yaml"), manifest);
  return { cwd, env: { HOME: cwd, XDG_CONFIG_HOME: join(cwd, ".config"), XDG_STATE_HOME: join(cwd, ".state") } };
}

/** Collects what a command writes. */
export function collector() {
  let text = "";
  return { write: (chunk: string) => void (text += chunk), text: () => text };
}

/** A CommandContext for commands under test: recorded runner, collected output. */
export function commandContext(overrides: Partial<CommandContext> & Pick<CommandContext, "cwd" | "env">) {
  const stdout = collector();
  const stderr = collector();
  const context: CommandContext = {
    positionals: [],
    flags: {},
    runner: recordingRunner().runner,
    stdout,
    stderr,
    interactive: false,
    terminal: false,
    signal: new AbortController().signal,
    ...overrides,
  };
  return { context, stdout, stderr };
}
