import { existsSync } from "node:fs";
import { readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import * as v from "valibot";
import { BottleError } from "../../core/errors.ts";
import { liveness, readLiveMarker } from "../../core/live-marker.ts";
import type { BottlePaths } from "../../core/paths.ts";
import type { Runner } from "../../core/runner.ts";
import { bottleDirs, writeJson, writePrivateFile } from "../../core/state.ts";
import { requestsDir } from "../../gate/services/supervise/bottle-requests.ts";
import { RELAYED_FILE } from "../../gate/services/supervise/relay-requests.ts";
import { DecisionSchema, type Decision } from "../../gate/services/supervise/request-schema.ts";

/**
 * `<state>/<identity>/supervise/relay.json`: how this CLI reaches the requests folder of
 * a gate whose folder it cannot share (a remote engine's volume, a pod's claim): the
 * argv that runs `bottle gate requests` in the gate (`docker exec -i …`, `kubectl exec
 * -i …`), which the backend that launched it wrote. No file: the folder is local.
 */
export function relayFile(stateDir: string): string {
  return join(stateDir, "supervise", "relay.json");
}

const RelaySchema = v.strictObject({ argv: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1)) });

const OutputSchema = v.strictObject({ files: v.record(v.pipe(v.string(), v.regex(RELAYED_FILE)), v.string()) });

/** Records (or, with no argv, removes) the relay of a bottle's requests; written at each launch. */
export async function writeRequestRelay(stateDir: string, argv: string[] | undefined): Promise<void> {
  if (argv === undefined) await rm(relayFile(stateDir), { force: true });
  else await writeJson(relayFile(stateDir), { argv });
}

/** The decisions in the local mirror: what people decided here, to hand to the gate. */
async function localDecisions(dir: string): Promise<Record<string, Decision>> {
  const decisions: Record<string, Decision> = {};
  const names = existsSync(dir) ? await readdir(dir) : [];
  for (const name of names.filter((candidate) => candidate.endsWith(".decision.json") && RELAYED_FILE.test(candidate))) {
    const parsed = v.safeParse(DecisionSchema, JSON.parse(await readFile(join(dir, name), "utf8").catch(() => "null")));
    if (parsed.success) decisions[name.slice(0, -".decision.json".length)] = parsed.output;
  }
  return decisions;
}

/**
 * One round trip with one bottle's gate: the local mirror's decisions go in (the gate
 * keeps the first decision of each request), and the mirror becomes the gate's folder:
 * each file written whole (0600, renamed into place), a file the gate no longer has
 * removed. Then `bottle requests`, `approve`, `deny` and `supervise` read the mirror as
 * they read a local gate's folder. A bottle with no relay is left alone.
 */
export async function syncBottleRequests(runner: Runner, stateDir: string): Promise<void> {
  const relay = v.safeParse(RelaySchema, JSON.parse(await readFile(relayFile(stateDir), "utf8").catch(() => "null")));
  if (!relay.success) return;
  const dir = requestsDir(stateDir);
  const input = JSON.stringify({ decisions: await localDecisions(dir) });
  const result = await runner.run(relay.output.argv, { stdin: input, check: false, timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    throw new BottleError(`cannot reach the gate's requests (${relay.output.argv.slice(0, 2).join(" ")} exited ${result.exitCode}): ${result.stderr.trim().split("\n").pop() ?? ""}`, {
      hint: "is the bottle running? `bottle list` says",
    });
  }
  const output = v.safeParse(OutputSchema, JSON.parse(result.stdout || "null"));
  if (!output.success) throw new BottleError("the gate's requests relay answered something else than { files }");
  const files = output.output.files;
  for (const [name, text] of Object.entries(files)) {
    const temp = join(dir, `.relay-${name}`);
    await writePrivateFile(temp, text);
    await rename(temp, join(dir, name));
  }
  const here = existsSync(dir) ? await readdir(dir) : [];
  await Promise.all(here.filter((name) => RELAYED_FILE.test(name) && !(name in files)).map((name) => rm(join(dir, name), { force: true })));
}

/**
 * Brings the requests of every running relayed bottle into this host's mirrors, at
 * once (a stopped bottle has no gate to ask; its mirror stays as it was). A gate that
 * cannot be reached keeps its mirror too, and the reason goes to `warn`.
 */
export async function syncRequests(paths: BottlePaths, runner: Runner, options: { warn?: (line: string) => void } = {}): Promise<void> {
  const relayed = (await bottleDirs(paths.state)).filter((identity) => existsSync(relayFile(paths.bottleState(identity))));
  const live = await Promise.all(relayed.map(async (identity) => liveness(await readLiveMarker(paths.bottleState(identity))) === "live"));
  await Promise.all(
    relayed.filter((_, index) => live[index]).map((identity) =>
      syncBottleRequests(runner, paths.bottleState(identity)).catch((error: unknown) => options.warn?.(`${identity}: ${(error as Error).message}`)),
    ),
  );
}
