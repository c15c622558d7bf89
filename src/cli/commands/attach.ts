import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";

/**
 * `bottle attach ID`: another terminal session on a running bottle's agent. Leaving it
 * says what became of the bottle: still running (and how to stop it), or stopped
 * meanwhile by `bottle stop` elsewhere (and how to bring it back).
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const { identity, backend } = await resolveBottleId(deps, oneIdWord(context.positionals, "attach"));
  const code = await backend.attach(identity, deps);
  const status = async () => (await backend.list(deps)).find((bottle) => bottle.identity === identity)?.status;
  let now = await status();
  // Killed (128 + signal, 137 for docker's SIGKILL): a `bottle stop` may still be removing
  // the bottle, whose container then lists as running for a moment (Docker 20.10).
  for (let waited = 0; code >= 128 && now === "running" && waited < 5_000 && !deps.signal?.aborted; waited += 200) {
    await Bun.sleep(200);
    now = await status();
  }
  if (now === "running") {
    context.stderr.write(`left ${identity}; it keeps running: \`bottle attach ${identity}\` comes back, \`bottle stop ${identity}\` stops it\n`);
    return code;
  }
  // On a line of its own: the agent's screen may have left the cursor mid-line.
  context.stderr.write(`\n${identity} was stopped while you were attached (\`bottle stop\`); its workspace is kept: \`bottle resume ${identity}\` brings it back\n`);
  // A stop is a person's decision, not this session failing: 0, not the agent's 137
  // from the kill (which no exit code of bottle's documented).
  return code >= 128 ? 0 : code;
}
