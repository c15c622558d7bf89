import { backendDeps, backendOf, identityArg } from "../backend-deps.ts";
import { writeJsonOut, type CommandContext } from "../context.ts";

/** `bottle stop ID`: removes a bottle's containers and networks, keeps its workspace and home for `resume`. */
export async function run(context: CommandContext): Promise<number> {
  const identity = identityArg(context, "stop");
  const deps = backendDeps(context);
  const { backend } = await backendOf(identity, deps);
  const report = await backend.stop(identity, deps);
  if (context.flags.json === true) writeJsonOut(context.stdout, { identity, ...report });
  else if (report.alreadyStopped) context.stderr.write(`${identity} was already stopped (\`bottle resume ${identity}\` brings it back)\n`);
  else context.stderr.write(`stopped ${identity} (${report.removed.length} objects removed; \`bottle resume ${identity}\` brings it back)\n`);
  return 0;
}
