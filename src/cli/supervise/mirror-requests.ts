import { syncBottleRequests, syncRequests } from "../../backend/gate-runtime/request-relay.ts";
import { bottlePaths } from "../../core/paths.ts";
import type { CommandContext } from "../context.ts";

/** How a supervise command keeps the mirrors of relayed bottles (remote engines, clusters) current. */
export interface RequestMirror {
  /** Brings every running relayed bottle's requests here; an unreachable gate is a warning. */
  syncAll(): Promise<void>;
  /** Hands one bottle's decisions to its gate and brings its folder back; throws when the gate cannot be reached. */
  relay(identity: string): Promise<void>;
}

/**
 * The request mirrors for one command: through the command's runner (so `--context`
 * and `DOCKER_HOST` reach the `docker exec` of a relay), warnings on its stderr. A
 * bottle whose gate shares this host's folder has no relay and costs nothing.
 */
export function requestMirror(context: CommandContext): RequestMirror {
  const paths = bottlePaths(context.env);
  return {
    syncAll: () => syncRequests(paths, context.runner, { warn: (line) => context.stderr.write(`bottle: ${line}\n`) }),
    relay: (identity) => syncBottleRequests(context.runner, paths.bottleState(identity)),
  };
}
