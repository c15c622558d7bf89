import { UsageError } from "../../core/errors.ts";
import { bottlePaths } from "../../core/paths.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";
import { decideRequest, requestSubject } from "../supervise/decide-request.ts";
import { requestMirror } from "../supervise/mirror-requests.ts";

/** `bottle deny REQ [--reason TEXT]`: refuses a request; the agent gets the reason with the answer. */
export async function run(context: CommandContext): Promise<number> {
  const id = context.positionals[0];
  if (id === undefined) throw new UsageError("`bottle deny` needs a request id", "`bottle requests` lists them");
  const mirror = requestMirror(context);
  await mirror.syncAll();
  const result = await decideRequest(bottlePaths(context.env), id, {
    relay: mirror.relay,
    status: "denied",
    note: typeof context.flags.reason === "string" ? context.flags.reason : undefined,
  });
  if (context.flags.json === true) {
    writeJsonOut(context.stdout, { id: result.view.request.id, bottle: result.identity, status: result.view.status });
    return 0;
  }
  context.stderr.write(`denied ${result.view.request.id}: ${requestSubject(result.view)} for ${result.identity}\n`);
  return 0;
}
