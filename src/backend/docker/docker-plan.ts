import type { Plan } from "../types.ts";
import type { ImagePlan } from "../images/agent-image.ts";
import type { GateImagePlan } from "../images/gate-image.ts";
import type { DockerNames } from "./names.ts";
import type { DockerRuntime } from "./runtime.ts";

/** What `prepare` resolved for Docker: `Plan.details` of a docker plan. No secret values. */
export interface DockerDetails {
  /** `<state>/<identity>`: metadata, live marker, env-file, gate config. */
  stateDir: string;
  /** The state root, as the `dev.bottle.owner` label: cleanup reaps only its own. */
  owner: string;
  names: DockerNames;
  runtime: DockerRuntime;
  /** The /28s of the two networks (launch picks others if these turn out taken). */
  subnets: { internal: string; egress: string };
  agentImage: ImagePlan;
  gateImage: GateImagePlan;
  gatePort: number;
  gateConfigPath: string;
  /** Host variables the gate's routes inject, passed as `-e NAME`. */
  gateSecrets: string[];
  envFilePath: string;
  /** Non-secret agent env set by bottle (proxies, route URLs, telemetry off). */
  agentEnv: Record<string, string>;
  /** Agent env forwarded from host variables, passed as `-e KEY`. */
  forwarded: { key: string; from: string }[];
  /** The agent's command (`claude --dangerously-skip-permissions`…). */
  command: string[];
  resources: { cpus?: number | undefined; memory?: string | undefined };
  /** Skill folders to copy into the agent's `~/.claude/skills/`. */
  skills: string[];
  /** The uid:gid the gate runs as: the owner of its 0600 config file. */
  gateUser: string;
  /** True when this identity ran before: its workspace is kept, not created. */
  resume: boolean;
  /** Dead bottles found at prepare time, reaped first by launch. */
  leftovers: string[];
}

/** The docker plan's details, typed. */
export function dockerDetails(plan: Plan): DockerDetails {
  return plan.details as unknown as DockerDetails;
}
