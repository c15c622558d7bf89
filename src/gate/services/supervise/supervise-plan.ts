import { randomBytes } from "node:crypto";
import type { BottleConfig } from "../../../manifest/schema.ts";
import { superviseSettings } from "../../../manifest/supervise-schema.ts";
import { requestsDir } from "./bottle-requests.ts";
import { SUPERVISE_PREFIX, SUPERVISE_TOKEN_ENV, type SuperviseConfig } from "./supervise-config.ts";

/** Where a bottle's requests folder is mounted in its gate container (read-write: the gate writes requests). */
export const REQUESTS_MOUNT = "/var/lib/bottle/requests";

/** The env variable that tells agents other than Claude Code where the supervise server is. */
export const SUPERVISE_URL_ENV = "BOTTLE_SUPERVISE_URL";

/** What a launch does for supervise: the gate's config key, the folder it mounts, what the agent is told. */
export interface SupervisePlan {
  /** The host folder mounted at {@link REQUESTS_MOUNT} (created 0700 before the gate starts). */
  requestsDir: string;
  /** The gate config's `supervise` key. */
  gateConfig: SuperviseConfig;
  /** The bearer token's env name, in the gate's and the agent's environment; its value is minted per launch. */
  tokenEnv: string;
  /** `http://<gate>:<control port>/mcp`, reached by name on the internal network (NO_PROXY has the gate). */
  url: string;
  /** Not secret: `BOTTLE_SUPERVISE_URL`. */
  agentEnv: Record<string, string>;
}

/**
 * Resolves `supervise` for one launch, or undefined when the bottle does not enable
 * it. `attended` says whether a person can answer (a terminal, no CI): without one
 * requests are denied at once unless the manifest says `when_unattended: wait`.
 */
export function supervisePlan(
  bottle: BottleConfig,
  options: { stateDir: string; gateHost: string; controlPort: number; attended: boolean },
): SupervisePlan | undefined {
  const settings = superviseSettings(bottle.supervise);
  if (!settings.enabled) return undefined;
  const url = `http://${options.gateHost}:${options.controlPort}${SUPERVISE_PREFIX}`;
  return {
    requestsDir: requestsDir(options.stateDir),
    gateConfig: {
      requests: REQUESTS_MOUNT,
      token_env: SUPERVISE_TOKEN_ENV,
      attended: options.attended || settings.whenUnattended === "wait",
      wait_seconds: 45,
      expire_after_seconds: settings.expireAfterSeconds,
    },
    tokenEnv: SUPERVISE_TOKEN_ENV,
    url,
    agentEnv: { [SUPERVISE_URL_ENV]: url },
  };
}

/** A fresh bearer token for one launch: 32 random bytes, base64url. It lets the agent ask; it grants nothing. */
export function newSuperviseToken(): string {
  return randomBytes(32).toString("base64url");
}
