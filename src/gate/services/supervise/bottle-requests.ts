import { join } from "node:path";
import { readdirSync } from "node:fs";
import { UsageError } from "../../../core/errors.ts";
import type { BottlePaths } from "../../../core/paths.ts";
import type { RequestView } from "./request-schema.ts";
import { RequestStore } from "./request-store.ts";

/** A bottle's requests folder: `<state>/<identity>/supervise/requests`, mounted into its gate. */
export function requestsDir(stateDir: string): string {
  return join(stateDir, "supervise", "requests");
}

/** A request and the bottle it belongs to. */
export interface BottleRequest {
  identity: string;
  store: RequestStore;
  view: RequestView;
}

function bottleIdentities(paths: BottlePaths): string[] {
  try {
    return readdirSync(paths.state, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** Every request of every bottle on this host, oldest first. */
export function allRequests(paths: BottlePaths, now: number = Date.now()): BottleRequest[] {
  const found: BottleRequest[] = [];
  for (const identity of bottleIdentities(paths)) {
    const store = new RequestStore(requestsDir(paths.bottleState(identity)));
    for (const view of store.list(now)) found.push({ identity, store, view });
  }
  return found.sort((a, b) => a.view.request.time.localeCompare(b.view.request.time));
}

/**
 * The one request whose id is `id` or starts with it (`req-4k`, or without `req-`),
 * across bottles. None, or more than one, is a usage error that says which.
 */
export function findRequest(paths: BottlePaths, id: string): BottleRequest {
  const wanted = id.startsWith("req-") ? id : `req-${id}`;
  if (!/^req-[a-z2-7]{1,10}$/.test(wanted)) throw new UsageError(`not a request id: ${id}`, "ids look like req-4kq2m7xa3b; `bottle requests` lists them");
  const matches = allRequests(paths).filter((found) => found.view.request.id.startsWith(wanted));
  if (matches.length === 0) throw new UsageError(`no request ${id}`, "`bottle requests` lists the pending ones");
  if (matches.length > 1) {
    throw new UsageError(`${id} matches ${matches.length} requests: ${matches.map((m) => m.view.request.id).join(", ")}`, "give more of the id");
  }
  return matches[0]!;
}
