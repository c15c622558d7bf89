import type { BottleSummary } from "../../backend/types.ts";
import type { BottlePaths } from "../../core/paths.ts";
import { readBlocked } from "../../gate/services/supervise/capability-block.ts";

/**
 * A stopped bottle waiting on an approved image change shows as `blocked`, with the
 * reason and what to run: its state says so (`supervise/blocked.json`), whichever
 * backend it ran on.
 */
export function markBlocked(bottles: BottleSummary[], paths: BottlePaths): BottleSummary[] {
  return bottles.map((bottle) => {
    if (bottle.status !== "stopped") return bottle;
    const blocked = readBlocked(paths.bottleState(bottle.identity));
    return blocked === undefined ? bottle : { ...bottle, status: "blocked", note: `${blocked.reason}; \`bottle resume ${bottle.identity}\` builds it` };
  });
}
