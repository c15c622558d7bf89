import { join } from "node:path";
import type { ImagePlan } from "../images/agent-image.ts";
import type { GateImagePlan } from "../images/gate-image.ts";
import type { Plan } from "../types.ts";

/** Where the guest reaches the host: smolvm's gateway address for host loopback. */
export const HOST_GATEWAY = "100.96.0.1";

/** Where the workspace is mounted in the guest. */
export const WORKSPACE = "/workspace";

/** Where the skills folder is mounted (read-only) for provisioning to copy from. */
export const SKILLS_MOUNT = "/opt/bottle/skills";

/** The guest file holding the agent's literal and forwarded env (0600, written over stdin). */
export const GUEST_ENV_FILE = "/tmp/bottle/agent.env";

/**
 * The label that ties a smolmachines gate container to its owner (the state folder). It
 * is not `dev.bottle.owner`: the docker backend reaps every container with that label
 * as one of its own bottles, and this gate belongs to a microVM bottle.
 */
export const SMOL_OWNER_LABEL = "dev.bottle.smolmachines.owner";

/** What `prepare` resolved for smolmachines: `Plan.details` of a smolmachines plan. No secret values. */
export interface SmolDetails {
  stateDir: string;
  owner: string;
  /** `bottle-<identity>`. */
  machine: string;
  gate: string;
  agentImage: ImagePlan;
  gateImage: GateImagePlan;
  gateConfigPath: string;
  gateSecrets: string[];
  /** Non-secret agent env set by bottle; the gate's port in it is filled at launch. */
  agentEnv: Record<string, string>;
  /** Agent env forwarded from host variables: to the guest's env file, never on argv. */
  forwarded: { key: string; from: string }[];
  command: string[];
  skills: string[];
  /** Whole CPUs (smolvm takes no fractions); undefined: smolvm's default. */
  cpus: number | undefined;
  /** MiB; undefined: smolvm's default. */
  memMib: number | undefined;
  /** The host folder mounted at /workspace. */
  workspace: string;
  /** The host folder of skill copies, mounted read-only at SKILLS_MOUNT. */
  skillsDir: string;
  gateUser: string;
}

/** The smolmachines plan's details, typed. */
export function smolDetails(plan: Plan): SmolDetails {
  return plan.details as unknown as SmolDetails;
}

/** The files of a smolmachines bottle inside its state folder. */
export function smolStateFiles(stateDir: string) {
  return {
    metadata: join(stateDir, "metadata.json"),
    details: join(stateDir, "smolmachines.json"),
    gateConfig: join(stateDir, "gate", "config.json"),
    workspace: join(stateDir, "workspace"),
    skills: join(stateDir, "skills"),
  };
}

/** `4g`, `512m`, `1.5g`, `1073741824` (bytes) → MiB, rounded up. */
export function memoryMib(memory: string | undefined): number | undefined {
  if (memory === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(memory.trim());
  if (match === null) return undefined;
  const bytes = Number(match[1]) * { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as "" | "b" | "k" | "m" | "g"];
  return Math.max(1, Math.ceil(bytes / 1024 ** 2));
}
