import { UsageError } from "../../core/errors.ts";
import { bottlePaths } from "../../core/paths.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";
import { decideRequest, requestSubject } from "../supervise/decide-request.ts";
import { requestMirror } from "../supervise/mirror-requests.ts";
import { stopBlocked } from "../supervise/stop-blocked.ts";

/**
 * `bottle approve REQ [--save] [--note TEXT]`: approves a request; the bottle's gate
 * applies it within a second (an egress host answers at once, open tunnels keep
 * going). `--save` also adds the host to the bottle's `egress.allow` in its manifest.
 * An approved Dockerfile stops the bottle as `blocked`; `bottle resume` builds it.
 */
export async function run(context: CommandContext): Promise<number> {
  const id = context.positionals[0];
  if (id === undefined) throw new UsageError("`bottle approve` needs a request id", "`bottle requests` lists them");
  const mirror = requestMirror(context);
  await mirror.syncAll();
  const result = await decideRequest(bottlePaths(context.env), id, {
    relay: mirror.relay,
    status: "approved",
    note: typeof context.flags.note === "string" ? context.flags.note : undefined,
    save: context.flags.save === true,
    manifest: typeof context.flags.manifest === "string" ? context.flags.manifest : undefined,
    stopBottle: stopBlocked(context),
  });
  if (context.flags.json === true) {
    writeJsonOut(context.stdout, { id: result.view.request.id, bottle: result.identity, status: result.view.status, saved_to: result.savedTo, blocked: result.blocked === true });
    return 0;
  }
  context.stderr.write(`approved ${result.view.request.id}: ${requestSubject(result.view)} for ${result.identity}\n`);
  if (result.savedTo !== undefined) context.stderr.write(`saved to ${result.savedTo}\n`);
  if (result.blocked === true) {
    context.stderr.write(`${result.identity} is stopped (blocked) for its new image: \`bottle resume ${result.identity}\` builds it and continues the agent\n`);
  }
  return 0;
}
