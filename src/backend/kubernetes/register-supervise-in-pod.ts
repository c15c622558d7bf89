import { BottleError } from "../../core/errors.ts";
import { claudeFirstRunState } from "../agent/agent-home.ts";
import { withClaudeMcpServer } from "../../gate/services/supervise/claude-registration.ts";
import { SUPERVISE_URL_ENV } from "../../gate/services/supervise/supervise-plan.ts";
import { execCaptured } from "./exec-in-pod.ts";
import type { KubeClient } from "./kube-client.ts";
import type { KubernetesBottle } from "./kube-bottle.ts";
import { WORKSPACE } from "./render-agent.ts";

/**
 * Registers the supervise server in Claude Code's user config in the agent's pod, as
 * the docker backend's provisioning does: the URL as the pod's environment has it (the
 * kubelet expanded the gate's Service address), the launch's token as the bearer. The
 * config goes on stdin, 0600; a home without one gets Claude Code's first-run state.
 */
export async function registerSuperviseInPod(client: KubeClient, bottle: KubernetesBottle, token: string): Promise<void> {
  const pod = bottle.names.agentPod;
  const read = await execCaptured(client, pod, "agent", ["sh", "-c", `printenv ${SUPERVISE_URL_ENV}; cat "$HOME/.claude.json" 2>/dev/null || true`]);
  const newline = read.stdout.indexOf("\n");
  const url = read.stdout.slice(0, newline);
  if (read.exitCode !== 0 || !/^http:\/\/\S+$/.test(url)) throw new BottleError(`cannot read ${SUPERVISE_URL_ENV} in ${pod}`);
  const existing = read.stdout.slice(newline + 1);
  const config = withClaudeMcpServer(existing.trim() === "" ? claudeFirstRunState(WORKSPACE) : existing, url, token);
  const written = await execCaptured(client, pod, "agent", ["sh", "-c", 'umask 077 && cat > "$HOME/.claude.json.partial" && mv "$HOME/.claude.json.partial" "$HOME/.claude.json"'], config);
  if (written.exitCode !== 0) throw new BottleError(`cannot register supervise with Claude Code in ${pod}: ${written.stderr.trim() || `exit ${written.exitCode}`}`);
}
