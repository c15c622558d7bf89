import { intro, log, note, select, text } from "@clack/prompts";
import * as v from "valibot";
import type { BottlePaths } from "../../core/paths.ts";
import { allRequests, type BottleRequest } from "../../gate/services/supervise/bottle-requests.ts";
import { printable } from "../../core/printable.ts";
import { CancelledError, prompt, type PromptIO } from "../picker/prompt.ts";
import { currentDockerfile } from "./current-dockerfile.ts";
import { decideRequest, requestSubject } from "./decide-request.ts";
import { lineDiff } from "./line-diff.ts";
import type { RequestMirror } from "./mirror-requests.ts";

type Choice = "approve" | "save" | "deny" | "skip";

/** How long the view sleeps between looks at the requests folders. */
const POLL_MS = 300;

/** The request's details as the person reads them before deciding; what the agent wrote is shown through {@link printable}. */
function describe(paths: BottlePaths, found: BottleRequest): string {
  const { request } = found.view;
  const lines = [`bottle:   ${found.identity}`, `asked:    ${new Date(request.time).toLocaleTimeString()}`, `expires:  ${new Date(request.expires_at).toLocaleTimeString()}`, `why:      ${printable(request.justification)}`];
  if (typeof request.arguments.failed_url === "string") lines.push(`refused:  ${printable(request.arguments.failed_url)}`);
  const dockerfile = v.safeParse(v.object({ dockerfile: v.string() }), request.arguments);
  if (request.tool === "propose-dockerfile" && dockerfile.success) {
    const current = currentDockerfile(paths, found.identity);
    lines.push("", current === undefined ? "proposed Dockerfile (the bottle runs a plain image now):" : "Dockerfile, current → proposed:");
    const diff = current === undefined ? dockerfile.output.dockerfile.replace(/\n$/, "").split("\n").map((line) => `+ ${line}`) : lineDiff(current, dockerfile.output.dockerfile);
    lines.push(...diff.map((line) => printable(line)));
    lines.push("", "approving stops the bottle (status blocked, workspace and home kept); `bottle resume` builds the image and continues");
  }
  return lines.join("\n");
}

/** Resolves when `found` is no longer pending (decided elsewhere, or expired), or `signal` ends. */
function settledElsewhere(found: BottleRequest, signal: AbortSignal, mirror: RequestMirror | undefined): AbortSignal {
  const controller = new AbortController();
  let looking = false;
  const timer = setInterval(() => {
    if (looking) return;
    looking = true;
    // A relayed bottle's mirror is brought up to date first (a failed look keeps the last one).
    void (mirror?.relay(found.identity).catch(() => {}) ?? Promise.resolve()).then(() => {
      looking = false;
      if (signal.aborted || found.store.read(found.view.request.id)?.status !== "pending") controller.abort();
    });
  }, POLL_MS);
  controller.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  signal.addEventListener("abort", () => controller.abort(), { once: true });
  return controller.signal;
}

/** Waits for the oldest pending request not skipped; undefined when `signal` ends first. */
async function nextRequest(paths: BottlePaths, skipped: Set<string>, signal: AbortSignal, mirror: RequestMirror | undefined): Promise<BottleRequest | undefined> {
  while (!signal.aborted) {
    await mirror?.syncAll();
    const found = allRequests(paths).find((candidate) => candidate.view.status === "pending" && !skipped.has(candidate.view.request.id));
    if (found !== undefined) return found;
    await Bun.sleep(POLL_MS);
  }
  return undefined;
}

/**
 * The live view behind `bottle supervise`: shows each pending request of every bottle
 * as it arrives (justification; a Dockerfile as a diff against the current one) and
 * asks approve once / approve and save / deny with a note / skip. A request decided
 * elsewhere or expiring while it is on screen is taken off it. Every prompt goes
 * through the picker's cancel-aware helper; Ctrl-C leaves (exit 130).
 */
export async function superviseView(
  paths: BottlePaths,
  io: PromptIO & { signal: AbortSignal },
  stopBottle?: (identity: string) => Promise<void>,
  mirror?: RequestMirror,
): Promise<never> {
  const { output } = io;
  intro("bottle supervise — requests from every bottle, as they arrive (Ctrl-C leaves)", { output });
  const skipped = new Set<string>();
  let waitingShown = false;
  for (;;) {
    if (!waitingShown) log.info("waiting for requests…", { output });
    waitingShown = true;
    const found = await nextRequest(paths, skipped, io.signal, mirror);
    if (found === undefined) throw new CancelledError();
    waitingShown = false;
    const { request } = found.view;
    note(describe(paths, found), `${request.id}: ${requestSubject(found.view)}`, { output });
    const stale = settledElsewhere(found, io.signal, mirror);
    const ask = <T>(question: Parameters<typeof prompt<T>>[1]) =>
      prompt({ ...io, signal: stale }, question).catch((error: unknown) => {
        // Taken off the screen because it was settled elsewhere: not the person cancelling.
        if (error instanceof CancelledError && stale.aborted && !io.signal.aborted) return undefined;
        throw error;
      });
    const choice = await ask<Choice | symbol>((common) =>
      select<Choice>({
        ...common,
        message: `Decide ${request.id}`,
        options: [
          { value: "approve", label: "Approve once", hint: "this bottle, until it is removed" },
          ...(request.tool === "request-egress" ? [{ value: "save" as const, label: "Approve and save", hint: "also add it to the manifest's egress.allow" }] : []),
          { value: "deny", label: "Deny", hint: "with a note for the agent" },
          { value: "skip", label: "Skip for now" },
        ],
      }),
    );
    let outcome: string | undefined;
    if (choice === "skip") skipped.add(request.id);
    else if (choice !== undefined) {
      const reason = choice === "deny" ? await ask<string | symbol>((common) => text({ ...common, message: "A note for the agent (why; what to do instead)", placeholder: "optional" })) : undefined;
      if (choice !== "deny" || reason !== undefined) {
        try {
          const result = await decideRequest(paths, request.id, {
            status: choice === "deny" ? "denied" : "approved",
            note: typeof reason === "string" ? reason : undefined,
            save: choice === "save",
            ...(stopBottle === undefined ? {} : { stopBottle }),
            ...(mirror === undefined ? {} : { relay: mirror.relay }),
          });
          outcome = `${result.view.status} ${request.id}: ${requestSubject(result.view)} for ${result.identity}${result.savedTo === undefined ? "" : ` (saved to ${result.savedTo})`}`;
          log.success(outcome, { output });
          if (result.blocked === true) log.info(`${result.identity} is stopped (blocked): \`bottle resume ${result.identity}\` builds its new image and continues`, { output });
        } catch (error) {
          log.error(error instanceof Error ? error.message : String(error), { output });
        }
      }
    }
    if (outcome === undefined && choice === undefined) {
      const now = found.store.read(request.id);
      log.warn(`${request.id} was ${now?.status ?? "removed"} elsewhere`, { output });
    }
  }
}
