import { UsageError } from "../../core/errors.ts";
import { bottlePaths } from "../../core/paths.ts";
import type { CommandContext } from "../context.ts";
import { terminalIO } from "../picker/prompt.ts";
import { stopBlocked } from "../supervise/stop-blocked.ts";
import { superviseView } from "../supervise/supervise-view.ts";
import { requestMirror } from "../supervise/mirror-requests.ts";

/** `bottle supervise`: the live view of agents' requests across bottles, deciding each as it arrives. */
export async function run(context: CommandContext): Promise<number> {
  if (!context.interactive) {
    throw new UsageError("`bottle supervise` needs a terminal (and no CI)", "use `bottle requests`, `bottle approve REQ` and `bottle deny REQ` instead");
  }
  // Between prompts the terminal is not in raw mode, so Ctrl-C arrives as SIGINT: leave
  // as a cancelled prompt does (exit 130, `cancelled`), not killed mid-write.
  const leave = new AbortController();
  const onInterrupt = () => leave.abort();
  process.on("SIGINT", onInterrupt);
  try {
    const signal = AbortSignal.any([context.signal, leave.signal]);
    return await superviseView(bottlePaths(context.env), { ...terminalIO(signal), signal }, stopBlocked(context), requestMirror(context));
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}
