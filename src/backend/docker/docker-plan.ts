import type { GitGatePlan } from "../../gate/services/git/plan-git-gate.ts";
import type { GateImagePlan } from "../images/gate-image.ts";
import type { ImagePlan } from "../images/agent-image.ts";
import type { ImageConfig } from "../images/ensure-agent-image.ts";
import type { EngineLocation } from "./engine-location.ts";
import type { DockerNames } from "./names.ts";
import type { DockerRuntime } from "./runtime.ts";

/** What `prepare` resolved for Docker: `Plan.details` of a docker plan. No secret values. */
export interface DockerDetails {
  /** The state root, as the `dev.bottle.owner` label: cleanup reaps only its own. */
  owner: string;
  names: DockerNames;
  runtime: DockerRuntime;
  /** The /28s of the two networks (launch picks others if these turn out taken). */
  subnets: { internal: string; egress: string };
  agentImage: ImagePlan;
  gateImage: GateImagePlan;
  gatePort: number;
  envFilePath: string;
  /** Non-secret agent env set by bottle (proxies, route URLs, telemetry off). */
  agentEnv: Record<string, string>;
  resources: { cpus?: number | undefined; memory?: string | undefined };
  /** The uid:gid the gate runs as: the owner of its 0600 config and audit files. */
  gateUser: string;
  /** The git gate's repos, mounts and token names (none: no git service). */
  git: GitGatePlan;
  /** Which engine, and whether it shares this host's files and routes (remote engines do not). */
  engine: EngineLocation;
  /**
   * What the engine had when prepare asked: the agent image's config (undefined: it
   * must be built or pulled) and whether the gate image is there. Launch makes only
   * what was missing, without asking again.
   */
  found: { agentImage: ImageConfig | undefined; gateImage: boolean };
}
