import * as v from "valibot";
import { BottleError } from "../../core/errors.ts";
import type { BottlePaths } from "../../core/paths.ts";
import { readJson } from "../../core/state.ts";
import { allowEntry } from "../../gate/services/supervise/approved-egress.ts";
import { findRequest, type BottleRequest } from "../../gate/services/supervise/bottle-requests.ts";
import type { RequestView } from "../../gate/services/supervise/request-schema.ts";
import { StoredEgressArgs } from "../../gate/services/supervise/tool-arguments.ts";
import { withAllowedHost } from "./with-allowed-host.ts";
import { rmSync, writeFileSync } from "node:fs";
import { writePrivateFile } from "../../core/state.ts";
import { approvedDockerfile, blockOnDockerfile, capabilityFiles, clearBlocked } from "../../gate/services/supervise/capability-block.ts";
import { join } from "node:path";

/** What a person decided, and how. */
export interface DecideOptions {
  status: "approved" | "denied";
  note?: string | undefined;
  /** `approve --save`: also add the host to the bottle's `egress.allow` in its manifest. */
  save?: boolean;
  /** The manifest to save into; by default, the one the bottle was started from. */
  manifest?: string | undefined;
  /**
   * Stops the bottle (workspace, home and state kept) once an approved Dockerfile is
   * recorded: the capability block. By default nothing stops it (tests of the decision alone).
   */
  stopBottle?: (identity: string) => Promise<void>;
  /** How long to wait for the gate to hand the agent the answer before stopping; by default 5 s. */
  answerWaitMs?: number;
  /**
   * Hands the bottle's mirror to its gate and back (a gate whose requests folder this host
   * cannot share: see `syncBottleRequests`); by default none, the folder is the gate's own.
   */
  relay?: (identity: string) => Promise<void>;
}

/** The outcome, for the command to report. */
export interface DecideResult {
  identity: string;
  view: RequestView;
  /** The manifest the host was saved into, when `--save` wrote it. */
  savedTo?: string;
  /** An approved Dockerfile blocked the bottle: `bottle resume` builds it. */
  blocked?: boolean;
}

/** What metadata.json tells about where the bottle came from (read leniently: older bottles lack fields). */
const OriginSchema = v.object({
  spec: v.object({ bottleName: v.string(), manifestFile: v.optional(v.string()) }),
});

async function bottleOrigin(paths: BottlePaths, identity: string): Promise<{ bottle: string; manifestFile: string | undefined }> {
  const metadata = v.safeParse(OriginSchema, await readJson(join(paths.bottleState(identity), "metadata.json")));
  if (!metadata.success) throw new BottleError(`cannot tell which bottle ${identity} runs in: its metadata.json is missing or unreadable`);
  return { bottle: metadata.output.spec.bottleName, manifestFile: metadata.output.spec.manifestFile };
}

/** One sentence naming what a request asks for. */
export function requestSubject(view: RequestView): string {
  const args = v.safeParse(StoredEgressArgs, view.request.arguments);
  if (view.request.tool === "request-egress" && args.success) return `egress to ${allowEntry(args.output.host, args.output.ports)}`;
  return "a new Dockerfile";
}

/**
 * Decides one request (found by id or unique prefix across bottles): the first
 * decision wins; an expired or decided request is an error saying what happened.
 * With `save`, the manifest is checked first and written after the decision, so a
 * manifest that cannot take the host leaves the request undecided. An approved
 * Dockerfile blocks the bottle: recorded in its state, then `stopBottle`.
 */
export async function decideRequest(paths: BottlePaths, id: string, options: DecideOptions): Promise<DecideResult> {
  const found: BottleRequest = findRequest(paths, id);
  const { request } = found.view;
  let saveTarget: { file: string; text: string | undefined } | undefined;
  if (options.save === true) {
    const args = v.safeParse(StoredEgressArgs, request.arguments);
    if (request.tool !== "request-egress" || !args.success) {
      throw new BottleError(`--save applies to egress requests; ${request.id} proposes a Dockerfile`, { hint: "approve it without --save" });
    }
    const origin = await bottleOrigin(paths, found.identity);
    const file = options.manifest ?? origin.manifestFile;
    if (file === undefined || file.startsWith("<")) {
      throw new BottleError(`${found.identity} was started from the built-in manifest: there is no file to save ${args.output.host} into`, {
        hint: "approve without --save, or pass --manifest FILE (a manifest defining that bottle)",
      });
    }
    saveTarget = { file, text: withAllowedHost(file, origin.bottle, allowEntry(args.output.host, args.output.ports)) };
  }
  const decision = {
    status: options.status,
    ...(options.note === undefined || options.note === "" ? {} : { note: options.note }),
    time: new Date().toISOString(),
    by: "person" as const,
    ...(saveTarget === undefined ? {} : { saved: true }),
  };
  // An approved Dockerfile is recorded before the decision, so a bottle is never told
  // "approved" without the file `resume` builds from.
  const stateDir = paths.bottleState(found.identity);
  const dockerfile = v.safeParse(v.object({ dockerfile: v.string() }), request.arguments);
  const blocks = options.status === "approved" && request.tool === "propose-dockerfile" && dockerfile.success;
  const previous = blocks ? approvedDockerfile(stateDir) : undefined;
  if (blocks) {
    await blockOnDockerfile(stateDir, dockerfile.output.dockerfile, {
      reason: `an image change was approved (${request.id}: ${request.justification.replace(/\s+/g, " ").slice(0, 120)})`,
      request: request.id,
      time: decision.time,
    });
  }
  let outcome = found.store.decide(request.id, decision);
  let unreachable: unknown;
  if (outcome.decided && options.relay !== undefined) {
    // The gate's folder decides: a decision made there first (another person's, an expiry) stands.
    try {
      await options.relay(found.identity);
      const there = found.store.read(request.id);
      if (there?.decision?.time !== decision.time || there.decision.by !== decision.by) outcome = { decided: false, view: there };
    } catch (error) {
      // Not delivered: taken back here too, so a later look does not deliver it unasked.
      rmSync(join(found.store.dir, `${request.id}.decision.json`), { force: true });
      unreachable = error;
      outcome = { decided: false, view: found.store.read(request.id) };
    }
  }
  if (!outcome.decided && blocks) {
    // Not ours to apply after all: put the earlier state back.
    clearBlocked(stateDir);
    if (previous !== undefined) await writePrivateFile(capabilityFiles(stateDir).dockerfile, previous);
    else rmSync(capabilityFiles(stateDir).dockerfile, { force: true });
  }
  if (unreachable !== undefined) throw unreachable;
  if (!outcome.decided) {
    const status = outcome.view?.status ?? "gone";
    throw new BottleError(`${request.id} is ${status} already: ${status === "expired" ? "no one decided it in time (it counts as denied)" : "the first decision stands"}`, {
      hint: "the agent can ask again; `bottle requests` lists what is pending",
    });
  }
  // Written in place (not renamed), so the file keeps its owner, mode and links.
  if (saveTarget?.text !== undefined) writeFileSync(saveTarget.file, saveTarget.text);
  if (blocks) {
    // Give the gate a moment to hand the waiting agent its answer (it marks it), so the
    // agent hears why before its bottle stops; an agent that was told "pending" reads
    // it with `request-status` after `resume`.
    const until = Date.now() + (options.answerWaitMs ?? 5_000);
    while (!found.store.answered(request.id) && Date.now() < until) {
      await Bun.sleep(options.relay === undefined ? 50 : 250);
      await options.relay?.(found.identity).catch(() => {});
    }
    await options.stopBottle?.(found.identity);
  }
  return { identity: found.identity, view: outcome.view, ...(saveTarget === undefined ? {} : { savedTo: saveTarget.file }), ...(blocks ? { blocked: true } : {}) };
}
